"""ORM models, one module per aggregate. Importing this package registers every table."""

from webapp.models.accounts import ROLES, User, UserRole
from webapp.models.audit import AuditLog
from webapp.models.calendars import CalendarToken
from webapp.models.child_care import (
    CareGoal,
    ChildAccess,
    ChildDuty,
    ChildMeeting,
    MeetingAttendance,
)
from webapp.models.children import CareLog, Child, Household, Pairing
from webapp.models.coverage import CoverageCount, CoverageMonth
from webapp.models.events import CallSlot, Event, Need, Occurrence
from webapp.models.home_visits import VisitPlacement
from webapp.models.homes import Closure, Home, OpeningHours, Room, home_managers
from webapp.models.imports import PendingImport
from webapp.models.invitations import Invitation
from webapp.models.notifications import OutboxMessage, SentReminder
from webapp.models.places import Place
from webapp.models.plans import Assignment, ForbiddenPair, Plan, SolveRun
from webapp.models.programmes import (
    Post,
    PostSkill,
    Programme,
    programme_homes,
    programme_teams,
    programme_volunteers,
    team_preferred_posts,
    volunteer_companions,
    volunteer_preferred_homes,
    volunteer_preferred_posts,
    volunteer_preferred_skills,
)
from webapp.models.selfservice import AssignmentSkip, SwapOffer
from webapp.models.sessions import LoginSession
from webapp.models.settings import Setting
from webapp.models.video_calls import CallPlacement, ChildWeeklyTime
from webapp.models.volunteers import (
    Skill,
    Team,
    TeamMember,
    Volunteer,
    VolunteerDateRange,
    WeeklyAvailability,
    volunteer_skills,
)

__all__ = [
    "ROLES",
    "Assignment",
    "AssignmentSkip",
    "AuditLog",
    "CalendarToken",
    "CallPlacement",
    "CallSlot",
    "CareGoal",
    "CareLog",
    "Child",
    "ChildAccess",
    "ChildWeeklyTime",
    "CoverageCount",
    "CoverageMonth",
    "ChildDuty",
    "ChildMeeting",
    "Closure",
    "Event",
    "ForbiddenPair",
    "Home",
    "Household",
    "Invitation",
    "LoginSession",
    "MeetingAttendance",
    "Need",
    "Occurrence",
    "OpeningHours",
    "OutboxMessage",
    "Pairing",
    "PendingImport",
    "Place",
    "Plan",
    "Post",
    "PostSkill",
    "Programme",
    "Room",
    "SentReminder",
    "Setting",
    "Skill",
    "SolveRun",
    "SwapOffer",
    "Team",
    "TeamMember",
    "User",
    "UserRole",
    "VisitPlacement",
    "Volunteer",
    "VolunteerDateRange",
    "WeeklyAvailability",
    "home_managers",
    "programme_homes",
    "programme_teams",
    "programme_volunteers",
    "team_preferred_posts",
    "volunteer_companions",
    "volunteer_preferred_homes",
    "volunteer_preferred_posts",
    "volunteer_preferred_skills",
    "volunteer_skills",
]
