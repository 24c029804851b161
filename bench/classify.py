"""Accuracy and speed of the series and question classifiers on the labelled sets.

    python -m bench.classify [LABELLED.jsonl ...]

Every set is reported separately: dev (what the classifiers were tuned on), held-out (written
first and never tuned on), the real-scanner headers in ../shared/real_series when present, and
any labelled JSON lines file given (series lines `{"header", "expected"}` or referral lines
`{"input", "expected"}`, as `worklist export-labels` writes them).
"""

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.classification.region import classify_region
from app.classification.sequence import classify_series
from app.classification.series_header import SeriesHeader
from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import RuleSet, load_default_rules
from app.rules.engine import route
from app.rules.facts import route_referral
from bench.labelled_sets import (
    DEVELOPMENT,
    Row,
    header_rows,
    load_lines,
    real_series_folder,
    real_series_rows,
)
from bench.series_scores import percent, series_report

SPLITS = ("dev", "heldout")
# Referral texts written for clinical acuity, a development and a held-out part.
ACUITY_SPLITS = ("acuity_dev", "acuity_heldout")
STUDY_SERIES = 20
TIMING_RUNS = 400
ROUTED_STUDIES = 10_000


def question_report(name: str, rows: list[Row], rule_set: RuleSet) -> None:
    outputs = [route_referral(rule_set, **row["input"]).to_json() for row in rows]
    uncontested = [i for i, row in enumerate(rows) if not row.get("contested")]
    print(f"\n=== questions, {name} ({len(rows)} referrals, {len(uncontested)} uncontested) ===")
    for field in ("region", "subspecialty", "urgency"):

        def hit(i: int, field: str = field) -> bool:
            return bool(outputs[i][field] == rows[i]["expected"][field])

        every = sum(hit(i) for i in range(len(rows)))
        clean = sum(hit(i) for i in uncontested)
        print(
            f"{field:>12} uncontested {percent(clean, len(uncontested))}"
            f"   all {percent(every, len(rows))}"
        )
    recalled = sum(
        set(row["expected"]["categories"]) <= set(out["categories"])
        for row, out in zip(rows, outputs, strict=True)
    )
    print(f"  expected categories all found: {percent(recalled, len(rows))}")
    for row, out in zip(rows, outputs, strict=True):
        if out["urgency"] != row["expected"]["urgency"] and not row.get("contested"):
            text = row["input"].get("clinical_question", "")
            print(f"  urgency miss {row['expected']['urgency']}->{out['urgency']}: {text!r}")


def median_seconds(work: Callable[[], object], runs: int = TIMING_RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def speed_report(rule_set: RuleSet) -> None:
    rows = load_lines(DEVELOPMENT / "series_dev.jsonl")
    headers = [SeriesHeader.from_json(row["header"]) for row in rows[::7][:STUDY_SERIES]]

    def classify_study() -> None:
        [classify_series(header) for header in headers]
        classify_region(headers[0].body_part_examined, headers[0].study_description)

    def json_round_trip() -> None:
        [SeriesHeader.from_json(header.to_json()) for header in headers]

    study = median_seconds(classify_study)
    baseline = median_seconds(json_round_trip)
    print(f"\n=== speed ({TIMING_RUNS} runs, median) ===")
    print(f"classify a {STUDY_SERIES}-series study (+ study region): {study * 1e3:.3f} ms")
    print(f"baseline, JSON round trip of the same {STUDY_SERIES} headers: {baseline * 1e3:.3f} ms")
    print(f"ratio: {study / baseline:.1f}x the baseline")
    facts = ClassifiedStudy(
        frozenset({"MR"}), "LSPINE", categories=frozenset({"FACET_ARTHROPATHY"})
    )
    start = time.perf_counter()
    for _ in range(ROUTED_STUDIES):
        route(rule_set, facts)
    print(
        f"route {ROUTED_STUDIES} studies with the default rules:"
        f" {time.perf_counter() - start:.3f} s"
    )


def labelled_file_report(path: Path, rule_set: RuleSet) -> None:
    """A labelled file may hold series lines, referral lines or both (as export-labels writes)."""
    rows = load_lines(path)
    series = [row for row in rows if "header" in row]
    referrals = [row for row in rows if "input" in row]
    if series:
        series_report(str(path), header_rows(series))
    if referrals:
        question_report(str(path), referrals, rule_set)


def main(files: list[str]) -> None:
    rule_set = load_default_rules()
    for split in SPLITS:
        series_report(split, header_rows(load_lines(DEVELOPMENT / f"series_{split}.jsonl")))
        question_report(split, load_lines(DEVELOPMENT / f"questions_{split}.jsonl"), rule_set)
    for split in ACUITY_SPLITS:
        question_report(split, load_lines(DEVELOPMENT / f"questions_{split}.jsonl"), rule_set)
    real = real_series_folder()
    if (real / "labels.jsonl").is_file():
        series_report(str(real), real_series_rows(real))
    else:
        print(f"\n=== real scanner series: {real} not found, not scored ===")
    for name in files:
        labelled_file_report(Path(name), rule_set)
    speed_report(rule_set)


if __name__ == "__main__":
    main(sys.argv[1:])
