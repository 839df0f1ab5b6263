"""What the solver proved about a plan, in the coordinator's words (issue 26).

Every plan the engine writes says how good it is: proven optimal, or at most so many per cent
from the best possible plan, and, while unproven, whether any minimum headcount might still be
filled: the engine proves a lower bound on the people missing below the minimums first (the
staged solve, docs/scheduling.md), stored with the ``unfilled_min`` term as its ``bound``. An
unproven proposal can be searched further from where it stopped ("keep searching").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.models import Plan


@dataclass(frozen=True)
class Proof:
    status: str | None  # the engine's status of the plan
    gap: float | None  # relative gap to the bound (None: no bound known)
    missing: int | None  # people missing below the minimums (None: no minimum term)
    missing_bound: int | None  # proven: at least this many stay missing in every plan

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def unproven(self) -> bool:
        return self.status == "feasible"

    @property
    def fillable(self) -> int | None:
        """How many more minimum places some plan might fill (0: none; None: not known)."""
        if self.missing is None or self.missing_bound is None:
            return None
        return max(0, self.missing - self.missing_bound)

    def sentences(self) -> list[str]:
        if self.status not in ("optimal", "feasible"):
            return []
        lines = []
        if self.optimal:
            lines.append(_("Proven optimal: no plan under these rules is better."))
        elif self.gap is not None:
            lines.append(
                _(
                    "Not proven optimal: at most %(percent)s from the best possible plan.",
                    percent=percent(self.gap),
                )
            )
        else:
            lines.append(
                _(
                    "Not proven optimal: the search stopped before it could tell how far this "
                    "plan is from the best possible."
                )
            )
        fillable = self.fillable
        if self.missing:
            if fillable == 0:
                lines.append(
                    ngettext(
                        "No place left short could be filled: no plan comes closer to the "
                        "minimums (%(num)d short, counting the leaders and cleared adults a "
                        "place requires).",
                        "No place left short could be filled: no plan comes closer to the "
                        "minimums (%(num)d short, counting the leaders and cleared adults a "
                        "place requires).",
                        self.missing,
                    )
                )
            elif fillable:
                lines.append(
                    ngettext(
                        "Perhaps %(num)d more minimum place could still be filled.",
                        "Perhaps up to %(num)d more minimum places could still be filled.",
                        fillable,
                    )
                )
            elif self.unproven:
                lines.append(_("Whether more minimum places could be filled is not known yet."))
        elif self.missing == 0 and self.unproven:
            lines.append(
                _("Every minimum headcount is met; the rest of the plan may still improve.")
            )
        return lines


def percent(gap: float) -> str:
    """A gap as "at most" words need it: rounded up, never shown as 0 when it is not 0."""
    value = math.ceil(gap * 10000 - 1e-9) / 100
    if gap > 0 and value == 0:
        value = 0.01
    return f"{value:.2f} %" if value < 10 else f"{math.ceil(value)} %"


def of_plan(plan: Plan | None) -> Proof | None:
    if plan is None:
        return None
    missing = bound = None
    for term in plan.terms or []:
        if term.get("name") == "unfilled_min":
            missing, bound = term.get("value"), term.get("bound")
    if missing is None and plan.engine_status in ("optimal", "feasible"):
        missing = 0  # no minimum to fill: the term is not built
        bound = 0
    return Proof(plan.engine_status, plan.gap, missing, bound)


def can_keep_searching(plan: Plan | None) -> bool:
    """An unproven proposal may be searched further, starting from itself."""
    return plan is not None and plan.is_proposed and plan.engine_status == "feasible"
