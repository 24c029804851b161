"""`/admin/rules`: the rule set in words, its versions, their diff, and restoring one after its
dry run (admins only). Every action goes through the same services as `/api/v1/rules`."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.routing.dry_run import dry_run
from app.routing.rule_changes import restore_rules
from app.row_ids import RowVersion
from app.rules import service
from app.rules.errors import RuleSetStale
from app.rules.schemas import DryRunRequest, RuleSetSaved
from app.web.rendering import page
from app.web.rules_view import rule_rows, versions_diff

router = APIRouter(include_in_schema=False)

Version = Annotated[RowVersion, Path()]
Cursor = Annotated[str | None, Query(max_length=200)]


@router.get("/admin/rules")
def rules_page(
    request: Request, user: CurrentUser, session: SessionDep,
    older: Annotated[RowVersion | None, Query()] = None,
    newer: Annotated[RowVersion | None, Query()] = None,
) -> HTMLResponse:  # fmt: skip
    """The current rules in order, every version, and the diff of two when both are chosen."""
    version, rule_set = service.current_rule_set(session)
    current = service.get_version(session, version)
    diff = versions_diff(session, older, newer) if older and newer else None
    return page(
        request, "rules.html", current=current, rules=rule_rows(rule_set.rules),
        versions=sorted(service.list_versions(session), key=lambda v: v.version, reverse=True),
        diff=diff,
    )  # fmt: skip


@router.get("/admin/rules/versions/{version}/restore")
def restore_preview(
    request: Request, version: Version, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, cursor: Cursor = None,
) -> HTMLResponse:  # fmt: skip
    """What restoring `version` would move, before it can be confirmed."""
    source = service.get_version(session, version)
    trial = dry_run(session, DryRunRequest(rules=source.rules, cursor=cursor), settings.zone)
    return page(
        request, "rules_restore.html", version=source, trial=trial,
        diff=versions_diff(session, trial.current_version, version),
    )  # fmt: skip


@router.post("/admin/rules/versions/{version}/restore")
def restore_version(
    request: Request, version: Version, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, base_version: Annotated[RowVersion, Form()],
) -> HTMLResponse:  # fmt: skip
    """Restore `version` as a new version, only while the dry run's version is still current."""
    return answer_save(
        request, session, base_version,
        lambda: restore_rules(session, user, settings, version, base_version),
    )  # fmt: skip


def answer_save(
    request: Request, session: Session, base_version: int, save: Callable[[], RuleSetSaved]
) -> HTMLResponse:
    """The saved version and the tasks it moved; or, when another version was saved since
    `base_version`, who saved it and what changed, with nothing saved."""
    try:
        saved = save()
    except RuleSetStale as stale:
        session.rollback()
        current = service.current_version(session)
        known = base_version < current.version
        diff = versions_diff(session, base_version, current.version) if known else None
        return page(request, "rules_stale.html", 409, error=str(stale), current=current, diff=diff)
    return page(request, "rules_saved.html", 201, saved=saved)
