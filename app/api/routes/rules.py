"""Admin API for the routing rule set: current version, save, versions, diff, restore, dry run."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.routing.dry_run import dry_run
from app.routing.rule_changes import restore_rules, save_rules
from app.rules import service
from app.rules.models import RuleSetVersion
from app.rules.schemas import (
    DryRunRequest,
    DryRunResult,
    RuleSetDiff,
    RuleSetSave,
    RuleSetVersionOut,
    RuleSetVersionSummary,
)

router = APIRouter(prefix="/api/v1/rules", tags=["rules"])


@router.get("", summary="Read the current rule set")
def read_current_rules(session: SessionDep, user: CurrentUser) -> RuleSetVersionOut:
    """The rule set routing uses now, with its version, author and comment. Changes nothing."""
    return _out(service.current_version(session))


@router.put("", status_code=status.HTTP_201_CREATED, summary="Save a new rule set version")
def save_rule_set(
    body: RuleSetSave, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> RuleSetVersionOut:
    """Save the rules as a new version (never in place) and re-route waiting tasks; audited.

    `422` names the exact place of an invalid rule (`body.rules.3.when.all.0.regoin`); nothing
    is saved then.
    """
    return _out(save_rules(session, user, settings, body, body.comment))


@router.get("/versions", summary="List rule set versions")
def list_rule_versions(session: SessionDep, user: CurrentUser) -> list[RuleSetVersionSummary]:
    """Every saved version, oldest first, with author, comment and rule count. Changes nothing."""
    return [
        RuleSetVersionSummary(
            version=row.version,
            author=row.author,
            comment=row.comment,
            created_at=row.created_at,
            rule_count=len(row.rules),
        )
        for row in service.list_versions(session)
    ]


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
) -> RuleSetVersionOut:
    """Save a new version equal to `version` and re-route waiting tasks; audited.

    `404` for an unknown version.
    """
    return _out(restore_rules(session, user, settings, version))


@router.post("/dry-run", summary="Try a rule set on recent studies")
def dry_run_rules(body: DryRunRequest, session: SessionDep, user: CurrentUser) -> DryRunResult:
    """How many recent stable studies would change pool or priority, with samples.

    Changes nothing. `422` names the place of an invalid rule, as a save would.
    """
    return dry_run(session, body)


def _out(row: RuleSetVersion) -> RuleSetVersionOut:
    return RuleSetVersionOut.model_validate(row)
