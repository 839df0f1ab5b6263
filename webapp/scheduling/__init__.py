"""Scheduling engine (pure: no Flask, no SQLAlchemy). Plain dataclasses in, plain dataclasses out.

The web app builds a ``TutoringProblem`` or ``PostsProblem`` from its rows and calls
``solve(problem, SolveParams(...), on_progress, stop)``; re-planning goes through ``replan``.
See docs/scheduling.md for the model, the objective weights and measured performance.
"""

from .plan import Assignment, Diff, Explanation, Plan, Progress, TermValue
from .problem import (
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
from .solver import SolveParams, solve
from .validation import ValidationError, validate_posts, validate_tutoring

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
