"""The fixed words of the domain (DESIGN.md), shared by tables, schemas and logic."""

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

# A subspecialty pool's code, as rules, radiologists and tasks name it.
SubspecialtyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,31}$")]


class Priority(StrEnum):
    STAT = "STAT"
    URGENT = "URGENT"
    ROUTINE = "ROUTINE"


class TaskState(StrEnum):
    UNASSIGNED = "UNASSIGNED"
    ASSIGNED = "ASSIGNED"
    IN_PROGRESS = "IN_PROGRESS"
    PRELIMINARY = "PRELIMINARY"
    FINAL = "FINAL"
    ADDENDED = "ADDENDED"
    CANCELLED = "CANCELLED"


class TaskKind(StrEnum):
    PRIMARY = "PRIMARY"
    SECOND_OPINION = "SECOND_OPINION"


class ReportKind(StrEnum):
    PRELIMINARY = "PRELIMINARY"
    FINAL = "FINAL"
    ADDENDUM = "ADDENDUM"


class Radpeer(StrEnum):
    AGREE = "1"
    MINOR_UNLIKELY_SIGNIFICANT = "2a"
    MINOR_LIKELY_SIGNIFICANT = "2b"
    MAJOR_UNLIKELY_SIGNIFICANT = "3a"
    MAJOR_LIKELY_SIGNIFICANT = "3b"


class Role(StrEnum):
    ADMIN = "admin"
    RADIOLOGIST = "radiologist"
    INTEGRATION = "integration"


class ServiceLevel(StrEnum):
    """How soon a second-opinion requester is promised the report."""

    HOURS_24 = "24h"
    HOURS_48 = "48h"
    HOURS_72 = "72h"


class RequestStatus(StrEnum):
    """Where an outside second-opinion request stands, as its requester sees it."""

    WAITING_FOR_IMAGES = "waiting for images"
    RECEIVED = "received"
    IN_REVIEW = "in review"
    FINAL = "final"


class Concordance(StrEnum):
    """How the reader's final report compares with the outside report sent with a request."""

    AGREE = "agree"
    MINOR_DISCREPANCY = "minor discrepancy"
    MAJOR_DISCREPANCY = "major discrepancy"


SEEDED_SUBSPECIALTIES: dict[str, str] = {
    "NEURO": "Neuroradiology",
    "MSK": "Musculoskeletal",
    "BODY": "Body (abdomen and pelvis)",
    "CHEST": "Chest and cardiac",
    "BREAST": "Breast",
    "GENERAL": "General radiology",
}


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
