import pytest

from app.db.session import sqlalchemy_url


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
