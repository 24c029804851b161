"""Who may read a task and who should: plain data in, a choice with its reasons out."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.studies.patients import PatientIdentity
from app.vocabulary import Priority

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A radiologist as the assignment engine sees them at one moment."""

    id: int
    name: str
    active: bool
    on_duty: bool
    subspecialties: frozenset[str]
    institutions: frozenset[str]  # casefolded; empty = credentialed everywhere
    open_tasks: int
    open_workload: float
    max_open_tasks: int
    last_assigned_at: datetime | None


@dataclass(frozen=True, slots=True)
class TaskNeeds:
    """What a task asks of its reader."""

    subspecialty: str
    priority: str
    institution: str
    excluded_reader: int | None = None  # the primary reader, for a second opinion
    named_reader: int | None = None  # a rule's named radiologist
    patient_readers: frozenset[int] = frozenset()  # readers of the patient's other open studies


@dataclass(frozen=True, slots=True)
class PatientRead:
    """A reader holding an open task on one of a patient's studies."""

    patient: PatientIdentity
    study_id: int
    reader_id: int


class PatientReaders:
    """Who reads each patient's open studies, kept current while one pass assigns more of them.
    A patient is an id with its issuer: an outside patient is not the local one of the same id."""

    def __init__(self, reads: Iterable[PatientRead]) -> None:
        self._by_patient: dict[PatientIdentity, list[PatientRead]] = defaultdict(list)
        for read in reads:
            self._by_patient[read.patient].append(read)

    def of(self, patient: PatientIdentity | None, study_id: int) -> frozenset[int]:
        """The readers of the patient's open studies other than `study_id`."""
        if patient is None:
            return frozenset()
        reads = self._by_patient.get(patient, ())
        return frozenset(read.reader_id for read in reads if read.study_id != study_id)

    def note(self, patient: PatientIdentity | None, study_id: int, reader_id: int) -> None:
        if patient is not None:
            self._by_patient[patient].append(PatientRead(patient, study_id, reader_id))


@dataclass(frozen=True, slots=True)
class Choice:
    radiologist_id: int
    reasons: tuple[str, ...]


def why_not(candidate: Candidate, needs: TaskNeeds) -> list[str]:
    """Every reason `candidate` may not read the task; empty when they may."""
    reasons = []
    if not candidate.active:
        reasons.append("inactive")
    if not candidate.on_duty:
        reasons.append("off duty")
    if needs.subspecialty not in candidate.subspecialties:
        reasons.append(f"not in the {needs.subspecialty} pool")
    if candidate.institutions and needs.institution.casefold() not in candidate.institutions:
        reasons.append(f"not credentialed for {needs.institution or 'an unnamed institution'}")
    if candidate.open_tasks >= candidate.max_open_tasks and needs.priority != Priority.STAT:
        reasons.append(f"at the cap ({candidate.open_tasks}/{candidate.max_open_tasks} open)")
    if candidate.id == needs.excluded_reader:
        reasons.append("read the primary of this second opinion")
    return reasons


def choose(candidates: list[Candidate], needs: TaskNeeds) -> Choice | None:
    """The eligible reader to push the task to, or None when nobody may read it."""
    eligible = [candidate for candidate in candidates if not why_not(candidate, needs)]
    if not eligible:
        return None
    for candidate in eligible:
        if candidate.id == needs.named_reader:
            return Choice(candidate.id, ("named by the rule",))
    same_patient = [candidate for candidate in eligible if candidate.id in needs.patient_readers]
    if same_patient:
        chosen = min(same_patient, key=_least_loaded)
        return Choice(chosen.id, ("reads this patient's other open study",))
    chosen = min(eligible, key=_least_loaded)
    return Choice(
        chosen.id,
        (f"lowest open workload in the {needs.subspecialty} pool ({chosen.open_workload:g})",),
    )


def _least_loaded(candidate: Candidate) -> tuple[float, datetime, int]:
    """Lowest workload first; ties to the longest idle, then the lowest id for determinism."""
    return (candidate.open_workload, candidate.last_assigned_at or NEVER, candidate.id)
