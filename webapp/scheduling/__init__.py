"""Scheduling engine (pure: no Flask, no SQLAlchemy). Plain dataclasses in, plain dataclasses out.

The web app builds a ``TutoringProblem`` or ``PostsProblem`` from its rows and calls
``solve(problem, SolveParams(...), on_progress, stop)``; re-planning goes through ``replan``.
See docs/scheduling.md for the model, the objective weights and measured performance.
"""

from .domain import (
    Assignment,
    DateRange,
    Diff,
    Explanation,
    Forbidden,
    Location,
    Need,
    Pin,
    Plan,
    Post,
    PostsProblem,
    Progress,
    Rules,
    Slot,
    Team,
    TermValue,
    TimeWindow,
    TutoringProblem,
    ValidationError,
    Volunteer,
    Weights,
    validate_posts,
    validate_tutoring,
)
from .solver import SolveParams, solve

__all__ = [
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
    "SolveParams",
    "Team",
    "TermValue",
    "TimeWindow",
    "TutoringProblem",
    "ValidationError",
    "Volunteer",
    "Weights",
    "solve",
    "validate_posts",
    "validate_tutoring",
]
