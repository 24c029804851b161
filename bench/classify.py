"""Accuracy and speed of the series and question classifiers on the labelled sets.

    python -m bench.classify

Dev is what the classifiers were tuned on; held-out was written first and never tuned on.
"""

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.classification.region import classify_region
from app.classification.sequence import classify_series
from app.classification.series_header import SeriesHeader
from app.rules.dsl import RuleSet, load_default_rules
from app.rules.engine import StudyFacts, route
from app.rules.facts import route_referral

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "classification"
SPLITS = ("dev", "heldout")
STUDY_SERIES = 20
TIMING_RUNS = 400
ROUTED_STUDIES = 10_000
Row = dict[str, Any]


def load(name: str) -> list[Row]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f} % ({hits}/{total})" if total else "   n/a"


def series_report(split: str) -> None:
    rows = load(f"series_{split}.jsonl")
    results = [classify_series(SeriesHeader.from_json(row["header"])) for row in rows]
    expected = [row["expected"] for row in rows]
    print(f"\n=== series, {split} ({len(rows)} series) ===")
    for field in ("sequence", "plane", "fat_sat", "contrast"):
        compared = zip(results, expected, strict=True)
        hits = sum(getattr(got, field) == want[field] for got, want in compared)
        print(f"{field:>9} accuracy {percent(hits, len(rows))}")
    for hard in ("empty description", "lying description"):
        chosen = [i for i, row in enumerate(rows) if row["hard"] == hard]
        hits = sum(results[i].sequence == expected[i]["sequence"] for i in chosen)
        print(f"  sequence on {hard}s: {percent(hits, len(chosen))}")
    pairs: list[tuple[str, str]] = [
        (want["sequence"], got.sequence) for got, want in zip(results, expected, strict=True)
    ]
    print_per_class(pairs)
    print_confusion(pairs)


def print_per_class(pairs: list[tuple[str, str]]) -> None:
    labels = sorted({label for pair in pairs for label in pair})
    print(f"{'class':>15} {'precision':>10} {'recall':>8} {'n':>4}")
    for label in labels:
        true_positive = sum(want == got == label for want, got in pairs)
        predicted = sum(got == label for _, got in pairs)
        actual = sum(want == label for want, _ in pairs)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        print(f"{label:>15} {precision:10.3f} {recall:8.3f} {actual:4d}")


def print_confusion(pairs: list[tuple[str, str]]) -> None:
    labels = sorted({label for pair in pairs for label in pair})
    counts = Counter(pairs)
    short = [label[:5] for label in labels]
    print("confusion (rows expected, columns predicted):")
    print(f"{'':>15} " + " ".join(f"{name:>5}" for name in short))
    for want in labels:
        cells = " ".join(f"{counts[(want, got)] or '.':>5}" for got in labels)
        print(f"{want:>15} {cells}")


def question_report(split: str, rule_set: RuleSet) -> None:
    rows = load(f"questions_{split}.jsonl")
    outputs = [route_referral(rule_set, **row["input"]).to_json() for row in rows]
    uncontested = [i for i, row in enumerate(rows) if not row["contested"]]
    print(f"\n=== questions, {split} ({len(rows)} referrals, {len(uncontested)} uncontested) ===")
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


def median_seconds(work: Callable[[], object], runs: int = TIMING_RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def speed_report(rule_set: RuleSet) -> None:
    rows = load("series_dev.jsonl")
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
    facts = StudyFacts(frozenset({"MR"}), "LSPINE", categories=frozenset({"FACET_ARTHROPATHY"}))
    start = time.perf_counter()
    for _ in range(ROUTED_STUDIES):
        route(rule_set, facts)
    print(
        f"route {ROUTED_STUDIES} studies with the default rules:"
        f" {time.perf_counter() - start:.3f} s"
    )


def main() -> None:
    rule_set = load_default_rules()
    for split in SPLITS:
        series_report(split)
        question_report(split, rule_set)
    speed_report(rule_set)


if __name__ == "__main__":
    main()
