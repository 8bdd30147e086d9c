"""Our one small SVG chart renderer: geometry here, markup in templates/components/charts/.

The SVG uses presentation attributes only (no inline style, no script), so it survives a strict Content
Security Policy, and it carries role="img" with a <title> and <desc>. The results page and the PDF include
the same templates; every chart also has a data table beside it as its text alternative.

Labels are the themes' short titles (at most 20 characters, set in the bank), so nothing is truncated, and
values sit in their own column, so they never collide with a bar or a target mark.
"""

import math
from dataclasses import dataclass

from assessment.services.benchmarks import ThemeBenchmark
from assessment.services.scoring import ThemeScore, score_text

MAX_LEVEL = 5
CHAR_WIDTH = 7.6  # average width of a character at 14px in Arial or DejaVu Sans, generously


def _fmt(value: float | None) -> str:
    return score_text(value, none="not scored")


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class RadarAxis:
    title: str
    end: Point
    label: Point
    anchor: str  # text-anchor: start, middle or end


@dataclass(frozen=True)
class RadarRing:
    level: int
    points: str
    label: Point


@dataclass(frozen=True)
class RadarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    centre: Point
    rings: list[RadarRing]
    axes: list[RadarAxis]
    score_points: str
    target_points: str


def _polar(centre: Point, radius: float, index: int, count: int) -> Point:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # start at the top, go clockwise
    return Point(round(centre.x + radius * math.cos(angle), 1), round(centre.y + radius * math.sin(angle), 1))


def _points(points: list[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)


def radar_chart(*, chart_id: str, themes: list[ThemeScore], radius: int = 190) -> RadarChart:
    """Theme scores (filled) against targets (dashed), each axis labelled with the theme's short title."""
    longest = max((len(t.short_title) for t in themes), default=10)
    margin = round(longest * CHAR_WIDTH + 24)
    width, height = 2 * (radius + margin), 2 * radius + 70
    centre = Point(width / 2, height / 2)
    count = max(len(themes), 3)
    rings = [
        RadarRing(
            level=level,
            points=_points([_polar(centre, radius * level / MAX_LEVEL, i, count) for i in range(count)]),
            label=Point(centre.x + 4, round(centre.y - radius * level / MAX_LEVEL - 3, 1)),
        )
        for level in range(1, MAX_LEVEL + 1)
    ]
    axes = []
    for index, theme in enumerate(themes):
        label = _polar(centre, radius + 12, index, count)
        anchor = "middle" if abs(label.x - centre.x) < 10 else ("start" if label.x > centre.x else "end")
        # Labels above the centre sit above their point; below, under it; beside, level with it.
        dy = -4 if label.y < centre.y - radius * 0.9 else (14 if label.y > centre.y + radius * 0.9 else 5)
        axes.append(
            RadarAxis(
                title=theme.short_title,
                end=_polar(centre, radius, index, count),
                label=Point(label.x, label.y + dy),
                anchor=anchor,
            )
        )
    scores = [_polar(centre, radius * (t.score.value or 0) / MAX_LEVEL, i, count) for i, t in enumerate(themes)]
    targets = [_polar(centre, radius * t.target / MAX_LEVEL, i, count) for i, t in enumerate(themes)]
    described = "; ".join(f"{t.title}: {_fmt(t.score.shown)}, target {t.target}" for t in themes)
    return RadarChart(
        chart_id=chart_id,
        title="Theme scores against targets",
        description=f"Radar chart of each theme's score from 1 to 5, with its target. {described}.",
        width=width,
        height=height,
        centre=centre,
        rings=rings,
        axes=axes,
        score_points=_points(scores),
        target_points=_points(targets),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    value_label: str
    target_x: float | None


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    plot_width: int
    value_x: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (level, x)


def bar_chart(
    *, chart_id: str, title: str, rows: list[tuple[str, float | None, int | None]], plot_width: int = 360
) -> BarChart:
    """Horizontal bars from 0 to 5, one per (label, score, target) row, with the target as a dashed mark across
    the bar and the figures in a column of their own to the right of the plot."""
    longest = max((len(label) for label, _, _ in rows), default=10)
    label_width = round(longest * CHAR_WIDTH + 16)
    row_height, bar_height, top = 30, 18, 8
    value_x = label_width + plot_width + 14
    bars = []
    for index, (label, value, target) in enumerate(rows):
        bars.append(
            Bar(
                label=label,
                y=top + index * row_height,
                width=round(plot_width * (value or 0) / MAX_LEVEL, 1),
                value_label=f"{_fmt(value)}" + (f" (target {target})" if target else ""),
                target_x=round(label_width + plot_width * target / MAX_LEVEL, 1) if target else None,
            )
        )
    described = "; ".join(
        f"{label}: {_fmt(value)}{f', target {target}' if target else ''}" for label, value, target in rows
    )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=f"Bar chart of scores from 0 to 5. {described}.",
        width=value_x + round(len("5.0 (target 5)") * CHAR_WIDTH) + 8,
        height=top + len(rows) * row_height + 24,
        label_width=label_width,
        plot_width=plot_width,
        value_x=value_x,
        bar_height=bar_height,
        bars=bars,
        ticks=[(level, round(label_width + plot_width * level / MAX_LEVEL, 1)) for level in range(MAX_LEVEL + 1)],
    )


def theme_bar_chart(*, chart_id: str, themes: list[ThemeScore]) -> BarChart:
    return bar_chart(
        chart_id=chart_id,
        title="Score by theme against target",
        rows=[(t.short_title, t.score.shown, t.target) for t in themes],
    )


@dataclass(frozen=True)
class StripRow:
    label: str
    y: float
    box_x: float
    box_width: float
    median_x: float
    own_x: float | None
    value_label: str


@dataclass(frozen=True)
class StripPlot:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    value_x: int
    row_height: int
    rows: list[StripRow]
    ticks: list[tuple[int, float]]


def benchmark_strip_plot(
    *, chart_id: str, group: str, themes: list[ThemeBenchmark], plot_width: int = 320
) -> StripPlot:
    """Each theme on a scale of 1 to 5: the middle half of councils as a box (lower to upper quartile), the
    median as a line, and this council as a dot. `group` is the peer group as it reads after "among"."""
    longest = max((len(t.short_title) for t in themes), default=10)
    label_width = round(longest * CHAR_WIDTH + 16)
    row_height, top = 28, 8
    value_x = label_width + plot_width + 14

    def x_of(value: float) -> float:
        return round(label_width + plot_width * (value - 1) / (MAX_LEVEL - 1), 1)

    rows = [
        StripRow(
            label=t.short_title,
            y=top + index * row_height,
            box_x=x_of(t.lower_quartile),
            box_width=max(round(x_of(t.upper_quartile) - x_of(t.lower_quartile), 1), 2),
            median_x=x_of(t.median),
            own_x=x_of(t.own) if t.own is not None else None,
            value_label=f"You {_fmt(t.own)}, median {_fmt(t.median)}",
        )
        for index, t in enumerate(themes)
    ]
    described = "; ".join(
        f"{t.title}: yours {_fmt(t.own)}, lower quartile {_fmt(t.lower_quartile)}, median {_fmt(t.median)}, "
        f"upper quartile {_fmt(t.upper_quartile)}"
        for t in themes
    )
    return StripPlot(
        chart_id=chart_id,
        title=f"Your scores among {group}",
        description=f"Strip plot of scores from 1 to 5 with the middle half of councils shaded. {described}.",
        width=value_x + round(len("You 3.0, median 3.0") * CHAR_WIDTH) + 8,
        height=top + len(themes) * row_height + 24,
        label_width=label_width,
        value_x=value_x,
        row_height=row_height,
        rows=rows,
        ticks=[(level, x_of(level)) for level in range(1, MAX_LEVEL + 1)],
    )


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    period: str
    value_label: str


@dataclass(frozen=True)
class LineChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    points: list[LinePoint]
    polyline: str
    gridlines: list[tuple[int, float]]  # (level, y)
    period_labels: list[tuple[str, float]]  # (period, x)


def line_chart(
    *, chart_id: str, title: str, points: list[tuple[str, float | None]], width: int = 240, height: int = 96
) -> LineChart:
    """A small line chart of scores over periods, oldest first, with the scale 1 to 5 on the left and the
    periods along the bottom. Periods with no score are skipped."""
    plot_left, plot_right, top, bottom = 22, width - 28, 8, height - 22
    scored = [(period, value) for period, value in points if value is not None]
    step = (plot_right - plot_left) / max(len(points) - 1, 1)
    positions = {period: plot_left + index * step for index, (period, _) in enumerate(points)}
    if len(points) == 1:
        positions = {points[0][0]: (plot_left + plot_right) / 2}

    def y_of(value: float) -> float:
        return round(bottom - (value - 1) / (MAX_LEVEL - 1) * (bottom - top), 1)

    line_points = [
        LinePoint(x=round(positions[period], 1), y=y_of(value), period=period, value_label=_fmt(value))
        for period, value in scored
    ]
    described = "; ".join(f"{p}: {_fmt(v)}" for p, v in points)
    return LineChart(
        chart_id=chart_id,
        title=title,
        description=f"Line chart of the score on a scale of 1 to 5 by period. {described}.",
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=plot_right,
        points=line_points,
        polyline=" ".join(f"{p.x},{p.y}" for p in line_points),
        gridlines=[(level, y_of(level)) for level in range(1, MAX_LEVEL + 1)],
        period_labels=[(period, round(x, 1)) for period, x in positions.items()],
    )
