"""`/admin/rules/edit`: change the rules through a form or their JSON, see the dry run, then save
with a comment. A save is only ever of the proposal whose dry run was shown (admins only)."""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import DomainError
from app.people import service as people
from app.routing.dry_run import dry_run
from app.routing.rule_changes import save_rules
from app.row_ids import RowVersion
from app.rules import service
from app.rules.schemas import DryRunRequest, DryRunResult
from app.web.condition_tree import EDITS, TREE_FACTS, edited
from app.web.rendering import page
from app.web.routes.rules_page import answer_save
from app.web.rule_editor import PlacedError, Proposal, propose, reordered
from app.web.rule_form import FACT_LABELS, PICKED, TYPED, RuleForm, form_from_fields, form_of

router = APIRouter(include_in_schema=False)

NEW_RULE = RuleForm(id="", subspecialty="")
# Try the form or the JSON, save, change the form's groups (`add-any:1`, `remove:0.2`), or move
# a rule a place (`move-up:3`), or list the next studies of the dry run (`page:100:<cursor>`).
ACTIONS = (
    rf"^(form|json|save|({'|'.join(EDITS)}):[0-9.]{{0,64}}|move-(up|down):[0-9]{{1,5}}"
    r"|page:[0-9]{1,6}:[A-Za-z0-9_=-]{1,200})$"
)


@router.get("/admin/rules/edit")
def editor_page(
    request: Request, user: CurrentUser, session: SessionDep,
    rule: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:  # fmt: skip
    """The current rules in the JSON view; the form empty, or holding rule `rule`."""
    current = service.current_version(session)
    proposal = Proposal(current.rules, acuity=current.acuity)
    chosen = next((r for r in current.rules if r["id"] == rule), None)
    form = form_of(chosen) if chosen else NEW_RULE
    return _editor(request, session, current.version, proposal, form)


async def posted_fields(request: Request) -> dict[str, list[str]]:
    """Every posted field with all its values (the pickers send one value per ticked box)."""
    posted = await request.form()
    return {key: [str(value) for value in posted.getlist(key)] for key in posted}


PostedFields = Annotated[dict[str, list[str]], Depends(posted_fields)]


@router.post("/admin/rules/edit")
def edit_rules(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    base_version: Annotated[RowVersion, Form()],
    rules_json: Annotated[str, Form(max_length=1_000_000)],
    action: Annotated[str, Form(pattern=ACTIONS)], fields: PostedFields,
    position: Annotated[int | None, Form(ge=1, le=10_000)] = None,
    last: Annotated[int, Form(ge=1, le=100_000)] = 1000,
    comment: Annotated[str, Form(max_length=2000)] = "",
    tried: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:  # fmt: skip
    """Apply the form or the JSON and dry-run the result (a page of the studies that move); or
    save what was dry-run; or rearrange the form's groups or the rules' order and show them."""
    if action.startswith(("move-", *EDITS)):
        return _rearranged(request, session, base_version, rules_json, action, fields)
    listed_before, cursor = _page_asked(action)
    form = form_from_fields(fields) if action == "form" else None
    proposal = propose(rules_json, form, position)
    shown_form = form or NEW_RULE
    if proposal.errors or proposal.rule_set is None:
        return _editor(request, session, base_version, proposal, shown_form, status_code=422)
    if action == "save" and tried == proposal.digest and comment.strip():
        rule_set = proposal.rule_set
        return answer_save(
            request, session, base_version,
            lambda: save_rules(session, user, settings, rule_set, comment.strip(), base_version),
        )  # fmt: skip
    try:
        asked = proposal.document | {"last": last, "cursor": cursor}
        trial = dry_run(session, DryRunRequest.model_validate(asked), settings.zone)
    except DomainError as error:
        session.rollback()
        invalid = replace(proposal, rule_set=None, errors=[PlacedError("rules", str(error))])
        return _editor(request, session, base_version, invalid, shown_form, status_code=422)
    asked_to_save = action == "save"
    return _editor(
        request, session, base_version, proposal, shown_form, trial=trial, last=last,
        comment=comment, needs_comment=asked_to_save and not comment.strip(),
        listed_before=listed_before if cursor else 0,
        status_code=422 if asked_to_save else 200,
    )  # fmt: skip


def _rearranged(
    request: Request, session: Session, base_version: int, rules_json: str, action: str,
    fields: dict[str, list[str]],
) -> HTMLResponse:  # fmt: skip
    """The editor again with a rule moved a place, or a group of the form added or removed."""
    form = form_from_fields(fields)
    if action.startswith("move-"):
        return _editor(request, session, base_version, reordered(rules_json, action), form)
    form.groups = edited(form.groups, action)
    return _editor(request, session, base_version, propose(rules_json, None, None), form)


def _page_asked(action: str) -> tuple[int, str | None]:
    """(studies listed before this page, the dry run's cursor) for `page:100:<cursor>`."""
    if not action.startswith("page:"):
        return 0, None
    _, listed_before, cursor = action.split(":", 2)
    return int(listed_before), cursor


def _editor(
    request: Request, session: Session, base_version: int, proposal: Proposal,
    form: RuleForm | None, *, status_code: int = 200, trial: DryRunResult | None = None,
    **context: Any,
) -> HTMLResponse:  # fmt: skip
    pools = [pool.code for pool in people.list_subspecialties(session)]
    by_field = {error.form_field: error.message for error in proposal.errors if error.form_field}
    return page(
        request, "rules_edit.html", status_code, base_version=base_version, proposal=proposal,
        form=form or NEW_RULE, pools=pools, picked=PICKED, typed=TYPED, labels=FACT_LABELS,
        tree_facts=TREE_FACTS, field_errors=by_field, trial=trial, **context,
    )  # fmt: skip
