"""Re-plan after a change (a volunteer withdraws, a slot is added, a post's dates move).

The caller applies the change to the problem (drops the volunteer, adds the slot, ...) and passes
the currently published assignments. Every published assignment that the new plan drops costs
``weights.change`` in the objective, so the solver keeps everything that is not forced to change.
The returned Plan carries a Diff (added, removed, moved) so that only affected people are told.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from .plan import Assignment, Diff, Plan
from .problem import PostsProblem, TutoringProblem
from .solver import ProgressFn, SolveParams, StopFlag, solve


def diff_plans(old: Sequence[Assignment], new: Sequence[Assignment]) -> Diff:
    """Per volunteer: assignments only in old are removed, only in new are added; a removal and
    an addition for the same volunteer pair up as a move (old -> new)."""

    def key(a: Assignment) -> tuple[str, str, str | None]:
        return (a.volunteer_id, a.target_id, a.skill)

    old_keys, new_keys = {key(a): a for a in old}, {key(a): a for a in new}
    gone: dict[str, list[Assignment]] = defaultdict(list)
    came: dict[str, list[Assignment]] = defaultdict(list)
    for k in sorted(set(old_keys) - set(new_keys), key=str):
        gone[k[0]].append(old_keys[k])
    for k in sorted(set(new_keys) - set(old_keys), key=str):
        came[k[0]].append(new_keys[k])
    added, removed, moved = [], [], []
    for v in sorted(set(gone) | set(came)):
        g, c = gone.get(v, []), came.get(v, [])
        pairs = min(len(g), len(c))
        moved.extend(zip(g[:pairs], c[:pairs], strict=True))
        removed.extend(g[pairs:])
        added.extend(c[pairs:])
    return Diff(tuple(added), tuple(removed), tuple(moved))


def replan(
    problem: TutoringProblem | PostsProblem,
    published: Sequence[Assignment],
    params: SolveParams | None = None,
    on_progress: ProgressFn = None,
    stop: StopFlag = None,
) -> Plan:
    """Solve ``problem`` (already changed) keeping ``published`` where possible; attach the diff."""
    vids = {v.id for v in problem.volunteers}
    targets = (
        {s.id for s in problem.slots}
        if isinstance(problem, TutoringProblem)
        else {p.id for p in problem.posts}
    )
    # Assignments of people who left or places that vanished cannot be kept: they are simply
    # removed (they show up in the diff), not charged as a change the solver could avoid.
    keepable = tuple(a for a in published if a.volunteer_id in vids and a.target_id in targets)
    plan = solve(dataclasses.replace(problem, published=keepable), params, on_progress, stop)
    if plan.status not in ("optimal", "feasible"):
        return plan
    return dataclasses.replace(plan, diff=diff_plans(published, plan.assignments))
