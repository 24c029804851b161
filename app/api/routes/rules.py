"""Admin API for the routing rule set: current version, save, versions, diff, restore, dry run."""

import re
from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import Invalid
from app.routing.dry_run import dry_run
from app.routing.rule_changes import restore_rules, save_rules
from app.rules import service
from app.rules.errors import RuleSetBaseRequired
from app.rules.models import RuleSetVersion
from app.rules.schemas import (
    DryRunRequest,
    DryRunResult,
    RuleSetDiff,
    RuleSetSave,
    RuleSetSaved,
    RuleSetVersionOut,
    RuleSetVersionSummary,
)

router = APIRouter(prefix="/api/v1/rules", tags=["rules"])


_ETAG = re.compile(r'^(?:W/)?"rules-([1-9][0-9]*)"$')
IfMatch = Annotated[
    str | None,
    Header(description='The ETag of the version this save replaces, as GET sent it ("rules-3")'),
]


@router.get("", summary="Read the current rule set")
def read_current_rules(
    session: SessionDep, user: CurrentUser, response: Response
) -> RuleSetVersionOut:
    """The rule set routing uses now, with its version, author and comment. Changes nothing.

    Its `ETag` names the version, for `If-Match` on the next save.
    """
    current = service.current_version(session)
    response.headers["ETag"] = etag_of(current.version)
    return _out(current)


@router.put(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Save a new rule set version",
    responses={
        409: {"description": "the version named is no longer current: who saved since, and what"},
        428: {"description": "the save names no version it replaces"},
    },
)
def save_rule_set(
    body: RuleSetSave,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> RuleSetSaved:
    """Save a new version (never in place) in place of the one named by `If-Match` or
    `base_version`; audited.

    `428` when neither is sent, `409` with who saved since and what changed when it is no longer
    current. Re-routes the tasks nobody has started that the new rules move, and says how many
    moved where. `422` names the exact place of an invalid rule (`body.rules.3.when.all.0.regoin`);
    nothing is saved then.
    """
    saved = save_rules(session, user, settings, body, body.comment, _base(body, if_match))
    response.headers["ETag"] = etag_of(saved.version)
    return saved


def etag_of(version: int) -> str:
    return f'"rules-{version}"'


def _base(body: RuleSetSave, if_match: str | None) -> int:
    """The version the save replaces, from the body or If-Match (which must agree)."""
    from_header = None if if_match is None else _version_in(if_match)
    if None not in (from_header, body.base) and from_header != body.base:
        raise Invalid(f"If-Match names version {from_header} but the body version {body.base}")
    base = body.base if body.base is not None else from_header
    if base is None:
        raise RuleSetBaseRequired()
    return base


def _version_in(if_match: str) -> int:
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise Invalid(f"If-Match: expected the ETag GET /api/v1/rules sent, such as {etag_of(1)}")
    return int(found.group(1))


@router.get("/versions", summary="List rule set versions")
def list_rule_versions(session: SessionDep, user: CurrentUser) -> list[RuleSetVersionSummary]:
    """Every saved version, oldest first, with author, comment and rule count. Changes nothing."""
    return [RuleSetVersionSummary.of(row) for row in service.list_versions(session)]


@router.get("/versions/{version}", summary="Read one rule set version")
def read_rule_version(version: int, session: SessionDep, user: CurrentUser) -> RuleSetVersionOut:
    """The rules of version `version`. Changes nothing; `404` for an unknown version."""
    return _out(service.get_version(session, version))


@router.get("/versions/{version}/diff", summary="Compare two rule set versions")
def diff_rule_versions(
    version: int, session: SessionDep, user: CurrentUser, against: int | None = None
) -> RuleSetDiff:
    """What changed from version `against` (default: the one before) to `version`.

    Rules added, removed and changed, and whether their order changed. Changes nothing; `404`
    for an unknown version.
    """
    return service.diff(session, against if against is not None else version - 1, version)


@router.post(
    "/versions/{version}/restore",
    status_code=status.HTTP_201_CREATED,
    summary="Roll back to an earlier rule set",
)
def restore_rule_version(
    version: int, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> RuleSetSaved:
    """Save a new version equal to `version` and re-route the tasks it moves; audited.

    `404` for an unknown version.
    """
    return restore_rules(session, user, settings, version)


@router.post("/dry-run", summary="Try a rule set on recent studies")
def dry_run_rules(
    body: DryRunRequest, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> DryRunResult:
    """How many recent stable studies would change pool or priority, with samples.

    Changes nothing. `422` names the place of an invalid rule, as a save would.
    """
    return dry_run(session, body, settings.zone)


def _out(row: RuleSetVersion) -> RuleSetVersionOut:
    shown = RuleSetVersionOut.model_validate(row)
    return shown.model_copy(update={"acuity": service.stored_rule_set(row)["acuity"]})
