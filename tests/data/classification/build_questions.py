"""Writes questions_dev.jsonl and questions_heldout.jsonl from the hand-written cases.

Each case appears three times: as written, with BodyPartExamined blanked, and with the
study description upper-cased and BodyPartExamined wrong about one time in seven, which is
how often it is wrong in practice. Labels never change between the copies.
"""

import json
import random
from pathlib import Path

from tests.data.classification import (
    questions_acuity_dev_cases,
    questions_acuity_heldout_cases,
    questions_dev_cases,
    questions_heldout_cases,
)

HERE = Path(__file__).parent
WRONG_BODY_PARTS = ["CHEST", "ABDOMEN", "HEAD", "EXTREMITY", "PELVIS", "SPINE"]
KEYS = ("region", "categories", "subspecialty", "urgency")


def expand(cases: list[tuple[object, ...]], seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for case in cases:
        modality, body_part, description, question, *labels, contested = case
        for copy in range(3):
            part = str(body_part)
            if copy == 1:
                part = ""
            elif copy == 2 and rng.random() < 1 / 7:
                part = rng.choice([p for p in WRONG_BODY_PARTS if p != body_part])
            text = str(description).upper() if copy == 2 else str(description)
            rows.append(
                {
                    "input": {
                        "modality": modality,
                        "body_part": part,
                        "study_description": text,
                        "clinical_question": question,
                    },
                    "expected": dict(zip(KEYS, labels, strict=True)),
                    "contested": contested,
                }
            )
    return rows


def main() -> None:
    for split, module, seed in (
        ("dev", questions_dev_cases, 5),
        ("heldout", questions_heldout_cases, 7),
        ("acuity_dev", questions_acuity_dev_cases, 11),
        ("acuity_heldout", questions_acuity_heldout_cases, 13),
    ):
        rows = expand(module.CASES, seed)
        path = HERE / f"questions_{split}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))


if __name__ == "__main__":
    main()
