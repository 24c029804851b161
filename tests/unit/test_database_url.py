import pytest

from app.db.session import driver_url, prepare_threshold, sqlalchemy_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://postgres:@/w?host=/tmp/s", "postgresql+psycopg://postgres:@/w?host=/tmp/s"),
    ],
)
def test_any_postgres_spelling_uses_psycopg(given: str, expected: str) -> None:
    assert sqlalchemy_url(given) == expected


def test_non_postgres_url_is_refused() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        sqlalchemy_url("sqlite:///worklist.db")


@pytest.mark.parametrize(
    ("given", "threshold"),
    [
        ("postgresql://u@h/db", {}),
        ("postgresql://u@h/db?prepare_threshold=none", {"prepare_threshold": None}),
        ("postgresql://u@h/db?prepare_threshold=None", {"prepare_threshold": None}),
        ("postgresql://u@h/db?sslmode=require&prepare_threshold=10", {"prepare_threshold": 10}),
    ],
)
def test_prepare_threshold_is_read_from_the_url(
    given: str, threshold: dict[str, int | None]
) -> None:
    assert prepare_threshold(given) == threshold


def test_prepare_threshold_is_not_passed_on_as_a_libpq_option() -> None:
    url = driver_url("postgresql://u@h/db?sslmode=require&prepare_threshold=none")
    assert dict(url.query) == {"sslmode": "require"}


def test_a_prepare_threshold_neither_none_nor_a_count_is_refused() -> None:
    with pytest.raises(ValueError, match="prepare_threshold is none or a count"):
        prepare_threshold("postgresql://u@h/db?prepare_threshold=off")
