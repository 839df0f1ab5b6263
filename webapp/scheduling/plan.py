"""What the engine answers: a Plan with its assignments, objective terms, explanations and, for a
re-plan, the diff; and the progress it reports while it searches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Status = Literal["optimal", "feasible", "infeasible", "timeout_no_solution", "invalid"]


@dataclass(frozen=True)
class Assignment:
    volunteer_id: str
    target_id: str  # slot id or post id
    skill: str | None = None  # tutoring: the need filled
    team_id: str | None = None  # posts: the team the person came with


@dataclass(frozen=True)
class TermValue:
    """One objective term: its raw value (people, minutes, ...), weight and weighted value."""

    name: str
    value: int
    weight: int

    @property
    def weighted(self) -> int:
        return self.value * self.weight


@dataclass(frozen=True)
class Explanation:
    """A plain-language explanation. ``key`` + ``params`` for the app's own rendering;
    ``text`` holds ready renderings: {"zh_CN": ..., "en": ...}."""

    kind: str  # "unfilled" | "infeasible" | "rule" | "invalid"
    key: str
    params: Mapping[str, object]
    text: Mapping[str, str]
    target_id: str | None = None


@dataclass(frozen=True)
class Diff:
    """What changed between the published plan and the new one, per person."""

    added: tuple[Assignment, ...] = ()
    removed: tuple[Assignment, ...] = ()
    moved: tuple[tuple[Assignment, Assignment], ...] = ()  # (old, new) for the same volunteer

    @property
    def affected_volunteers(self) -> frozenset[str]:
        ids = {a.volunteer_id for a in self.added} | {a.volunteer_id for a in self.removed}
        ids |= {old.volunteer_id for old, _ in self.moved}
        return frozenset(ids)


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class Plan:
    status: Status
    objective: float | None
    best_bound: float | None
    gap: float | None  # relative: |objective - bound| / max(1, |objective|)
    wall_seconds: float
    terms: tuple[TermValue, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    diff: Diff | None = None
    deterministic_time: float = 0.0
    stopped: bool = False  # the stop flag ended the search
    # A proven lower bound on the unfilled_min term (people missing below minimum headcounts):
    # equal to the term when no empty seat could be filled; None when nothing was proven.
    unfilled_min_bound: int | None = None

    def term(self, name: str) -> int:
        for t in self.terms:
            if t.name == name:
                return t.value
        return 0
