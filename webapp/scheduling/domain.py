"""Plain data in and out of the scheduling engine, under one name.

The data lives in three modules by meaning: ``problem.py`` (what the engine is asked: volunteers,
slots, posts, teams, rules, weights), ``plan.py`` (what it answers: plans, assignments, terms,
explanations, diffs, progress) and ``validation.py`` (bad input named before CP-SAT sees it).
``from webapp.scheduling.domain import X`` keeps working for all of them.
"""

from __future__ import annotations

from .plan import Assignment, Diff, Explanation, Plan, Progress, Status, TermValue
from .problem import (
    TRANSPORT_MODES,
    DateRange,
    Forbidden,
    Location,
    Need,
    Pin,
    Post,
    PostsProblem,
    Rules,
    Slot,
    Team,
    TimeWindow,
    TutoringProblem,
    Volunteer,
    Weights,
)
from .validation import ValidationError, validate_posts, validate_tutoring

__all__ = [
    "TRANSPORT_MODES",
    "Assignment",
    "DateRange",
    "Diff",
    "Explanation",
    "Forbidden",
    "Location",
    "Need",
    "Pin",
    "Plan",
    "Post",
    "PostsProblem",
    "Progress",
    "Rules",
    "Slot",
    "Status",
    "Team",
    "TermValue",
    "TimeWindow",
    "TutoringProblem",
    "ValidationError",
    "Volunteer",
    "Weights",
    "validate_posts",
    "validate_tutoring",
]
