"""Horizontal bar charts drawn on the server as SVG: plain numbers in, bar geometry out."""

from dataclasses import dataclass

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
