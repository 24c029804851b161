"""Radiologists with API tokens, for tests that act as readers."""

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.support.factories import make_radiologist


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_reader(
    session: Session, make_token: Callable[..., str], pools: tuple[str, ...] = ("NEURO",)
) -> tuple[int, dict[str, str]]:
    """A committed radiologist in `pools` and the headers of a token acting for them."""
    radiologist = make_radiologist(session, subspecialties=pools)
    session.commit()
    token = make_token(Role.RADIOLOGIST, name=radiologist.name, radiologist_id=radiologist.id)
    return radiologist.id, bearer(token)
