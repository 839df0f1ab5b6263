"""OR-Library GAP instances mapped onto the tutoring model (the app's own code path).

Agents are volunteers whose weekly minute budget is the capacity b[i]; jobs are slots needing
exactly one volunteer (a hard minimum of 1 and a maximum of 1); consumption a[i][j] is the
volunteer's load minutes at that slot (``pair_load``); cost c[i][j] is the ``pair_cost`` term
(negated for the maximisation form). Every other term is switched off (weight 0) and travel is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problem import Need, Rules, Slot, TutoringProblem, Volunteer, Weights


@dataclass(frozen=True)
class GapInstance:
    m: int
    n: int
    cost: tuple[tuple[int, ...], ...]
    load: tuple[tuple[int, ...], ...]
    capacity: tuple[int, ...]


def _read_one(tokens: list[int], pos: int) -> tuple[GapInstance, int]:
    m, n = tokens[pos], tokens[pos + 1]
    pos += 2
    cost = tuple(tuple(tokens[pos + i * n : pos + (i + 1) * n]) for i in range(m))
    pos += m * n
    load = tuple(tuple(tokens[pos + i * n : pos + (i + 1) * n]) for i in range(m))
    pos += m * n
    cap = tuple(tokens[pos : pos + m])
    return GapInstance(m, n, cost, load, cap), pos + m


def read_gap(path: str | Path) -> list[GapInstance]:
    """Both layouts: gapN.txt (leading problem count P) and c/d/e files (a single problem).

    The layouts are told apart by the token count: a file with one problem has exactly
    2 + 2mn + m integers.
    """
    tokens = [int(t) for t in Path(path).read_text().split()]
    m, n = tokens[0], tokens[1]
    if len(tokens) == 2 + 2 * m * n + m:
        return [_read_one(tokens, 0)[0]]
    count, pos, out = tokens[0], 1, []
    for _ in range(count):
        inst, pos = _read_one(tokens, pos)
        out.append(inst)
    return out


def gap_problem(inst: GapInstance, sense: str = "min") -> TutoringProblem:
    sign = 1 if sense == "min" else -1
    vols = tuple(
        Volunteer(
            f"agent{i + 1}",
            skills=frozenset({"job"}),
            cleared=True,
            max_travel_minutes=0,
            max_sessions_per_week=inst.n,
            max_minutes_per_week=inst.capacity[i],
        )
        for i in range(inst.m)
    )
    # Distinct, non-overlapping times so that the same-time rule never binds.
    slots = tuple(
        Slot(
            f"job{j + 1}",
            f"h{j + 1}",
            j % 7,
            (j // 7) * 10,
            (j // 7) * 10 + 5,
            (Need("job", 1, 1, vetting_required=False),),
        )
        for j in range(inst.n)
    )
    load = {
        (vols[i].id, slots[j].id): inst.load[i][j] for i in range(inst.m) for j in range(inst.n)
    }
    cost = {
        (vols[i].id, slots[j].id): sign * inst.cost[i][j]
        for i in range(inst.m)
        for j in range(inst.n)
    }
    weights = Weights(
        unfilled_min=0,
        unfilled_preferred=0,
        change=0,
        continuity=0,
        pair_cost=1,
        travel=0,
        fairness=0,
        preference=0,
        balance=0,
    )
    return TutoringProblem(
        vols,
        slots,
        pins=(),
        weights=weights,
        rules=Rules(hard_minimums=True, travel_between_slots=False),
        pair_load=load,
        pair_cost=cost,
    )
