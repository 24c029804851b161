"""Horizontal bar charts drawn on the server as SVG: plain numbers in, bar geometry out."""

from dataclasses import dataclass
from datetime import datetime, timedelta

ROW_HEIGHT = 26
LABEL_WIDTH = 160
BAR_SPACE = 420


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    median_width: float
    p90_width: float
    median: float
    p90: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = LABEL_WIDTH + BAR_SPACE + 80
    label_width: int = LABEL_WIDTH


def turnaround_chart(rows: list[tuple[str, float, float]]) -> Chart:
    """Each (label, median, p90) as a pale p90 bar with the median bar over it, to one scale."""
    longest = max((p90 for _, _, p90 in rows), default=0.0) or 1.0
    scale = BAR_SPACE / longest
    bars = [
        Bar(label, index * ROW_HEIGHT, median * scale, p90 * scale, median, p90)
        for index, (label, median, p90) in enumerate(rows)
    ]
    return Chart(bars, max(len(bars), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    height: float
    count: int


@dataclass(frozen=True)
class Timeline:
    """Counts per slot of a period as columns, tallest first to one scale."""

    columns: list[Column]
    peak: int
    width: int = LABEL_WIDTH + BAR_SPACE + 80
    height: int = 120


def timeline_chart(
    counts: list[tuple[datetime, int]], start: datetime, slot: timedelta, slots: int
) -> Timeline:
    """Each (moment, count) as a column at its slot among `slots` slots of `slot` from `start`."""
    peak = max((count for _, count in counts), default=0)
    chart = Timeline([], peak)
    step, scale = chart.width / slots, (chart.height - 20) / (peak or 1)
    columns = [
        Column(f"{moment:%H:%M}", max(0, (moment - start) // slot) * step, count * scale, count)
        for moment, count in counts
    ]
    return Timeline(columns, peak)
