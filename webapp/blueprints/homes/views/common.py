"""Helpers and template globals shared by the homes views."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_login import current_user
from sqlalchemy.orm.interfaces import ORMOption

from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import services
from webapp.blueprints.homes.views import bp
from webapp.inputs import date_arg
from webapp.models import Home


@bp.app_template_global()
def local_time(home: Home, moment: datetime, fmt: str = "%H:%M") -> str:
    return av.to_local(home, moment).strftime(fmt)


@bp.app_template_global()
def local_date(home: Home, moment: datetime) -> date:
    return av.to_local(home, moment).date()


@bp.app_template_global()
def hhmm(minute: int) -> str:
    return av.hhmm(minute)


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


def day_arg(home: Home, name: str = "date") -> date:
    return date_arg(name, default=av.to_local_today(home))


def home_or_404(home_id: int, *options: ORMOption) -> Home:
    """The home if the current user may see it, else 404."""
    return services.home_for(current_user, home_id, *options)
