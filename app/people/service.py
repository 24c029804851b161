"""Operations on radiologists and subspecialty pools."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.db.key_locks import take_turns
from app.people import repository
from app.people.duty import ShiftWindow, is_on_duty
from app.people.errors import RadiologistNotFound, SubspecialtyExists, UnknownSubspecialty
from app.people.models import Radiologist, Subspecialty
from app.people.schemas import (
    RadiologistCreate,
    RadiologistOut,
    RadiologistUpdate,
    SubspecialtyCreate,
)
from app.principal import Principal

INSTITUTION = "INSTITUTION"
STATE = "STATE"
_PLAIN_FIELDS = ("name", "on_duty", "max_open_tasks", "active")


def list_subspecialties(session: Session) -> Sequence[Subspecialty]:
    return repository.list_subspecialties(session)


def add_subspecialty(
    session: Session, principal: Principal, request: SubspecialtyCreate
) -> Subspecialty:
    take_turns(session, "subspecialty", request.code)
    if repository.get_subspecialty(session, request.code) is not None:
        raise SubspecialtyExists(request.code)
    subspecialty = repository.add_subspecialty(
        session, Subspecialty(code=request.code, name=request.name)
    )
    _audit(session, principal, "subspecialty", request.code, "subspecialty added")
    return subspecialty


def create_radiologist(
    session: Session, principal: Principal, request: RadiologistCreate
) -> RadiologistOut:
    _require_known(session, request.subspecialties)
    radiologist = repository.add_radiologist(
        session,
        Radiologist(
            name=request.name,
            on_duty=request.on_duty,
            max_open_tasks=request.max_open_tasks,
            shift_windows=[window.model_dump(mode="json") for window in request.shift_windows],
        ),
    )
    repository.replace_subspecialties(session, radiologist.id, request.subspecialties)
    repository.replace_credentials(session, radiologist.id, INSTITUTION, request.institutions)
    repository.replace_credentials(session, radiologist.id, STATE, request.states)
    _audit(session, principal, "radiologist", radiologist.id, "radiologist created")
    return describe(session, radiologist)


def update_radiologist(
    session: Session, principal: Principal, radiologist_id: int, request: RadiologistUpdate
) -> RadiologistOut:
    # Locked: two changes at once take turns, each replacing whole lists the other wrote.
    radiologist = _get(session, radiologist_id, for_update=True)
    changes = request.model_dump(exclude_unset=True, mode="json")
    for field in _PLAIN_FIELDS:
        if changes.get(field) is not None:
            setattr(radiologist, field, changes[field])
    if request.shift_windows is not None:
        radiologist.shift_windows = changes["shift_windows"]
    if request.subspecialties is not None:
        _require_known(session, request.subspecialties)
        repository.replace_subspecialties(session, radiologist.id, request.subspecialties)
    if request.institutions is not None:
        repository.replace_credentials(session, radiologist.id, INSTITUTION, request.institutions)
    if request.states is not None:
        repository.replace_credentials(session, radiologist.id, STATE, request.states)
    session.flush()
    session.refresh(radiologist)
    _audit(session, principal, "radiologist", radiologist.id, "radiologist updated", changes)
    return describe(session, radiologist)


def get_radiologist(session: Session, radiologist_id: int) -> RadiologistOut:
    return describe(session, _get(session, radiologist_id))


def list_radiologists(session: Session, *, active_only: bool = False) -> list[RadiologistOut]:
    radiologists = repository.list_radiologists(session, active_only=active_only)
    return describe_all(session, radiologists)


def on_duty_now(session: Session, local_now: datetime) -> list[Radiologist]:
    """Active radiologists on duty now, by their flag or a shift window: those who get work."""
    return [
        radiologist
        for radiologist in repository.list_radiologists(session, active_only=True)
        if is_on_duty(radiologist.on_duty, radiologist.shift_windows, local_now)
    ]


def describe(session: Session, radiologist: Radiologist) -> RadiologistOut:
    return describe_all(session, [radiologist])[0]


def describe_all(session: Session, radiologists: Sequence[Radiologist]) -> list[RadiologistOut]:
    ids = [radiologist.id for radiologist in radiologists]
    pools = repository.subspecialties_of(session, ids)
    credentials = repository.credentials_of(session, ids)
    return [
        RadiologistOut(
            id=radiologist.id,
            name=radiologist.name,
            active=radiologist.active,
            on_duty=radiologist.on_duty,
            shift_windows=[ShiftWindow.model_validate(w) for w in radiologist.shift_windows],
            max_open_tasks=radiologist.max_open_tasks,
            subspecialties=pools.get(radiologist.id, []),
            institutions=credentials.get((radiologist.id, INSTITUTION), []),
            states=credentials.get((radiologist.id, STATE), []),
            last_assigned_at=radiologist.last_assigned_at,
            created_at=radiologist.created_at,
            updated_at=radiologist.updated_at,
        )
        for radiologist in radiologists
    ]


def _get(session: Session, radiologist_id: int, *, for_update: bool = False) -> Radiologist:
    radiologist = repository.get_radiologist(session, radiologist_id, for_update=for_update)
    if radiologist is None:
        raise RadiologistNotFound(radiologist_id)
    return radiologist


def _require_known(session: Session, codes: list[str]) -> None:
    missing = repository.missing_subspecialties(session, codes)
    if missing:
        raise UnknownSubspecialty(missing)


def _audit(
    session: Session,
    principal: Principal,
    object_type: str,
    object_id: str | int,
    event: str,
    changes: dict[str, object] | None = None,
) -> None:
    details: dict[str, object] = {"event": event}
    if changes:
        details["changes"] = changes
    record(
        session,
        principal,
        AuditAction.SECURITY_ALERT,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
