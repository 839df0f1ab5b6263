"""Helpers shared by both models: named objective terms and named (switchable) hard rules.

Terms: each model registers ``terms.add(name, expr, weight)``; the objective is their weighted sum,
and after the solve every term is reported on its own (raw value, weight, weighted value), so that a
coordinator sees *why* a plan costs what it costs. A term with weight 0 is simply not built.

Rules: every hard-rule family is added through ``rules.enforce(ct, key, ...)``. In a normal solve
the constraint is unconditional. In explain mode each rule instance gets its own enforcement literal
that is passed to CP-SAT as an assumption; when the problem is infeasible,
``sufficient_assumptions_for_infeasibility`` names a small set of rules that cannot all hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .plan import TermValue

# Order in which terms are reported (the lexicographic "spirit" of the weights).
TERM_ORDER = (
    "unfilled_min",
    "unfilled_preferred",
    "change",
    "added",
    "continuity",
    "pair_cost",
    "travel",
    "fairness",
    "preference",
    "cohort",
    "balance",
)


@dataclass
class Terms:
    """Named linear terms of a minimisation objective."""

    exprs: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, expr: cp_model.LinearExprT, weight: int) -> None:
        if weight == 0:
            return
        if name in self.exprs:
            self.exprs[name] = self.exprs[name] + expr
        else:
            self.exprs[name] = expr
            self.weights[name] = weight

    def wanted(self, weight: int) -> bool:
        """Models call this first so that they do not build variables for a switched-off term."""
        return weight != 0

    def minimize(self, model: cp_model.CpModel) -> None:
        names = self.ordered()
        if names:
            model.minimize(sum(self.weights[n] * self.exprs[n] for n in names))

    def ordered(self) -> list[str]:
        known = [n for n in TERM_ORDER if n in self.exprs]
        return known + sorted(n for n in self.exprs if n not in TERM_ORDER)

    def values(self, value_of: Callable[[cp_model.LinearExprT], int]) -> tuple[TermValue, ...]:
        return tuple(
            TermValue(n, int(value_of(self.exprs[n])), self.weights[n]) for n in self.ordered()
        )


def shortfall(
    model: cp_model.CpModel, have: cp_model.LinearExprT, target: int, name: str
) -> cp_model.IntVar:
    """An integer 0..target that is at least ``target - have``: the people still missing."""
    short = model.new_int_var(0, max(0, target), name)
    model.add(have + short >= target)
    return short


def convex_count_cost(
    model: cp_model.CpModel, lits: Sequence[cp_model.IntVar], cap: int, name: str
) -> cp_model.LinearExprT:
    """Cost L*(L-1)/2 for L = sum(lits) <= cap, as marginal-cost booleans (convex, LP-tight).

    The k-th session of the same volunteer costs k-1, so spreading load is always cheaper than
    piling it on one person. ``more[k]`` = "at least k+2 sessions"; ordered to break symmetry.
    """
    if cap <= 1 or len(lits) <= 1:
        return 0
    more = [model.new_bool_var(f"{name}_ge{k + 2}") for k in range(cap - 1)]
    model.add(sum(lits) <= 1 + sum(more))
    for a, b in zip(more, more[1:], strict=False):
        model.add_implication(b, a)
    return sum((k + 1) * m for k, m in enumerate(more))


@dataclass(frozen=True)
class RuleInstance:
    key: str  # e.g. "min", "pin", "load"
    params: dict[str, object]


@dataclass
class RuleBook:
    """Hands out enforcement literals for hard rules in explain mode; ``None`` otherwise."""

    model: cp_model.CpModel
    explain: bool = False
    literals: list[cp_model.IntVar] = field(default_factory=list)
    instances: list[RuleInstance] = field(default_factory=list)
    _by_id: dict[tuple, cp_model.IntVar] = field(default_factory=dict)

    def literal(self, key: str, **params: object) -> cp_model.IntVar | None:
        if not self.explain:
            return None
        ident = (key, tuple(sorted((k, str(v)) for k, v in params.items())))
        lit = self._by_id.get(ident)
        if lit is None:
            lit = self.model.new_bool_var(f"rule_{len(self.literals)}_{key}")
            self._by_id[ident] = lit
            self.literals.append(lit)
            self.instances.append(RuleInstance(key, dict(params)))
        return lit

    def enforce(self, ct: cp_model.Constraint, key: str, **params: object) -> None:
        lit = self.literal(key, **params)
        if lit is not None:
            ct.only_enforce_if(lit)

    def enforce_all(self, cts: Iterable[cp_model.Constraint], key: str, **params: object) -> None:
        lit = self.literal(key, **params)
        if lit is not None:
            for ct in cts:
                ct.only_enforce_if(lit)
