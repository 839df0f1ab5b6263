"""The navigation: each role sees its own items. Features add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.security import user_can_open


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, translated at render time
    roles: tuple[str, ...]


NAV_ITEMS: list[NavItem] = [
    NavItem("main.dashboard", _l("Dashboard"), (ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER)),
    NavItem("planning.index", _l("Planning"), (COORDINATOR,)),
    NavItem("volunteers.index", _l("Volunteers"), (COORDINATOR,)),
    NavItem("volunteers.teams", _l("Teams"), (COORDINATOR,)),
    NavItem("children.index", _l("Pairings"), (COORDINATOR,)),
    NavItem("children.coverage_page", _l("Coverage"), (ADMIN, COORDINATOR, HOME_MANAGER)),
    NavItem("homes.index", _l("Children's homes"), (COORDINATOR, HOME_MANAGER)),
    NavItem("opportunities.index", _l("Opportunities"), (VOLUNTEER,)),
    NavItem("schedule.index", _l("My schedule"), (VOLUNTEER,)),
    NavItem("children.mine", _l("My children"), (VOLUNTEER, HOME_MANAGER)),
    NavItem("volunteers.my_profile", _l("My profile"), (VOLUNTEER,)),
    NavItem("notifications.outbox", _l("Outbox"), (ADMIN, COORDINATOR)),
    NavItem("admin.users", _l("Users"), (ADMIN,)),
    NavItem("admin.audit_log", _l("Audit log"), (ADMIN,)),
]


def nav_items_for_current_user() -> list[NavItem]:
    """Items the user's roles allow, leaving out features that are not installed."""
    user = current_user._get_current_object()  # every page asks: one look-up, not 25
    if not user.is_authenticated:
        return []
    roles = user.roles
    return [
        item
        for item in NAV_ITEMS
        if not roles.isdisjoint(item.roles) and user_can_open(user, item.endpoint)
    ]
