"""Figures of a load run: percentiles from latency buckets, a run's summary, and the load
driver's own CPU (a saturated driver limits what it measures)."""

from __future__ import annotations

import math
import os
import resource


def percentile(buckets: dict[str, int], fraction: float) -> float | None:
    total = sum(buckets.values())
    if not total:
        return None
    rank = math.ceil(fraction * total)
    seen = 0
    for value, count in sorted((float(k), v) for k, v in buckets.items()):
        seen += count
        if seen >= rank:
            return round(value, 1)
    return None


def summary(entries: list[dict], seconds: float, exclude: tuple[str, ...] = ()) -> dict:
    kept = [e for e in entries if e["name"] not in exclude]
    buckets: dict[str, int] = {}
    for entry in kept:
        for value, count in entry["response_times"].items():
            buckets[value] = buckets.get(value, 0) + count
    requests = sum(e["num_requests"] for e in kept)
    return {
        "requests": requests,
        "errors": sum(e["num_failures"] for e in kept),
        "requests_per_second": round(requests / seconds, 1) if seconds else None,
        "p50_ms": percentile(buckets, 0.50),
        "p95_ms": percentile(buckets, 0.95),
        "p99_ms": percentile(buckets, 0.99),
    }


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the load driver just run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def driver(name: str, cpu_seconds: float, wall_seconds: float) -> dict:
    return {
        "name": name,
        "cpu_seconds": round(cpu_seconds, 2),
        "cores_busy": round(cpu_seconds / wall_seconds, 2) if wall_seconds else None,
        "cores": os.cpu_count(),
    }
