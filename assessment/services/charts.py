"""Our one small SVG chart renderer: geometry here, markup in templates/components/charts/.

The SVG uses presentation attributes only (no inline style, no script), so it survives a strict Content
Security Policy, and it carries role="img" with a <title> and <desc>. The results page and the PDF include
the same templates; every chart also has a data table beside it as its text alternative.
"""

import math
from dataclasses import dataclass

from assessment.services.scoring import ThemeScore

MAX_LEVEL = 5


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class RadarAxis:
    number: int
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
    size: int
    centre: Point
    rings: list[RadarRing]
    axes: list[RadarAxis]
    score_points: str
    target_points: str
    has_targets: bool


def _polar(centre: Point, radius: float, index: int, count: int) -> Point:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # start at the top, go clockwise
    return Point(round(centre.x + radius * math.cos(angle), 1), round(centre.y + radius * math.sin(angle), 1))


def _points(points: list[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)


def radar_chart(*, chart_id: str, themes: list[ThemeScore], size: int = 520) -> RadarChart:
    """Theme scores (filled) against targets (dashed) on axes numbered like the data table's rows."""
    centre = Point(size / 2, size / 2)
    radius = size / 2 - 50
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
        label = _polar(centre, radius + 22, index, count)
        anchor = "middle" if abs(label.x - centre.x) < 10 else ("start" if label.x > centre.x else "end")
        axes.append(
            RadarAxis(
                number=index + 1,
                title=theme.title,
                end=_polar(centre, radius, index, count),
                label=Point(label.x, label.y + 5),
                anchor=anchor,
            )
        )
    scores = [_polar(centre, radius * (t.score.value or 0) / MAX_LEVEL, i, count) for i, t in enumerate(themes)]
    targets = [_polar(centre, radius * (t.target or 0) / MAX_LEVEL, i, count) for i, t in enumerate(themes)]
    described = "; ".join(
        f"{i}. {t.title}: {f'{t.score.value:.1f}' if t.score.is_scored else 'not scored'}"
        f"{f', target {t.target}' if t.target else ''}"
        for i, t in enumerate(themes, start=1)
    )
    return RadarChart(
        chart_id=chart_id,
        title="Theme scores against targets",
        description=f"Radar chart of each theme's score from 1 to 5, with its target. {described}.",
        size=size,
        centre=centre,
        rings=rings,
        axes=axes,
        score_points=_points(scores),
        target_points=_points(targets),
        has_targets=any(t.target for t in themes),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    value_label: str
    value_x: float
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
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (level, x)


def bar_chart(
    *, chart_id: str, title: str, rows: list[tuple[str, float | None, int | None]], width: int = 720
) -> BarChart:
    """Horizontal bars from 0 to 5, one per (label, score, target) row, with the target as a marker."""
    label_width, row_height, bar_height, top = 300, 34, 20, 10
    plot_width = width - label_width - 60
    bars = []
    for index, (label, value, target) in enumerate(rows):
        bar_width = plot_width * (value or 0) / MAX_LEVEL
        bars.append(
            Bar(
                label=label,
                y=top + index * row_height,
                width=round(bar_width, 1),
                value_label=f"{value:.1f}" if value is not None else "Not scored",
                value_x=round(label_width + bar_width + 6, 1),
                target_x=round(label_width + plot_width * target / MAX_LEVEL, 1) if target else None,
            )
        )
    described = "; ".join(
        f"{label}: {f'{value:.1f}' if value is not None else 'not scored'}{f', target {target}' if target else ''}"
        for label, value, target in rows
    )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=f"Bar chart of scores from 0 to 5. {described}.",
        width=width,
        height=top + len(rows) * row_height + 30,
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        ticks=[(level, round(label_width + plot_width * level / MAX_LEVEL, 1)) for level in range(MAX_LEVEL + 1)],
    )


def theme_bar_chart(*, chart_id: str, themes: list[ThemeScore]) -> BarChart:
    return bar_chart(
        chart_id=chart_id,
        title="Score by theme",
        rows=[(t.title, t.score.value, t.target) for t in themes],
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
    points: list[LinePoint]
    polyline: str
    gridlines: list[tuple[int, float]]  # (level, y)


def line_chart(
    *, chart_id: str, title: str, points: list[tuple[str, float | None]], width: int = 220, height: int = 70
) -> LineChart:
    """A small line chart of scores (1 to 5) over periods, oldest first. Periods with no score are skipped."""
    pad_x, pad_y = 12, 8
    scored = [(period, value) for period, value in points if value is not None]
    step = (width - 2 * pad_x) / max(len(points) - 1, 1)
    positions = {period: pad_x + index * step for index, (period, _) in enumerate(points)}

    def y_of(value: float) -> float:
        return round(height - pad_y - (value - 1) / (MAX_LEVEL - 1) * (height - 2 * pad_y), 1)

    line_points = [
        LinePoint(x=round(positions[period], 1), y=y_of(value), period=period, value_label=f"{value:.1f}")
        for period, value in scored
    ]
    described = "; ".join(f"{p}: {f'{v:.1f}' if v is not None else 'not scored'}" for p, v in points)
    return LineChart(
        chart_id=chart_id,
        title=title,
        description=f"Line chart of the score from 1 to 5 by period. {described}.",
        width=width,
        height=height,
        points=line_points,
        polyline=" ".join(f"{p.x},{p.y}" for p in line_points),
        gridlines=[(level, y_of(level)) for level in range(1, MAX_LEVEL + 1)],
    )
