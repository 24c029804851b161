"""What the rules pages show: rules as sentences, versions, and a diff in words and JSON."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.rules import service
from app.rules.dsl import Rule
from app.rules.schemas import RuleSetDiff
from app.rules.sentences import diff_sentences, rule_sentence


@dataclass(frozen=True)
class RuleRow:
    position: int
    id: str
    name: str
    sentence: str
    enabled: bool
    fallback: bool


@dataclass(frozen=True)
class VersionsDiff:
    older: int
    newer: int
    sentences: list[str]
    as_json: str


def rule_rows(rules: list[Rule]) -> list[RuleRow]:
    return [
        RuleRow(
            position=index + 1, id=rule.id, name=rule.name, sentence=rule_sentence(rule),
            enabled=rule.enabled, fallback=rule.when is None,
        )
        for index, rule in enumerate(rules)
    ]  # fmt: skip


def versions_diff(session: Session, older: int, newer: int) -> VersionsDiff:
    """The change from `older` to `newer`; both must exist (else RuleSetVersionNotFound)."""
    diff = service.diff(session, older, newer)
    return VersionsDiff(older, newer, _sentences(session, diff), diff.model_dump_json(indent=2))


def _sentences(session: Session, diff: RuleSetDiff) -> list[str]:
    before = service.get_version(session, diff.from_version).rules
    after = service.get_version(session, diff.to_version).rules
    return diff_sentences(diff, before, after)
