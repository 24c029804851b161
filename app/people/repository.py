"""Every query on radiologists, their pools and credentials, and the subspecialties."""

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.people.models import (
    Radiologist,
    RadiologistCredential,
    RadiologistSubspecialty,
    Subspecialty,
)


def list_subspecialties(session: Session) -> Sequence[Subspecialty]:
    return session.scalars(select(Subspecialty).order_by(Subspecialty.code)).all()


def get_subspecialty(session: Session, code: str) -> Subspecialty | None:
    return session.get(Subspecialty, code)


def add_subspecialty(session: Session, subspecialty: Subspecialty) -> Subspecialty:
    session.add(subspecialty)
    session.flush()
    return subspecialty


def missing_subspecialties(session: Session, codes: Iterable[str]) -> list[str]:
    """Those of `codes` that name no subspecialty, sorted."""
    wanted = set(codes)
    if not wanted:
        return []
    known = set(session.scalars(select(Subspecialty.code).where(Subspecialty.code.in_(wanted))))
    return sorted(wanted - known)


def add_radiologist(session: Session, radiologist: Radiologist) -> Radiologist:
    session.add(radiologist)
    session.flush()
    return radiologist


def get_radiologist(
    session: Session, radiologist_id: int, *, for_update: bool = False
) -> Radiologist | None:
    return session.get(Radiologist, radiologist_id, with_for_update=for_update)


def list_radiologists(session: Session, *, active_only: bool = False) -> Sequence[Radiologist]:
    query = select(Radiologist).order_by(Radiologist.id)
    if active_only:
        query = query.where(Radiologist.active)
    return session.scalars(query).all()


def subspecialties_of(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(RadiologistSubspecialty.radiologist_id, RadiologistSubspecialty.subspecialty_code)
        .where(RadiologistSubspecialty.radiologist_id.in_(list(ids)))
        .order_by(RadiologistSubspecialty.subspecialty_code)
    )
    found: dict[int, list[str]] = {}
    for radiologist_id, code in rows:
        found.setdefault(radiologist_id, []).append(code)
    return found


def credentials_of(session: Session, ids: Iterable[int]) -> dict[tuple[int, str], list[str]]:
    """Credential values keyed by (radiologist id, kind)."""
    rows = session.execute(
        select(
            RadiologistCredential.radiologist_id,
            RadiologistCredential.kind,
            RadiologistCredential.value,
        )
        .where(RadiologistCredential.radiologist_id.in_(list(ids)))
        .order_by(RadiologistCredential.value)
    )
    found: dict[tuple[int, str], list[str]] = {}
    for radiologist_id, kind, value in rows:
        found.setdefault((radiologist_id, kind), []).append(value)
    return found


def replace_subspecialties(session: Session, radiologist_id: int, codes: Iterable[str]) -> None:
    session.execute(
        delete(RadiologistSubspecialty).where(
            RadiologistSubspecialty.radiologist_id == radiologist_id
        )
    )
    session.add_all(
        RadiologistSubspecialty(radiologist_id=radiologist_id, subspecialty_code=code)
        for code in dict.fromkeys(codes)
    )
    session.flush()


def replace_credentials(
    session: Session, radiologist_id: int, kind: str, values: Iterable[str]
) -> None:
    session.execute(
        delete(RadiologistCredential).where(
            RadiologistCredential.radiologist_id == radiologist_id,
            RadiologistCredential.kind == kind,
        )
    )
    session.add_all(
        RadiologistCredential(radiologist_id=radiologist_id, kind=kind, value=value)
        for value in dict.fromkeys(value.strip() for value in values if value.strip())
    )
    session.flush()
