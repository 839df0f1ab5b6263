"""The multi-seed benchmark: every generated family over many seeds, and the hard GAP instances.

``python -m webapp.scheduling.bench [--seeds 101-120] [--which tutoring,summer,...]``
prints one JSON line per run and then one summary line per family: how many runs were proven
optimal, the median and worst time to proof (end to end: build, greedy hint, solve, decode), the
worst gap at the time limit, and the minimum headcounts left unfilled against their proven lower
bound (``unfilled_min_bound``: when both agree, no empty session could have been filled); the
video-call rota, which has no minimums, reports the families left without a slot. The GAP
part runs d05100, d10100 and the held-out pair (when its files are in the data folder, or given
with ``--gap``) at 30 s, compared with the best known value, or with the bound when none is known.

The default seeds, 101-120, are used by no test and by no tuning run, so the figures are not fitted
to them. The summary table for the README is written to stderr in Markdown.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_SEEDS = "101-120"
GAP_NAMES = ("d05100", "d10100")
HELD_OUT = ("d10200", "e10200")  # the held-out 10 x 200 pair, run when its files are present


def parse_seeds(text: str) -> list[int]:
    """``101-120``, ``3,5,8`` or a mix (``1-3,7``) -> the seeds in order, without repeats."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        if sep:
            first, last = int(lo), int(hi)
            if last < first:
                raise ValueError(f"seed range {part!r} runs backwards")
            values = range(first, last + 1)
        else:
            values = [int(part)]
        out += [v for v in values if v not in out]
    if not out:
        raise ValueError("no seeds given")
    return out


def summarise_family(instance: str, rows: Sequence[dict], limit: float, goal: str) -> dict:
    """One family's summary over its runs (see the module docstring)."""
    proven = [r["seconds"] for r in rows if r["status"] == "optimal"]
    gaps = [r["gap"] for r in rows if r["gap"] is not None]
    unfilled = [r.get("unfilled_min") for r in rows]
    bounds = [r.get("unfilled_min_bound") for r in rows]
    known = [
        (u, b) for u, b in zip(unfilled, bounds, strict=True) if u is not None and b is not None
    ]
    has_min = any(u is not None for u in unfilled)  # the video-call rota has no minimums
    no_plan = sum(1 for r in rows if r["objective"] is None)
    if goal == "optimal":
        met = len(proven) == len(rows) and all(s <= limit for s in proven)
    else:  # "gap<=1%"
        met = no_plan == 0 and all(g <= 0.01 for g in gaps)
    return (
        {
            "summary": instance,
            "runs": len(rows),
            "seeds": [r["seed"] for r in rows],
            "time_limit": limit,
            "goal": goal,
            "goal_met": met,
            "proven": len(proven),
            "median_seconds_to_optimal": round(statistics.median(proven), 2) if proven else None,
            # Only meaningful when every run was proven; otherwise the worst is "over the limit".
            "worst_seconds_to_optimal": round(max(proven), 2) if len(proven) == len(rows) else None,
            "worst_gap": round(max(gaps), 6) if gaps else None,
            "no_plan": no_plan,
            "unfilled_min_total": sum(u for u in unfilled if u is not None) if has_min else None,
            "unfilled_min_bound_total": sum(b for b in bounds if b is not None)
            if has_min
            else None,
            # Runs where some empty session might still be fillable (unfilled above its bound).
            "runs_unfilled_above_bound": sum(1 for u, b in known if u > b),
            "runs_without_unfilled_bound": len(rows) - len(known) if has_min else 0,
            "all_beat_greedy": all(r["beats_greedy"] for r in rows),
            "violations": sum(r["violations"] for r in rows),
        }
        | _unplaced(rows)
        | _extra(rows, gaps)
    )


def _unplaced(rows: Sequence[dict]) -> dict:
    """The video-call rota: families left without a slot, in total and in the worst run."""
    counts = [r["unplaced"] for r in rows if r.get("unplaced") is not None]
    return {"unplaced_total": sum(counts), "unplaced_worst": max(counts)} if counts else {}


def _extra(rows: Sequence[dict], gaps: Sequence[float]) -> dict:
    """Figures only some families report: the median gap, peak memory and, for home visits,
    households visited (median, worst) and red households visited (worst)."""
    out: dict = {}
    if gaps:
        out["median_gap"] = round(statistics.median(gaps), 6)
    peaks = [r["peak_mib"] for r in rows if r.get("peak_mib") is not None]
    if peaks:
        out["max_peak_mib"] = max(peaks)
    visited = [r["visited"] for r in rows if r.get("visited") is not None]
    if visited:
        out["median_visited"] = statistics.median(visited)
        out["worst_visited"] = min(visited)
        out["worst_red_unvisited"] = max(r["red"] - r["red_visited"] for r in rows)
    return out


def summarise_gap(rows: Sequence[dict]) -> dict:
    worst = [r["vs_best_known"] for r in rows if r.get("vs_best_known") is not None]
    unknown = [r for r in rows if r.get("best_known") is None]
    return {
        "summary": "gap",
        "runs": len(rows),
        "instances": [r["instance"] for r in rows],
        "worst_vs_best_known": max(worst) if worst else None,
        "within_0_1_percent": all(w <= 0.001 for w in worst) and len(worst) == len(rows),
        # Without a best known value, the gap to the proven bound is the honest figure.
        "worst_gap_to_bound_without_best_known": max((r["gap"] or 0) for r in unknown)
        if unknown
        else None,
    }


def gap_files(folder: Path, extra: Sequence[Path]) -> list[Path]:
    """d05100, d10100, the held-out pair when present, then any files given on the command line."""
    files = [folder / n for n in GAP_NAMES if (folder / n).exists()]
    files += [folder / n for n in HELD_OUT if (folder / n).exists()]
    return files + [p for p in extra if p not in files]


def markdown(summaries: Sequence[dict]) -> str:
    """The README's table from the summary lines."""
    lines = [
        "| family | runs | proven | median s to optimal | worst s to optimal | worst gap "
        "| unfilled min (bound) | runs maybe fillable | goal met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in summaries:
        if s["summary"] == "gap":
            continue
        worst = s["worst_seconds_to_optimal"]
        bound = s["unfilled_min_bound_total"]
        if s["runs_without_unfilled_bound"]:
            bound = f"{bound}, unknown in {s['runs_without_unfilled_bound']} runs"
        unfilled = f"{s['unfilled_min_total']} ({bound})"
        if s.get("median_visited") is not None:  # home visits: households visited
            unfilled = f"visited: median {s['median_visited']}, worst {s['worst_visited']}"
        elif s["unfilled_min_total"] is None:  # no minimums: families left without a slot
            unfilled = f"{s.get('unplaced_total', '-')} families unplaced"
        lines.append(
            f"| {s['summary']} | {s['runs']} | {s['proven']} | {s['median_seconds_to_optimal']} "
            f"| {worst if worst is not None else '> ' + str(s['time_limit'])} "
            f"| {100 * (s['worst_gap'] or 0):.3f} % "
            f"| {unfilled} "
            f"| {s['runs_unfilled_above_bound']} | {'yes' if s['goal_met'] else 'no'} |"
        )
    return "\n".join(lines)


def run_suite(
    seeds: Sequence[int],
    families: Sequence[str],
    generated: dict,
    run_generated: Callable[..., dict],
    run_gap: Callable[..., list[dict]],
    gaps: Sequence[Path],
    gap_time_limit: float,
    emit: Callable[[dict], None],
    strategy: str = "auto",
    polish: float = 0.67,
) -> list[dict]:
    """Run everything, emitting each row as it comes and the summaries at the end."""
    summaries = []
    for name in families:
        _, limit, goal = generated[name]
        rows = [run_generated(name, seed, None, strategy) for seed in seeds]
        summaries.append(summarise_family(f"generated-{name}", rows, limit, goal))
    if gaps:
        rows = []
        for path in gaps:
            rows += run_gap(path, None, ["min"], gap_time_limit, strategy, polish)
        summaries.append(summarise_gap(rows))
    for s in summaries:
        emit(s)
    print(markdown(summaries), file=sys.stderr)
    return summaries
