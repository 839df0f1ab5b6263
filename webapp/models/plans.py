"""Plans and their assignments, the solve runs that make them, and forbidden pairs.

An assignment puts a volunteer (with their team, in summer) on a target:
- a summer post (`post_id`), for the post's dates;
- a tutoring need on one weekday of its weekly series (`need_id` + `weekday`), for every
  confirmed date of that weekday within the programme's dates (what the solver plans);
- a need on one date (`need_id` + `occurrence_id`): a volunteer's own sign-up.
Solver and hand-made assignments belong to a plan (`plan_id`); sign-ups have no plan. The
published plan of a programme is what volunteers see in their schedules and feeds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime, utcnow
from webapp.models.events import Need, Occurrence
from webapp.models.programmes import Post, Programme
from webapp.models.volunteers import Team, Volunteer

RUN_STATUSES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE_RUN_STATUSES = ("queued", "running")
_ACTIVE_RUN = text("status IN ('queued', 'running')")
RUN_KINDS = ("solve", "replan")
PLAN_STATES = ("proposed", "published", "superseded", "discarded")
ASSIGNMENT_STATUSES = ("proposed", "confirmed", "declined", "withdrawn", "waitlisted")
ASSIGNMENT_SOURCES = ("solver", "manual", "signup")


class SolveRun(db.Model):
    """One run of the engine for a programme, in a worker thread or an RQ worker.

    The worker writes `heartbeat_at` while it runs; a run whose heartbeat is too old is marked
    failed (its process died). `progress` holds samples [seconds, objective, bound]. At most one
    run per programme is active (queued or running): a partial unique index decides races.
    """

    __tablename__ = "solve_runs"
    __table_args__ = (
        Index(
            "uq_solve_runs_one_active",
            "programme_id",
            unique=True,
            sqlite_where=_ACTIVE_RUN,
            postgresql_where=_ACTIVE_RUN,
        ),
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status_known"
        ),
        CheckConstraint("kind IN ('solve', 'replan')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default="solve", nullable=False)
    # Re-plan: the published plan to change as little as possible.
    base_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    # The proposal this run produced (also when cancelled with a plan found so far).
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="queued", nullable=False, index=True)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    cancel_requested: Mapped[bool] = mapped_column(default=False, nullable=False)
    progress: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    # The engine's own status: optimal | feasible | infeasible | timeout_no_solution | invalid.
    engine_status: Mapped[str | None] = mapped_column(String(24))
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
    needed: Mapped[int | None]
    filled: Mapped[int | None]
    unfilled: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="", nullable=False)

    programme: Mapped[Programme] = relationship()
    base_plan: Mapped[Plan | None] = relationship(foreign_keys=[base_plan_id])
    plan: Mapped[Plan | None] = relationship(foreign_keys=[plan_id])
    requested_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status == "running"

    @property
    def is_done(self) -> bool:
        return self.status == "done"

    @property
    def has_failed(self) -> bool:
        return self.status == "failed"


class Plan(db.Model):
    """A set of assignments for a programme: proposed by a run, then published (or not)."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(
            "state IN ('proposed', 'published', 'superseded', 'discarded')", name="state_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    # Re-plan: the published plan this one changes (the diff is against it).
    base_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(12), default="proposed", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    engine_status: Mapped[str | None] = mapped_column(String(24))
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    # [{"name", "value", "weight"}], [{"kind", "key", "params", "target"}], {"added": [...], ...}
    terms: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    # What the engine planned, as it saw it: [{"id": "n5w1" | "p7", "min", "max", "preferred",
    # "first", "last", "dates"}], so that review pages show every target (also unfilled ones)
    # without rebuilding the problem.
    targets: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    explanations: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    diff: Mapped[dict | None] = mapped_column(JSON)

    programme: Mapped[Programme] = relationship()
    # The run that proposed it (None for a plan made by hand).
    solve_run: Mapped[SolveRun | None] = relationship(
        primaryjoin="SolveRun.plan_id == Plan.id", viewonly=True, uselist=False
    )
    base_plan: Mapped[Plan | None] = relationship(remote_side="Plan.id")
    published_by: Mapped[User | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Assignment.id"
    )

    @property
    def is_proposed(self) -> bool:
        """Still a proposal: coordinators may edit it by hand, then publish or discard it."""
        return self.state == "proposed"

    @property
    def is_published(self) -> bool:
        """What volunteers see in their schedules; changed only through withdrawals and re-plans."""
        return self.state == "published"


class Assignment(TimestampMixin, db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'confirmed', 'declined', 'withdrawn', 'waitlisted')",
            name="status_known",
        ),
        CheckConstraint("source IN ('solver', 'manual', 'signup')", name="source_known"),
        # Exactly one kind of target: a post, or a need (on a weekday or on one date).
        CheckConstraint("(post_id IS NULL) <> (need_id IS NULL)", name="one_target"),
        CheckConstraint("weekday IS NULL OR occurrence_id IS NULL", name="weekday_or_date"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None]
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="proposed", nullable=False)
    pinned: Mapped[bool] = mapped_column(default=False, nullable=False)
    source: Mapped[str] = mapped_column(String(10), default="solver", nullable=False)
    travel_minutes: Mapped[int | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    # Bumped on every change the volunteer should see (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, nullable=False)

    plan: Mapped[Plan | None] = relationship(back_populates="assignments")
    programme: Mapped[Programme | None] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    team: Mapped[Team | None] = relationship()
    post: Mapped[Post | None] = relationship()
    need: Mapped[Need | None] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    confirmed_by: Mapped[User | None] = relationship()

    @property
    def is_proposed(self) -> bool:
        return self.status == "proposed"

    @property
    def is_confirmed(self) -> bool:
        """The volunteer is expected there (published, or a sign-up with a place)."""
        return self.status == "confirmed"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == "withdrawn"

    @property
    def is_waitlisted(self) -> bool:
        """A sign-up waiting for a place to come free."""
        return self.status == "waitlisted"

    def __repr__(self) -> str:
        target = f"post {self.post_id}" if self.post_id else f"need {self.need_id}"
        return f"<Assignment {self.id} v{self.volunteer_id} -> {target} {self.status}>"


class ForbiddenPair(db.Model):
    """A coordinator's "not here": keep a volunteer or a team away from a post or a weekly need."""

    __tablename__ = "forbidden_pairs"
    __table_args__ = (
        CheckConstraint("(volunteer_id IS NULL) <> (team_id IS NULL)", name="one_owner"),
        CheckConstraint("(post_id IS NULL) <> (need_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    weekday: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
