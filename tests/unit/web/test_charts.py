"""Turnaround bars share one scale: the longest p90 fills the bar space."""

from app.web.charts import BAR_SPACE, ROW_HEIGHT, turnaround_chart


def test_bars_share_the_scale_of_the_longest_p90() -> None:
    chart = turnaround_chart([("STAT", 30.0, 60.0), ("ROUTINE", 120.0, 240.0)])
    stat, routine = chart.bars
    assert routine.p90_width == BAR_SPACE
    assert stat.p90_width == BAR_SPACE / 4
    assert routine.median_width == BAR_SPACE / 2
    assert (stat.y, routine.y, chart.height) == (0, ROW_HEIGHT, 2 * ROW_HEIGHT)


def test_no_rows_is_an_empty_chart_not_a_division_by_zero() -> None:
    assert turnaround_chart([]).bars == []
    assert turnaround_chart([("STAT", 0.0, 0.0)]).bars[0].p90_width == 0
