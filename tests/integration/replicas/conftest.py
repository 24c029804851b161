"""Two listeners, two API processes and two workers, each with a home of its own, against one
Postgres cluster of the test alone and one S3 server; the results receiver the workers deliver
reports to."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.auth.service import issue_token
from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.support.hl7_peers import ResultsReceiver
from tests.support.network import free_port
from tests.support.replica_checks import Headers, split_in_halves
from tests.support.replicas import Cluster, running_cluster
from tests.support.s3 import CREDENTIALS, S3Server

REPLICAS = {"listener": 2, "api": 2, "worker": 2}
STUDIES = 4
POOLS = ["MSK", "NEURO", "BODY", "CHEST", "GENERAL"]
# Short enough that every job has work within a test: a study is stable 5 s after its last
# instance, a claim lapses after 3 s, a routine task escalates at 80 % of 18 s and is overdue after.
JOB_SETTINGS = {
    "WORKLIST_STABLE_AFTER": "5",
    "WORKLIST_STABILITY_SWEEP_INTERVAL": "0.2",
    "WORKLIST_ASSIGN_INTERVAL": "0.2",
    "WORKLIST_ESCALATE_INTERVAL": "0.2",
    "WORKLIST_LEASE_CHECK_INTERVAL": "0.2",
    "WORKLIST_TASK_LEASE": "3",
    "WORKLIST_SLA_ROUTINE_HOURS": "0.005",
    "WORKLIST_HL7_DELIVERY_INTERVAL": "0.2",
}


@pytest.fixture
def pgdata(tmp_path: Path) -> Path:
    return tmp_path / "pgdata"


@pytest.fixture
def cluster_database(pgdata: Path) -> Iterator[str]:
    """A Postgres cluster of this test alone, so restarting it disturbs no other test."""
    url = start_embedded_postgres(pgdata, "worklist")
    upgrade_to_head(url)
    yield url
    stop_embedded_postgres(pgdata)


@pytest.fixture
def results() -> Iterator[ResultsReceiver]:
    with ResultsReceiver(free_port()) as receiver:
        yield receiver


@pytest.fixture
def storage_env(s3_server: S3Server) -> dict[str, str]:
    """Every replica stores into one bucket of the S3 server, nothing on its own disk but the
    spool; {} here would have each listener store in its own home instead."""
    return CREDENTIALS | {
        "WORKLIST_STORAGE": f"s3://{s3_server.new_bucket()}/worklist",
        "WORKLIST_S3_ENDPOINT": s3_server.endpoint,
        "WORKLIST_S3_ADDRESSING_STYLE": "path",
        "WORKLIST_S3_TIMEOUT": "2",
    }


@pytest.fixture
def cluster(
    cluster_database: str,
    tmp_path: Path,
    results: ResultsReceiver,
    storage_env: dict[str, str],
) -> Iterator[Cluster]:
    env = JOB_SETTINGS | storage_env | {"WORKLIST_HL7_DESTINATIONS": f"127.0.0.1:{results.port}"}
    with running_cluster(cluster_database, tmp_path / "hosts", env, REPLICAS) as running:
        yield running


@pytest.fixture
def admin(cluster_database: str) -> Headers:
    return bearer(cluster_database, Role.ADMIN, None)


@pytest.fixture
def readers(cluster: Cluster, cluster_database: str, admin: Headers) -> list[Headers]:
    """Two radiologists on duty in every pool, added through the first API replica."""
    api = cluster.of_kind("api")[0]
    headers = []
    for name in ("Dr Lee", "Dr Kim"):
        answer = httpx.post(
            f"{api.url}/api/v1/radiologists",
            json={"name": name, "subspecialties": POOLS, "on_duty": True},
            headers=admin,
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        headers.append(bearer(cluster_database, Role.RADIOLOGIST, answer.json()["id"]))
    return headers


def bearer(url: str, role: Role, radiologist_id: int | None) -> Headers:
    with session_scope(url) as session:
        issued = issue_token(session, name=role.value, role=role, radiologist_id=radiologist_id)
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def halves(tmp_path: Path) -> tuple[Path, Path]:
    """`STUDIES` knee MRs, every study split between two folders, one for each listener."""
    first, second = tmp_path / "half-a", tmp_path / "half-b"
    for number in range(STUDIES):
        written = write_datasets(study_datasets(KNEE_MR), tmp_path / f"study-{number}")
        split_in_halves(written[0].parent, first, second)
    return first, second
