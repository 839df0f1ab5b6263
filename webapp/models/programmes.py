"""Planning rounds: programmes (term tutoring, summer outreach), summer posts, who takes part,
and the planning wishes of volunteers and teams that the scheduling engine reads.

A tutoring programme plans the volunteer needs of the events at its homes between its dates
(each weekday of a weekly series is one engine slot). A summer programme places its teams and
single volunteers at its posts (village schools or children's homes, for a date range).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.accounts import User
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.homes import Home
from webapp.models.places import Place
from webapp.models.volunteers import Skill, Team, Volunteer

PROGRAMME_KINDS = ("tutoring", "summer", "video_calls", "home_visits")
PROGRAMME_STATES = ("draft", "solving", "proposed", "published")
# Each kind's settings and their defaults (a programme's own values override them).
PROGRAMME_SETTINGS: dict[str, dict[str, object]] = {
    "tutoring": {},
    "summer": {},
    "video_calls": {"slot_minutes": 20, "holiday": False},
    "home_visits": {"max_visits_per_day": 6, "max_travel_minutes": 240, "mixed_pairs": False},
}

programme_homes = Table(
    "programme_homes",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("home_id", ForeignKey("homes.id", ondelete="CASCADE"), primary_key=True),
)
programme_volunteers = Table(
    "programme_volunteers",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
)
programme_teams = Table(
    "programme_teams",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)

# Planning wishes (soft: they cost in the objective when not met).
volunteer_preferred_homes = Table(
    "volunteer_preferred_homes",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("home_id", ForeignKey("homes.id", ondelete="CASCADE"), primary_key=True),
)
volunteer_preferred_skills = Table(
    "volunteer_preferred_skills",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)
volunteer_preferred_posts = Table(
    "volunteer_preferred_posts",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
)
team_preferred_posts = Table(
    "team_preferred_posts",
    db.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
)
# "Please place me with ...": asked by volunteer_id, naming companion_id.
volunteer_companions = Table(
    "volunteer_companions",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("companion_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    CheckConstraint("volunteer_id <> companion_id", name="not_self"),
)


class Programme(TimestampMixin, db.Model):
    """A planning round with its dates: draft -> solving -> proposed -> published."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="start_before_end"),
        CheckConstraint(
            "kind IN ('tutoring', 'summer', 'video_calls', 'home_visits')", name="kind_known"
        ),
        CheckConstraint(
            "state IN ('draft', 'solving', 'proposed', 'published')", name="state_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    starts_on: Mapped[date] = mapped_column(nullable=False)
    ends_on: Mapped[date] = mapped_column(nullable=False)
    state: Mapped[str] = mapped_column(String(10), default="draft", nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # The kind's own settings (video calls: slot_minutes, holiday; home visits:
    # max_visits_per_day, max_travel_minutes, mixed_pairs); defaults in Programme.setting.
    settings: Mapped[dict] = mapped_column(
        JSON, default=dict, server_default=text("'{}'"), nullable=False
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()
    homes: Mapped[list[Home]] = relationship(secondary=programme_homes, order_by="Home.name")
    volunteers: Mapped[list[Volunteer]] = relationship(
        secondary=programme_volunteers, order_by="Volunteer.id"
    )
    teams: Mapped[list[Team]] = relationship(secondary=programme_teams, order_by="Team.id")
    posts: Mapped[list[Post]] = relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="(Post.starts_on, Post.id)",
    )

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def plans_children(self) -> bool:
        """A rota of family video calls or a home-visit campaign: the children are planned."""
        return self.kind in ("video_calls", "home_visits")

    def setting(self, name: str) -> object:
        return (self.settings or {}).get(name, PROGRAMME_SETTINGS[self.kind].get(name))

    @property
    def is_solving(self) -> bool:
        return self.state == "solving"

    @property
    def awaits_publication(self) -> bool:
        """Being solved or holding a proposal that is not published yet."""
        return self.state in ("solving", "proposed")

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.kind} {self.name}>"


class Post(TimestampMixin, db.Model):
    """A summer post (驻点): a village school or children's home, for a date range."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="start_before_end"),
        CheckConstraint("beds >= 0", name="beds_nonnegative"),
        CheckConstraint("min_headcount >= 0", name="min_nonnegative"),
        CheckConstraint("max_headcount >= min_headcount", name="max_at_least_min"),
        CheckConstraint(
            "preferred_headcount IS NULL OR "
            "(preferred_headcount >= min_headcount AND preferred_headcount <= max_headcount)",
            name="preferred_between",
        ),
        CheckConstraint(
            "max_travel_minutes IS NULL OR max_travel_minutes >= 0", name="travel_nonnegative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Where: a children's home, or a village (school) with an address; lat/lon for travel.
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id", ondelete="SET NULL"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    starts_on: Mapped[date] = mapped_column(nullable=False)
    ends_on: Mapped[date] = mapped_column(nullable=False)
    beds: Mapped[int] = mapped_column(nullable=False)
    min_headcount: Mapped[int] = mapped_column(default=1, nullable=False)
    preferred_headcount: Mapped[int | None]
    max_headcount: Mapped[int] = mapped_column(nullable=False)
    need_leader: Mapped[bool] = mapped_column(default=True, nullable=False)
    need_cleared_adult: Mapped[bool] = mapped_column(default=True, nullable=False)
    vetting_required: Mapped[bool] = mapped_column(default=True, nullable=False)
    max_travel_minutes: Mapped[int | None]
    # Volunteers may sign up for it themselves (issue: volunteer self-service).
    open_for_signup: Mapped[bool] = mapped_column(default=False, nullable=False)
    # A removed post stays (cancelled) so that calendars can show it as cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on every change the people placed here should see (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)

    programme: Mapped[Programme] = relationship(back_populates="posts")
    home: Mapped[Home | None] = relationship()
    place: Mapped[Place | None] = relationship()
    skill_counts: Mapped[list[PostSkill]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostSkill.skill_id"
    )

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.name} {self.starts_on}..{self.ends_on}>"


class PostSkill(db.Model):
    """At least `count` people with the skill at the post (e.g. 1 英语, 1 心理辅导)."""

    __tablename__ = "post_skills"
    __table_args__ = (CheckConstraint("count >= 1", name="count_positive"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(default=1, nullable=False)

    post: Mapped[Post] = relationship(back_populates="skill_counts")
    skill: Mapped[Skill] = relationship()
