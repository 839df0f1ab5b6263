"""Travel minutes between a volunteer's base and a home/post, or between two homes.

County roads wind: straight-line (haversine) distance times a road factor, divided by the speed of
the volunteer's transport mode, rounded up to whole minutes. A coordinator who knows better can
supply a CSV matrix (from_id,to_id,minutes) which overrides the estimate.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path

from .domain import Location

# km/h on rural roads, including waiting for the bus; deliberately conservative.
MODE_SPEED_KMH: Mapping[str, float] = {"walk": 4.5, "bike": 12.0, "ebike": 20.0, "bus": 25.0,
                                       "car": 40.0}
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


def load_matrix_csv(path: str | Path) -> dict[tuple[str, str], int]:
    """Read a travel matrix CSV with header from_id,to_id,minutes (one way)."""
    out: dict[tuple[str, str], int] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["from_id"], row["to_id"]] = int(row["minutes"])
    return out
