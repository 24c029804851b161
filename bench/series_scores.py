"""Series scores of one labelled set: accuracy per field, per-class precision/recall, misses."""

from collections import Counter

from bench.labelled_sets import ScoredSeries

FIELDS = ("sequence", "plane", "fat_sat", "contrast")


def percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f} % ({hits}/{total})" if total else "   n/a"


def series_report(name: str, rows: list[ScoredSeries]) -> None:
    print(f"\n=== series, {name} ({len(rows)} series) ===")
    for field in FIELDS:
        scored = [row for row in rows if _scored(row, field)]
        hits = sum(_hit(row, field) for row in scored)
        print(f"{field:>9} accuracy {percent(hits, len(scored))}")
    for hard in ("empty description", "lying description"):
        chosen = [row for row in rows if row.expected.get("hard") == hard]
        if chosen:
            hits = sum(_hit(row, "sequence") for row in chosen)
            print(f"  sequence on {hard}s: {percent(hits, len(chosen))}")
    pairs = [(_want(row, "sequence"), _got(row, "sequence")) for row in rows]
    print_per_class(pairs)
    print_confusion(pairs)
    print_misses(rows)


def _want(row: ScoredSeries, field: str) -> object:
    return row.expected.get(field)


def _got(row: ScoredSeries, field: str) -> object:
    return getattr(row.result, field) if row.result is not None else "<no answer>"


def _scored(row: ScoredSeries, field: str) -> bool:
    """Real-scanner labels carry no contrast, and their null fat_sat means "not scored"."""
    if field not in row.expected:
        return False
    return field != "fat_sat" or row.null_fat_sat_scored or row.expected[field] is not None


def _hit(row: ScoredSeries, field: str) -> bool:
    return _want(row, field) == _got(row, field)


def print_per_class(pairs: list[tuple[object, object]]) -> None:
    labels = sorted({str(label) for pair in pairs for label in pair})
    print(f"{'class':>15} {'precision':>10} {'recall':>8} {'n':>4}")
    for label in labels:
        true_positive = sum(str(want) == str(got) == label for want, got in pairs)
        predicted = sum(str(got) == label for _, got in pairs)
        actual = sum(str(want) == label for want, _ in pairs)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        print(f"{label:>15} {precision:10.3f} {recall:8.3f} {actual:4d}")


def print_confusion(pairs: list[tuple[object, object]]) -> None:
    labels = sorted({str(label) for pair in pairs for label in pair})
    counts = Counter((str(want), str(got)) for want, got in pairs)
    print("confusion (rows expected, columns predicted):")
    print(f"{'':>15} " + " ".join(f"{label[:5]:>5}" for label in labels))
    for want in labels:
        cells = " ".join(f"{counts[(want, got)] or '.':>5}" for got in labels)
        print(f"{want:>15} {cells}")


def print_misses(rows: list[ScoredSeries]) -> None:
    misses = [
        (
            row,
            [
                f"{field} {_want(row, field)}->{_got(row, field)}"
                for field in FIELDS
                if _scored(row, field) and not _hit(row, field)
            ],
        )
        for row in rows
    ]
    shown = [(row, wrong) for row, wrong in misses if wrong]
    print(f"misses ({len(shown)}):")
    for row, wrong in shown:
        print(f"  {row.name}: {'; '.join(wrong)}")
