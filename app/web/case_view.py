"""What the case page shows beyond the task's detail: buttons, the viewer link, who moved first."""

from dataclasses import dataclass
from urllib.parse import quote

from app.errors import Invalid
from app.tasks.detail import ReportView, TaskDetail
from app.tasks.state_machine import Action
from app.vocabulary import Concordance, Radpeer, ReportKind, TaskKind

BUTTONS = {
    Action.CLAIM.value: "Claim",
    Action.RELEASE.value: "Release (r)",
    Action.PRELIMINARY.value: "Save preliminary",
    Action.FINALIZE.value: "Finalize",
    Action.ADDENDUM.value: "Add addendum",
}
RADPEER_WORDS = {
    Radpeer.AGREE: "1: concur with the interpretation",
    Radpeer.MINOR_UNLIKELY_SIGNIFICANT: "2a: discrepancy, unlikely to be clinically significant",
    Radpeer.MINOR_LIKELY_SIGNIFICANT: "2b: discrepancy, likely to be clinically significant",
    Radpeer.MAJOR_UNLIKELY_SIGNIFICANT: "3a: major discrepancy, unlikely to be significant",
    Radpeer.MAJOR_LIKELY_SIGNIFICANT: "3b: major discrepancy, likely to be clinically significant",
}


CONCORDANCE_WORDS = {
    Concordance.AGREE.value: "Agree with the outside report",
    Concordance.MINOR_DISCREPANCY.value: "Minor discrepancy",
    Concordance.MAJOR_DISCREPANCY.value: "Major discrepancy",
}


@dataclass(frozen=True, slots=True)
class Typed:
    """What the reader typed, kept when the action is refused."""

    findings: str = ""
    impression: str = ""
    critical: bool = False
    radpeer: str = ""
    radpeer_comment: str = ""
    concordance: str = ""


def concordance_of(typed: Typed) -> Concordance | None:
    if not typed.concordance:
        return None
    if typed.concordance not in CONCORDANCE_WORDS:
        raise Invalid(f"concordance: {typed.concordance!r} is not one of the choices")
    return Concordance(typed.concordance)


def buttons(detail: TaskDetail) -> list[tuple[str, str]]:
    """Exactly the task's allowed actions a reader takes on this page, as (action, label)."""
    return [(action, BUTTONS[action]) for action in detail.allowed_actions if action in BUTTONS]


def typed_or_saved(detail: TaskDetail) -> Typed:
    """The latest report of this task, to go on writing it."""
    if not detail.reports:
        return Typed()
    latest = detail.reports[-1]
    return Typed(latest.findings, latest.impression, latest.critical)


def primary_report(detail: TaskDetail) -> ReportView | None:
    """For an over-read: the primary reader's latest report, shown beside the editor."""
    if detail.kind != TaskKind.SECOND_OPINION.value:
        return None
    for linked in detail.linked_tasks:
        if linked.kind == TaskKind.PRIMARY.value and linked.reports:
            finals = [r for r in linked.reports if r.kind != ReportKind.ADDENDUM.value]
            return (finals or linked.reports)[-1]
    return None


def moved_first(detail: TaskDetail) -> str:
    """Who changed the task last and into what, in words."""
    if not detail.history:
        return "Someone changed this case first."
    last = detail.history[-1]
    who = last.actor.split(":", 2)[-1]  # "user:3:dr-kim" or "token:5:ris" → the name
    now = f"the case is now at version {detail.version}"
    return f"{who} moved first: {last.action} → {last.to_state} ({now})."


def viewer_link(template: str | None, detail: TaskDetail) -> str | None:
    """`WORKLIST_VIEWER_URL` with the study's identifiers filled in, or None when unset."""
    if not template:
        return None
    uid = quote(detail.study_instance_uid, safe="")
    accession = quote(detail.accession_number or "", safe="")
    return template.replace("{study_instance_uid}", uid).replace("{accession_number}", accession)
