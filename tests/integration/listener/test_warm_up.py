import pytest

from app.db.session import get_engine
from app.db.single_statement import autocommit_engine
from dicom_listener.database import WARM_CONNECTIONS, warm_up
from tests.support.network import free_port


def test_a_started_listener_has_its_connections_open(database_url: str) -> None:
    warm_up(database_url)

    for engine in (autocommit_engine(database_url), get_engine(database_url)):
        assert engine.pool.checkedin() >= WARM_CONNECTIONS  # type: ignore[attr-defined]


def test_an_unreachable_database_at_start_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nowhere = f"postgresql://worklist@127.0.0.1:{free_port()}/worklist"

    warm_up(nowhere)

    assert [record.msg for record in caplog.records] == ["database not reachable at start"]
