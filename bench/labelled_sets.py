"""Where the labelled sets are, and how each is read into (id, result, expected) rows.

The real-scanner headers are not part of this repository: they are read from
`../shared/real_series` beside the repository root (`WORKLIST_REAL_SERIES` names another folder).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.classification.sequence import SeriesClassification, classify_series
from app.classification.series_files import read_series_headers
from app.classification.series_header import SeriesHeader

ROOT = Path(__file__).resolve().parents[1]
DEVELOPMENT = ROOT / "tests" / "data" / "classification"
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ScoredSeries:
    """One labelled series: its name, the classifier's answer and the expected labels."""

    name: str
    result: SeriesClassification | None  # None: the classifier gave no answer
    expected: Row
    # The real-scanner labels leave fat_sat null where it does not apply, and do not score it.
    null_fat_sat_scored: bool = True


def real_series_folder() -> Path:
    """The shared real-scanner set: `labels.jsonl` plus `dicom/<id>/*.dcm`."""
    configured = os.environ.get("WORKLIST_REAL_SERIES")
    return Path(configured) if configured else ROOT.parent / "shared" / "real_series"


def load_lines(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def header_rows(rows: list[Row]) -> list[ScoredSeries]:
    """Lines of `{"header": ..., "expected": ...}` (the development sets' shape), classified."""
    return [
        ScoredSeries(
            str(row.get("id", number)),
            classify_series(SeriesHeader.from_json(row["header"])),
            row["expected"],
        )
        for number, row in enumerate(rows, start=1)
    ]


def real_series_rows(folder: Path) -> list[ScoredSeries]:
    """The real-scanner set: each series classified from all of its files, as the CLI does."""
    headers, _ = read_series_headers([folder / "dicom"])
    results = {header.series_instance_uid: classify_series(header) for header in headers}
    rows = []
    for label in load_lines(folder / "labels.jsonl"):
        result = results.get(label["series_instance_uid"])
        name = f"{label['id']} {label['manufacturer']} '{label['series_description']}'"
        rows.append(ScoredSeries(name, result, label, null_fat_sat_scored=False))
    return rows
