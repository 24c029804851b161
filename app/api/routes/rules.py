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


@router.get("")
def read_current_rules(session: SessionDep, user: CurrentUser) -> RuleSetVersionOut:
    return _out(service.current_version(session))


@router.put("", status_code=status.HTTP_201_CREATED)
def save_rule_set(
    body: RuleSetSave, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> RuleSetVersionOut:
    return _out(save_rules(session, user, settings, body, body.comment))


@router.get("/versions")
def list_rule_versions(session: SessionDep, user: CurrentUser) -> list[RuleSetVersionSummary]:
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


@router.get("/versions/{version}")
def read_rule_version(version: int, session: SessionDep, user: CurrentUser) -> RuleSetVersionOut:
    return _out(service.get_version(session, version))


@router.get("/versions/{version}/diff")
def diff_rule_versions(
    version: int, session: SessionDep, user: CurrentUser, against: int | None = None
) -> RuleSetDiff:
    """What changed from version `against` (default: the one before) to `version`."""
    return service.diff(session, against if against is not None else version - 1, version)


@router.post("/versions/{version}/restore", status_code=status.HTTP_201_CREATED)
def restore_rule_version(
    version: int, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> RuleSetVersionOut:
    return _out(restore_rules(session, user, settings, version))


@router.post("/dry-run")
def dry_run_rules(body: DryRunRequest, session: SessionDep, user: CurrentUser) -> DryRunResult:
    return dry_run(session, body)


def _out(row: RuleSetVersion) -> RuleSetVersionOut:
    shown = RuleSetVersionOut.model_validate(row)
    return shown.model_copy(update={"acuity": service.stored_rule_set(row)["acuity"]})
