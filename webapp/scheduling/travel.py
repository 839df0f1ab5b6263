"""Travel minutes between a volunteer's base and a home/post, or between two homes.

County roads wind: straight-line (haversine) distance times a road factor, divided by the speed of
the volunteer's transport mode, rounded up to whole minutes. A coordinator who knows better can
supply a CSV matrix (from_id,to_id,minutes) which overrides the estimate.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from .problem import Location
from .validation import ValidationError

# km/h on rural roads, including waiting for the bus; deliberately conservative.
MODE_SPEED_KMH: Mapping[str, float] = {
    "walk": 4.5,
    "bike": 12.0,
    "ebike": 20.0,
    "bus": 25.0,
    "car": 40.0,
}
ROAD_FACTOR = 1.4  # mountain roads are longer than the crow flies
EARTH_RADIUS_KM = 6371.0


def haversine_km(a: Location, b: Location) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Location | None, b: Location | None, mode: str = "bus") -> int:
    """One-way minutes; 0 when either end has no location (e.g. GAP instances, online tutoring)."""
    if a is None or b is None:
        return 0
    km = haversine_km(a, b) * ROAD_FACTOR
    return math.ceil(km / MODE_SPEED_KMH[mode] * 60 - 1e-9)


def load_matrix_csv(
    path: str | Path, from_ids: Iterable[str] | None = None, to_ids: Iterable[str] | None = None
) -> dict[tuple[str, str], int]:
    """Read a travel matrix CSV with header ``from_id,to_id,minutes`` (one way, whole minutes).

    The result goes into ``TutoringProblem.travel_minutes`` (to_id = slot or home id) or
    ``PostsProblem.travel_minutes`` (to_id = post id); pairs it does not list keep the estimate.
    A spreadsheet export's byte-order mark is accepted. Bad rows raise ``ValidationError`` naming
    the line: a missing column, minutes that are not a whole non-negative number, a pair listed
    twice, and (when ``from_ids`` / ``to_ids`` are given) an id that is not known, so that a typo
    is reported instead of silently falling back to the estimate.
    """
    known_from = None if from_ids is None else set(from_ids)
    known_to = None if to_ids is None else set(to_ids)
    out: dict[tuple[str, str], int] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"from_id", "to_id", "minutes"} - set(reader.fieldnames or ())
        if missing:
            raise ValidationError(
                f"travel matrix {Path(path).name}",
                "header",
                f"missing column {sorted(missing)[0]!r}",
            )
        for line, row in enumerate(reader, start=2):
            item = f"travel matrix {Path(path).name} line {line}"
            a, b = (row["from_id"] or "").strip(), (row["to_id"] or "").strip()
            raw = (row["minutes"] or "").strip()
            if not raw.isdigit():
                raise ValidationError(
                    item, "minutes", f"{raw!r} is not a whole non-negative number of minutes"
                )
            if known_from is not None and a not in known_from:
                raise ValidationError(item, "from_id", f"unknown pair {a}->{b}: no {a!r}")
            if known_to is not None and b not in known_to:
                raise ValidationError(item, "to_id", f"unknown pair {a}->{b}: no {b!r}")
            if (a, b) in out:
                raise ValidationError(item, "from_id", f"pair {a}->{b} listed twice")
            out[a, b] = int(raw)
    return out
