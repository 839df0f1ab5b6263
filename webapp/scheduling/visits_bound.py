"""The LP relaxation of a CP-SAT model, solved by GLOP: a valid lower bound and the fractional
values that show which options matter.

Used by the home-visit solve (visits_solve.py): stage 1's relaxation bounds the campaign, and
the pair-village options the LP uses (with the baseline's and each village's nearest pairs)
make a model small enough for CP-SAT to find good plans within the minute. Every integer plan of
the model is a point of the relaxation, so the LP optimum (rounded up: the objective is integer)
is a valid bound for the whole model, not only for the options kept.
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model


def lp_relaxation(
    model: cp_model.CpModel, time_limit: float = 20.0
) -> tuple[float, list[float]] | None:
    """(bound, value per variable) of a model of linear constraints, at-most-ones and
    implications; None when GLOP does not finish in time."""
    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    # list(): the proto wrapper's repeated fields do not index from the end
    domains = [list(v.domain) for v in proto.variables]
    xs = [lp.NumVar(d[0], d[-1], "") for d in domains]

    def lit(ref: int):
        return xs[ref] if ref >= 0 else 1 - xs[-ref - 1]

    for ct in proto.constraints:
        enforced = list(ct.enforcement_literal)
        if ct.has_linear() and not enforced:
            expr = sum(c * xs[v] for v, c in zip(ct.linear.vars, ct.linear.coeffs, strict=True))
            bounds = list(ct.linear.domain)
            if bounds[0] > -(2**62):
                lp.Add(expr >= bounds[0])
            if bounds[-1] < 2**62:
                lp.Add(expr <= bounds[-1])
        elif ct.has_at_most_one():
            lp.Add(sum(lit(r) for r in ct.at_most_one.literals) <= 1)
        elif ct.has_bool_and() and len(enforced) == 1:
            for r in ct.bool_and.literals:
                lp.Add(lit(enforced[0]) <= lit(r))
        # anything else is left out: a relaxation of a relaxation still bounds from below
    obj = proto.objective
    lp.Minimize(sum(c * xs[v] for v, c in zip(obj.vars, obj.coeffs, strict=True)))
    lp.SetTimeLimit(int(time_limit * 1000))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = (lp.Objective().Value() + obj.offset) * (obj.scaling_factor or 1.0)
    return float(math.ceil(value - 1e-6)), [x.solution_value() for x in xs]
