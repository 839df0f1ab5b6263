"""Benchmarks: ``python -m webapp.scheduling.bench [gap|generate|all] ...`` -> JSON lines.

* no command (``make bench``): every generated family over 20 seeds (``--seeds 101-120``), then
  d05100, d10100 and the held-out GAP pair at 30 s; summaries per family (seeds.py).

* ``gap FILE [--problem K] [--sense min|max] [--time-limit S]``: OR-Library GAP through the
  tutoring model (see gap.py), compared with optima.csv next to the file when present.
* ``generate [--which tutoring|summer|summer-large|video-calls|all] [--seed N]``: county
  instances from generate.py (video calls: calls_generate.py), with the greedy baseline's
  objective on the same instance.
* ``all``: gap1-12 in both senses, C/D/E at 30 s each, and the generated instances.

Data is found at ../shared/benchdata relative to the repository root (CI clones the repository
with shared/ beside it); ``--data`` overrides.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

from . import seeds
from .calls import VideoCallProblem, call_slots, check_calls, solve_calls
from .calls_generate import video_call_instance
from .calls_model import Context, greedy_calls, term_values
from .checks import check_posts, check_tutoring
from .gap import gap_problem, read_gap
from .generate import posts_instance, tutoring_instance
from .greedy import greedy_posts, greedy_tutoring
from .problem import TutoringProblem
from .solver import SolveParams, solve
from .visits import HomeVisitProblem, check_visits, greedy_visits, solve_visits
from .visits_generate import visits_instance

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "benchdata"
CDE_POLISH = 0.67  # C/D/E: 10 s main search, then 20 s agent-subset LNS (see docs)
CDE = ("c05100", "c10100", "d05100", "d10100", "e05100", "e10100")

# name -> (builder, time limit s, goal)
GENERATED = {
    "tutoring": (lambda seed: tutoring_instance(1000, 500, seed), 15.0, "optimal"),
    "summer": (lambda seed: posts_instance(200, 30, 2, seed), 10.0, "optimal"),
    "summer-large": (lambda seed: posts_instance(600, 80, 4, seed), 60.0, "gap<=1%"),
    "video-calls": (lambda seed: video_call_instance(12, 300, seed), 5.0, "optimal"),
    # 2,000 households in 120 villages, 60 pairs formed from 120 visitors, 10 days (issue 24)
    "home-visits": (lambda seed: visits_instance(seed=seed), 60.0, "gap<=1%"),
}


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux; the figure is the process peak so far.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def load_optima(folder: Path) -> dict[tuple[str, int, str], int]:
    path = folder / "optima.csv"
    if not path.exists():
        return {}
    with open(path, newline="") as fh:
        return {
            (r["file"], int(r["problem_index"]), r["sense"]): int(r["optimum_or_best_known"])
            for r in csv.DictReader(fh)
        }


def run_gap(
    path: Path,
    problem: int | None,
    senses: list[str],
    time_limit: float,
    strategy: str = "auto",
    polish: float = 0.0,
) -> list[dict]:
    optima = load_optima(path.parent)
    rows = []
    for k, inst in enumerate(read_gap(path), start=1):
        if problem is not None and k != problem:
            continue
        for sense in senses:
            started = time.monotonic()
            plan = solve(
                gap_problem(inst, sense),
                SolveParams(
                    time_limit=time_limit, strategy=strategy, polish_share=polish, hint=False
                ),
            )
            seconds = time.monotonic() - started  # end to end: build, hint, solve, decode
            sign = 1 if sense == "min" else -1
            obj = None if plan.objective is None else sign * round(plan.objective)
            bound = None if plan.best_bound is None else sign * round(plan.best_bound)
            row = {
                "instance": path.name,
                "problem": k,
                "sense": sense,
                "status": plan.status,
                "objective": obj,
                "bound": bound,
                "gap": plan.gap,
                "seconds": round(seconds, 3),
            }
            best = optima.get((path.name, k, sense))
            if best is not None:
                row["best_known"] = best
                row["vs_best_known"] = None if obj is None else round(sign * (obj - best) / best, 5)
            rows.append(row)
            emit(row)
    return rows


def run_generated(
    name: str,
    seed: int = 1,
    time_limit: float | None = None,
    strategy: str = "auto",
    staged: bool = True,
    stages: tuple[str, ...] | None = None,
) -> dict:
    build, limit, goal = GENERATED[name]
    problem = build(seed)
    if isinstance(problem, VideoCallProblem):
        return run_calls(name, problem, seed, time_limit or limit, goal, strategy)
    if isinstance(problem, HomeVisitProblem):
        return run_visits(name, problem, seed, time_limit or limit, goal, strategy)
    tutoring = isinstance(problem, TutoringProblem)
    greedy = greedy_tutoring(problem) if tutoring else greedy_posts(problem)  # for the report
    started = time.monotonic()  # the solve end to end (it builds its own greedy start)
    params = SolveParams(
        time_limit=time_limit or limit, strategy=strategy, staged=staged, stages=stages
    )
    plan = solve(problem, params)
    seconds = time.monotonic() - started
    check = check_tutoring if tutoring else check_posts
    size = {"volunteers": len(problem.volunteers)}
    if tutoring:
        size["slots"] = len(problem.slots)
    else:
        size |= {"posts": len(problem.posts), "teams": len(problem.teams)}
    row = {
        "instance": f"generated-{name}",
        "seed": seed,
        **size,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.best_bound,
        "gap": plan.gap,
        "seconds": round(seconds, 3),
        "solve_seconds": round(plan.wall_seconds, 3),
        "goal": goal,
        "stages": list(stages or ["auto"]) if staged else [],
        "time_limit": time_limit or limit,
        "greedy_objective": greedy.objective,
        "beats_greedy": plan.objective is not None and plan.objective < greedy.objective,
        "violations": len(check(problem, plan.assignments)),
        "unfilled_min": plan.term("unfilled_min") if plan.objective is not None else None,
        "unfilled_min_bound": plan.unfilled_min_bound,
        "terms": {t.name: t.value for t in plan.terms},
        "peak_mib": peak_mib(),
    }
    emit(row)
    return row


def run_calls(
    name: str, problem: VideoCallProblem, seed: int, limit: float, goal: str, strategy: str
) -> dict:
    """One video-call rota run: the same row as run_generated, with the rota's own sizes and
    terms; ``unplaced`` (families without a slot) stands where the others have minimums."""
    started = time.monotonic()
    greedy = sum(t.weighted for t in term_values(Context.of(problem), greedy_calls(problem)))
    plan = solve_calls(problem, SolveParams(time_limit=limit, strategy=strategy))
    seconds = time.monotonic() - started
    row = {
        "instance": f"generated-{name}",
        "seed": seed,
        "families": len(problem.families),
        "children": sum(len(f.child_ids) for f in problem.families),
        "rooms": len(problem.rooms),
        "slots": len(call_slots(problem)),
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.best_bound,
        "gap": plan.gap,
        "seconds": round(seconds, 3),
        "solve_seconds": round(plan.wall_seconds, 3),
        "goal": goal,
        "stages": [],
        "time_limit": limit,
        "greedy_objective": greedy,
        "beats_greedy": plan.objective is not None and plan.objective < greedy,
        "violations": len(check_calls(problem, plan)),
        "unfilled_min": None,
        "unfilled_min_bound": None,
        "unplaced": plan.term("unplaced") if plan.objective is not None else None,
        "terms": {t.name: t.value for t in plan.terms},
        "reasons": dict(sorted(Counter(e.key for e in plan.explanations).items())),
        "peak_mib": peak_mib(),
    }
    emit(row)
    return row


def run_visits(
    name: str, problem: HomeVisitProblem, seed: int, limit: float, goal: str, strategy: str
) -> dict:
    """A home-visit campaign: the same row as the other families (seeds.py summarises it),
    with households visited and red households visited."""
    greedy = greedy_visits(problem)
    started = time.monotonic()
    result = solve_visits(problem, SolveParams(time_limit=limit, strategy=strategy))
    seconds = time.monotonic() - started
    plan = result.plan
    reds = [h.id for h in problem.households if h.priority == "red"]
    row = {
        "instance": f"generated-{name}",
        "seed": seed,
        "households": len(problem.households),
        "pairs": len(result.pairs),
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.best_bound,
        "gap": plan.gap,
        "seconds": round(seconds, 3),
        "solve_seconds": round(plan.wall_seconds, 3),
        "goal": goal,
        "time_limit": limit,
        "greedy_objective": greedy.plan.objective,
        "beats_greedy": plan.objective is not None and plan.objective < greedy.plan.objective,
        "violations": len(check_visits(problem, result)),
        "visited": len(result.visited),
        "red_visited": sum(1 for h in reds if h in result.visited),
        "red": len(reds),
        "unfilled_min": None,  # no minimum headcounts: red households visited say it
        "unfilled_min_bound": None,
        "terms": {t.name: t.value for t in plan.terms},
        "peak_mib": peak_mib(),
    }
    emit(row)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m webapp.scheduling.bench")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchdata folder")
    ap.add_argument("--strategy", default="auto", choices=("auto", "max_lp", "lin2", "default"))
    ap.add_argument("--one-shot", action="store_true", help="weighted one-shot solve, no stages")
    ap.add_argument("--stages", default="", help="terms fixed in turn, comma-separated (auto)")
    # Without a command: the multi-seed suite (seeds.py), what `make bench` runs.
    ap.add_argument("--seeds", default=seeds.DEFAULT_SEEDS, help="e.g. 101-120 or 101,105")
    ap.add_argument("--which", default=",".join(GENERATED), help="families, comma-separated")
    ap.add_argument("--gap", type=Path, nargs="*", default=[], help="more GAP files (held-out)")
    ap.add_argument("--gap-time-limit", type=float, default=30.0)
    sub = ap.add_subparsers(dest="cmd")
    g = sub.add_parser("gap", help="one GAP file")
    g.add_argument("file", type=Path)
    g.add_argument("--problem", type=int)
    g.add_argument("--sense", choices=("min", "max"))
    g.add_argument("--time-limit", type=float, default=10.0)
    g.add_argument(
        "--polish",
        type=float,
        default=None,
        help="share of the time for LNS polishing (default: 0.67 for C/D/E, else 0)",
    )
    gen = sub.add_parser("generate", help="generated county instances")
    gen.add_argument("--which", default="all", choices=(*GENERATED, "all"))
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--time-limit", type=float)
    a = sub.add_parser("all", help="the whole suite")
    a.add_argument("--cde-time-limit", type=float, default=30.0)
    args = ap.parse_args(argv)

    if args.cmd is None:
        families = [f for f in args.which.split(",") if f]
        unknown = [f for f in families if f not in GENERATED]
        if unknown:
            ap.error(f"unknown family {unknown[0]!r}; known: {', '.join(GENERATED)}")
        try:
            chosen = seeds.parse_seeds(args.seeds)
        except ValueError as err:
            ap.error(str(err))
        seeds.run_suite(
            chosen,
            families,
            GENERATED,
            functools.partial(
                run_generated,
                staged=not args.one_shot,
                stages=tuple(args.stages.split(",")) if args.stages else None,
            ),
            run_gap,
            seeds.gap_files(args.data / "gap", args.gap),
            args.gap_time_limit,
            emit,
            args.strategy,
            CDE_POLISH,
        )
    elif args.cmd == "gap":
        path = args.file if args.file.exists() else args.data / "gap" / args.file
        senses = (
            [args.sense]
            if args.sense
            else (["min", "max"] if path.name.startswith("gap") else ["min"])
        )
        polish = (
            args.polish
            if args.polish is not None
            else (0.0 if path.name.startswith("gap") else CDE_POLISH)
        )
        run_gap(path, args.problem, senses, args.time_limit, args.strategy, polish)
    elif args.cmd == "generate":
        for name in GENERATED if args.which == "all" else [args.which]:
            run_generated(name, args.seed, args.time_limit, args.strategy, not args.one_shot)
    else:
        folder = args.data / "gap"
        if not folder.exists():
            print(f"benchmark data not found at {folder}; pass --data", file=sys.stderr)
            return 2
        started = time.monotonic()
        rows = []
        for i in range(1, 13):
            rows += run_gap(folder / f"gap{i}.txt", None, ["min", "max"], 10.0, args.strategy)
        small_ok = all(
            r["status"] == "optimal" and r["objective"] == r.get("best_known") for r in rows
        )
        cde = []
        for name in CDE:
            cde += run_gap(
                folder / name, None, ["min"], args.cde_time_limit, args.strategy, CDE_POLISH
            )
        gen = [run_generated(name, 1, None, args.strategy) for name in GENERATED]
        emit(
            {
                "summary": True,
                "gap1_12_all_optimal_and_equal": small_ok,
                "gap1_12_max_seconds": max(r["seconds"] for r in rows),
                "cde_worst_vs_best_known": max(r["vs_best_known"] or 0 for r in cde),
                "generated_all_beat_greedy": all(r["beats_greedy"] for r in gen),
                "generated_status": {r["instance"]: r["status"] for r in gen},
                "peak_mib": peak_mib(),
                "total_seconds": round(time.monotonic() - started, 1),
            }
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
