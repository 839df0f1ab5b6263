"""The feeds themselves (no session, no cookie) and the pages that show and rotate their links."""

from __future__ import annotations

import time
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.feeds import ical, services, tokens
from webapp.blueprints.homes.services import home_for
from webapp.compression import etag_variant_held
from webapp.core.spreadsheets import content_disposition
from webapp.extensions import db
from webapp.models import Team
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.security import role_required

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
ICAL_MIME = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, no-cache, max-age=0"


def _not_found() -> Response:
    """The one answer for an unknown, revoked or malformed token: no hint which it was."""
    return Response(
        "Not found\n", status=404, mimetype="text/plain", headers={"Cache-Control": "no-store"}
    )


# token hash -> (valid until, ETag, Last-Modified): calendar apps poll with If-None-Match, and
# within FEED_CACHE_SECONDS the answer comes from here after the token check alone. A change
# shows in the feed at the latest that many seconds later (apps refresh hourly anyway).
_recent: dict[str, tuple[float, str, datetime]] = {}
_RECENT_MAX = 50_000


def _not_modified(tag: str, modified: datetime) -> str | None:
    """The ETag to answer 304 with, or None. The client may hold a compressed variant's tag
    ("abc:br", webapp/compression.py): the 304 repeats it."""
    if request.if_none_match:
        return etag_variant_held(tag)
    if request.if_modified_since and modified <= request.if_modified_since:
        return tag
    return None


def _headers(response: Response, tag: str, modified: datetime) -> Response:
    response.headers["ETag"] = f'"{tag}"'
    response.last_modified = modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.get("/<string:token>.ics")
def feed(token: str):
    # Reads neither the session nor the logged-in user, so the response sets no cookie.
    token_hash = tokens.presented_hash(token)
    if token_hash is None:
        return _not_found()
    ttl = current_app.config.get("FEED_CACHE_SECONDS", 30)
    cached = _recent.get(token_hash) if ttl else None
    held = cached and cached[0] > time.monotonic() and _not_modified(cached[1], cached[2])
    if held:
        # A revoked token is refused at once, cache or not.
        if not tokens.is_active(token_hash):
            return _not_found()
        return _headers(Response(status=304), held, cached[2])
    owner = services.feed_owner(token_hash)
    if owner is None:
        return _not_found()
    name, events = services.feed_for(owner)
    tag = ical.etag(name, events)
    modified = ical.last_modified(events, owner.created_at)
    if ttl:
        if len(_recent) > _RECENT_MAX:
            _recent.clear()
        _recent[token_hash] = (time.monotonic() + ttl, tag, modified)
    held = _not_modified(tag, modified)
    if held:
        return _headers(Response(status=304), held, modified)
    response = Response(ical.build(name, events), mimetype="text/calendar")
    response.headers["Content-Type"] = ICAL_MIME
    response.headers["Content-Disposition"] = content_disposition("shouwang.ics", inline=True)
    return _headers(response, tag, modified)


# --- links of homes and teams -------------------------------------------------------------------


@bp.get("/homes/<int:home_id>")
@role_required(ADMIN, COORDINATOR, HOME_MANAGER)
def home_link(home_id: int):
    home = home_for(current_user, home_id)
    row = tokens.ensure("home", home.id, current_user)
    return render_template(
        "feeds/link.html",
        title=_("Calendar of %(home)s", home=home.name),
        about=_(
            "Public events of this home (no family video calls, no children's data). Share it with volunteers, schools and the village committee."
        ),
        url=tokens.feed_url(row),
        rotate_url=url_for("feeds.rotate_home", home_id=home.id),
        back_url=url_for("homes.detail", home_id=home.id),
    )


@bp.post("/homes/<int:home_id>/rotate")
@role_required(ADMIN, COORDINATOR, HOME_MANAGER)
def rotate_home(home_id: int):
    home = home_for(current_user, home_id)
    tokens.rotate("home", home.id, current_user)
    flash(_("New link made; the old one no longer works."), "success")
    return redirect(url_for("feeds.home_link", home_id=home.id), code=303)


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or not services.may_manage_team_feed(current_user, team):
        abort(404)
    return team


@bp.get("/teams/<int:team_id>")
@role_required(ADMIN, COORDINATOR, VOLUNTEER)
def team_link(team_id: int):
    team = _team(team_id)
    row = tokens.ensure("team", team.id, current_user)
    return render_template(
        "feeds/link.html",
        title=_("Calendar of %(team)s", team=team.name),
        about=_("The posts this team is placed at."),
        url=tokens.feed_url(row),
        rotate_url=url_for("feeds.rotate_team", team_id=team.id),
        back_url=url_for("main.dashboard"),
    )


@bp.post("/teams/<int:team_id>/rotate")
@role_required(ADMIN, COORDINATOR, VOLUNTEER)
def rotate_team(team_id: int):
    team = _team(team_id)
    tokens.rotate("team", team.id, current_user)
    flash(_("New link made; the old one no longer works."), "success")
    return redirect(url_for("feeds.team_link", team_id=team.id), code=303)
