"""ORM models, one module per aggregate. Importing this package registers every table."""

from webapp.models.accounts import ROLES, User, UserRole
from webapp.models.audit import AuditLog
from webapp.models.children import CareLog, Child, Pairing
from webapp.models.homes import Home, Room, home_managers
from webapp.models.imports import PendingImport
from webapp.models.places import Place
from webapp.models.settings import Setting
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
    "AuditLog",
    "CareLog",
    "Child",
    "Home",
    "Pairing",
    "PendingImport",
    "Place",
    "Room",
    "Setting",
    "Skill",
    "Team",
    "TeamMember",
    "User",
    "UserRole",
    "Volunteer",
    "VolunteerDateRange",
    "WeeklyAvailability",
    "home_managers",
    "volunteer_skills",
]
