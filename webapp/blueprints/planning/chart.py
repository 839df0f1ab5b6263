"""The progress chart of a solve: objective and bound over time, as SVG coordinates.

Server-rendered (no JavaScript charting): the template draws two polylines in a fixed viewBox.
The objective only falls and the bound only rises, so both are drawn as steps.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 140, 8


@dataclass(frozen=True)
class Chart:
    objective: str  # polyline points
    bound: str
    seconds: float
    top: float | None
    bottom: float | None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return not (self.objective or self.bound)


def _steps(points: list[tuple[float, float]], end: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for t, v in points:
        if out:
            out.append((t, out[-1][1]))
        out.append((t, v))
    if out:
        out.append((end, out[-1][1]))
    return out


def build(samples: list, elapsed: float) -> Chart:
    """Coordinates for samples [seconds, objective, bound] up to ``elapsed`` seconds."""
    objective = [(float(s[0]), float(s[1])) for s in samples if s[1] is not None]
    bound = [(float(s[0]), float(s[2])) for s in samples if s[2] is not None]
    values = [v for _, v in objective + bound]
    end = max([elapsed, 0.001] + [t for t, _ in objective + bound])
    if not values:
        return Chart("", "", end, None, None)
    top, bottom = max(values), min(values)
    span = (top - bottom) or max(1.0, abs(top))

    def xy(t: float, v: float) -> str:
        x = PAD + (WIDTH - 2 * PAD) * t / end
        y = PAD + (HEIGHT - 2 * PAD) * (top - v) / span
        return f"{x:.1f},{y:.1f}"

    def line(points: list[tuple[float, float]]) -> str:
        return " ".join(xy(t, v) for t, v in _steps(points, end))

    return Chart(line(objective), line(bound), end, top, bottom)
