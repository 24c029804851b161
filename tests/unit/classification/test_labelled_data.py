import json
from pathlib import Path

import pytest

from app.classification.series_header import SeriesHeader
from app.classification.vocabulary import CATEGORIES, REGIONS, SEQUENCES

DATA = Path(__file__).resolve().parents[2] / "data" / "classification"
PLANES = {"AX", "SAG", "COR", "3D", "unknown"}
SUBSPECIALTIES = {"NEURO", "MSK", "BODY", "CHEST", "BREAST", "GENERAL"}


def rows(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_series_rows_load_as_headers_and_use_the_vocabulary(split: str) -> None:
    for row in rows(f"series_{split}.jsonl"):
        header = row["header"]
        expected = row["expected"]
        assert isinstance(header, dict)
        assert isinstance(expected, dict)
        assert SeriesHeader.from_json(header).modality in {"MR", "CT"}
        assert expected["sequence"] in SEQUENCES
        assert expected["plane"] in PLANES


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_question_rows_use_the_vocabulary(split: str) -> None:
    for row in rows(f"questions_{split}.jsonl"):
        expected = row["expected"]
        assert isinstance(expected, dict)
        assert expected["region"] in REGIONS
        assert set(expected["categories"]) <= CATEGORIES
        assert expected["subspecialty"] in SUBSPECIALTIES
        assert expected["urgency"] in {"STAT", "URGENT", "ROUTINE"}
