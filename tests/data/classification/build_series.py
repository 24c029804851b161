"""Writes series_dev.jsonl and series_heldout.jsonl from the protocol templates.

Run from the repository root: python -m tests.data.classification.build_series
Each split draws its own names (dev names vs held-out names), its own seed and its own rate of
empty and lying descriptions, so the held-out set is not the dev set renamed.
"""

import json
import random
from pathlib import Path
from typing import Any, cast

from tests.data.classification.series_protocols import PROTOCOLS

HERE = Path(__file__).parent
VARIANTS_PER_PROTOCOL = 4
PHYSICS_LABELS = {"T1", "T2", "PD", "FLAIR", "STIR", "T2STAR_GRE", "T1_POST"}
JITTERED = ("repetition_time", "echo_time", "inversion_time")
STUDY_DESCRIPTIONS = {
    "BRAIN": ["MRI BRAIN W/WO CONTRAST", "MR HEAD WO", "MRI BRAIN"],
    "SPINE": ["MRI LUMBAR SPINE WO", "MR C-SPINE W/WO", "MRI THORACIC SPINE"],
    "KNEE": ["MRI KNEE RT WO", "MR KNEE LEFT"],
    "SHOULDER": ["MRI SHOULDER RT", "MR ARTHROGRAM SHOULDER LT"],
    "HIP": ["MRI HIP LT WO", "MR PELVIS HIP"],
    "CT_HEAD": ["CT HEAD WO CONTRAST", "CT BRAIN"],
    "CT_CTA": ["CTA HEAD AND NECK", "CT ANGIO NECK"],
    "CT_CHEST": ["CT CHEST W CONTRAST", "CT THORAX WITH CONTRAST"],
    "CT_ABD": ["CT ABDOMEN PELVIS W CONTRAST", "CT A/P WITH IV"],
}


def build(split: str, seed: int, empty_rate: float, lie_rate: float) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    name_index = 5 if split == "dev" else 6
    lie_pool = [
        (row[4][0], name)
        for row in PROTOCOLS
        if row[4][0] in PHYSICS_LABELS and not row[4][3]
        for name in row[name_index]
    ]
    rows: list[dict[str, Any]] = []
    for row in PROTOCOLS:
        key, vendor, region, fields, expected, *_ = row
        for variant in range(VARIANTS_PER_PROTOCOL):
            header = _jitter(dict(fields), rng)
            header["manufacturer"] = vendor
            header["series_number"] = variant + 1
            header["study_description"] = rng.choice(STUDY_DESCRIPTIONS[region])
            header["series_instance_uid"] = f"2.25.{seed}{len(rows):05d}"
            if header["modality"] == "MR":
                header["magnetic_field_strength"] = rng.choice([1.5, 3.0])
            if vendor == "SIEMENS" and "scan_options" not in header and rng.random() < 0.5:
                header["scan_options"] = ["PFP"]
            name: str = rng.choice(cast(list[str], row[name_index]))
            name = name.upper() if rng.random() < 0.2 else name
            hard = ""
            draw = rng.random()
            if draw < empty_rate:
                header["series_description"] = ""
                header["protocol_name"] = name if rng.random() < 0.6 else ""
                hard = "empty description"
            elif draw < empty_rate + lie_rate and expected[0] in PHYSICS_LABELS:
                lie = rng.choice([n for label, n in lie_pool if label != expected[0]])
                header["series_description"] = header["protocol_name"] = lie
                hard = "lying description"
            else:
                header["series_description"] = header["protocol_name"] = name
            sequence, plane, fat_sat, contrast = expected
            rows.append(
                {
                    "protocol": key,
                    "hard": hard,
                    "header": header,
                    "expected": {
                        "sequence": sequence,
                        "plane": plane,
                        "fat_sat": fat_sat,
                        "contrast": contrast,
                    },
                }
            )
    return rows


def _jitter(header: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    for key in JITTERED:
        if header.get(key):
            header[key] = round(header[key] * rng.uniform(0.93, 1.07), 1)
    for key, value in list(header.items()):
        if isinstance(value, tuple):
            header[key] = list(value)
    return header


def main() -> None:
    for split, seed, empty_rate, lie_rate in (("dev", 11, 0.08, 0.06), ("heldout", 29, 0.1, 0.08)):
        rows = build(split, seed, empty_rate, lie_rate)
        path = HERE / f"series_{split}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))


if __name__ == "__main__":
    main()
