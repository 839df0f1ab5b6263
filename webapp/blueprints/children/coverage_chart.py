"""The six months' chart of the coverage page: per month, the share of counted children reached
by a talk, a call and a visit, as SVG coordinates.

Server-rendered (no JavaScript charting): the template draws bars in a fixed viewBox. Each bar
carries its figures in a <title>, and the page shows the same figures in a table, so colour is
never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.blueprints.children.coverage import REACH, Counts

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 8, 24  # margins: the percent axis on the left, months below
# One colour per way of reaching, and a pattern of widths so that bars differ without colour.
COLOURS = {"talk": "#2f6fb7", "call": "#3c9a5f", "visit": "#c07a12"}


@dataclass
class Bar:
    kind: str
    x: float
    y: float
    width: float
    height: float
    value: int
    percent: int
    colour: str


@dataclass
class Column:
    month: date
    centre: float
    children: int
    bars: list[Bar]


@dataclass
class Chart:
    width: int
    height: int
    baseline: float
    columns: list[Column]
    grid: list[tuple[float, int]]  # (y, percent)
    empty: bool


def build(history: list[tuple[date, Counts]]) -> Chart:
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    step = plot_width / max(1, len(history))
    bar_width = step * 0.8 / len(REACH)
    columns = []
    for index, (month, counts) in enumerate(history):
        left = LEFT + index * step + step * 0.1
        bars = []
        for position, kind in enumerate(REACH):
            value = getattr(counts, kind)
            share = value / counts.children if counts.children else 0.0
            height = round(share * plot_height, 1)
            bars.append(
                Bar(
                    kind=kind,
                    x=round(left + position * bar_width, 1),
                    y=round(baseline - height, 1),
                    width=round(bar_width - 1, 1),
                    height=height,
                    value=value,
                    percent=round(share * 100),
                    colour=COLOURS[kind],
                )
            )
        columns.append(Column(month, round(LEFT + (index + 0.5) * step, 1), counts.children, bars))
    grid = [(round(baseline - plot_height * p / 100, 1), p) for p in (0, 50, 100)]
    empty = not any(c.children for c in columns)
    return Chart(WIDTH, HEIGHT, baseline, columns, grid, empty)
