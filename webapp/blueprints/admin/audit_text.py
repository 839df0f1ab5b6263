"""The audit log as sentences in the reader's language: who did what to whom, with links.

Each action has a sentence ("%(actor)s changed the vetting of %(object)s to %(status)s": 协调员 王芳
将张伟的审核状态改为已通过). An action without a sentence yet (features add actions over time, such
as plans and pairings) still reads sensibly: the actor, the object and the changed fields.
To give a new action its sentence, add it to SENTENCES (and its values to the catalogue).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from webapp.blueprints.admin.audit_values import Change, changes_of, references, value_text
from webapp.extensions import db
from webapp.labels import ROLE_LABELS
from webapp.models import (
    Assignment,
    AuditLog,
    Child,
    Home,
    Need,
    Pairing,
    Plan,
    Post,
    Programme,
    Room,
    Skill,
    Team,
    User,
    Volunteer,
)
from webapp.models.accounts import ADMIN, COORDINATOR
from webapp.security import can_open

# Role order for naming an actor: the most senior role first.
ROLE_ORDER = ("admin", "coordinator", "home_manager", "volunteer")

OBJECT_TYPE_LABELS = {
    "user": _l("account"),
    "volunteer": _l("volunteer"),
    "team": _l("team"),
    "home": _l("children's home"),
    "room": _l("room"),
    "child": _l("child"),
    "pairing": _l("pairing"),
    "skill": _l("skill"),
    "programme": _l("programme"),
    "plan": _l("plan"),
    "post": _l("post"),
    "need": _l("volunteer need"),
    "assignment": _l("assignment"),
    "setting": _l("setting"),
}

SENTENCES = {
    "user.register": _l("%(object)s created an account"),
    "user.roles_changed": _l("%(actor)s changed the roles of %(object)s to %(roles)s"),
    "user.password_changed": _l("%(actor)s changed the password of %(object)s"),
    "user.sessions_revoked": _l("%(actor)s signed %(object)s out on every device"),
    "volunteer.create": _l("%(actor)s added the volunteer %(object)s"),
    "volunteer.update": _l("%(actor)s edited the profile of %(object)s"),
    "volunteer.vetting": _l("%(actor)s changed the vetting status of %(object)s to %(status)s"),
    "volunteer.import": _l("%(actor)s imported volunteers: %(created)s new, %(updated)s updated"),
    "volunteer.invited": _l("%(actor)s made a sign-in link for %(object)s"),
    "skill.create": _l("%(actor)s added the skill %(object)s"),
    "team.create": _l("%(actor)s created the team %(object)s"),
    "team.update": _l("%(actor)s edited the team %(object)s"),
    "team.member_added": _l("%(actor)s added %(volunteer)s to the team %(object)s"),
    "team.member_removed": _l("%(actor)s removed %(volunteer)s from the team %(object)s"),
    "team.leader": _l("%(actor)s made %(leader)s the leader of %(object)s"),
    "home.create": _l("%(actor)s created the children's home %(object)s"),
    "home.update": _l("%(actor)s edited the children's home %(object)s"),
    "closure.add": _l("%(actor)s closed %(object)s from %(starts_on)s to %(ends_on)s"),
    "room.update": _l("%(actor)s changed the room %(object)s"),
    "child.create": _l("%(actor)s added the child %(object)s"),
    "child.update": _l("%(actor)s edited the child %(object)s"),
    "pairing.create": _l("%(actor)s paired %(object)s"),
    "pairing.end": _l("%(actor)s ended the pairing %(object)s"),
    "child.view": _l("%(actor)s read the record of %(object)s"),
    "child.export": _l("%(actor)s downloaded the data of %(object)s"),
    "child.erase": _l("%(actor)s erased the data of %(object)s"),
    "child.household": _l("%(actor)s changed the household of %(object)s"),
    "programme.created": _l("%(actor)s created the programme %(object)s"),
    "programme.saved": _l("%(actor)s edited the programme %(object)s"),
    "programme.copied": _l("%(actor)s made %(object)s as a copy of an earlier programme"),
    "programme.volunteers_added": _l("%(actor)s added volunteers to %(object)s"),
    "programme.volunteer_removed": _l("%(actor)s removed a volunteer from %(object)s"),
    "programme.teams_set": _l("%(actor)s chose the teams of %(object)s"),
    "post.created": _l("%(actor)s added the post %(object)s"),
    "post.changed": _l("%(actor)s edited the post %(object)s"),
    "post.cancelled": _l("%(actor)s cancelled the post %(object)s"),
    "post.signup": _l("%(actor)s opened or closed %(object)s for sign-up"),
    "need.signup": _l("%(actor)s opened or closed %(object)s for sign-up"),
    "solve.started": _l("%(actor)s started a solve of %(object)s"),
    "solve.cancelled": _l("%(actor)s cancelled a solve of %(object)s"),
    "plan.proposed": _l("The solver proposed %(object)s"),
    "plan.published": _l("%(actor)s published %(object)s"),
    "plan.discarded": _l("%(actor)s discarded %(object)s"),
    "plan.pinned": _l("%(actor)s pinned an assignment in %(object)s"),
    "plan.unpinned": _l("%(actor)s unpinned an assignment in %(object)s"),
    "plan.call_moved": _l("%(actor)s moved a family's video call in %(object)s"),
    "plan.visit_moved": _l("%(actor)s moved a home visit in %(object)s"),
    "visit.recorded": _l("%(actor)s recorded a home visit of %(object)s"),
    "video_call.not_held": _l("%(actor)s noted that the video call of %(object)s was not held"),
    "plan.forbidden": _l("%(actor)s kept someone away from a place in %(object)s"),
    "plan.moved": _l("%(actor)s moved someone by hand in %(object)s"),
    "plan.added": _l("%(actor)s added someone by hand to %(object)s"),
    "plan.removed": _l("%(actor)s took someone out of %(object)s"),
    "plan.messaged": _l("%(actor)s sent a message to the people of %(object)s"),
    "assignment.withdrawn": _l("%(actor)s recorded a withdrawal from %(object)s"),
    "assignment.swap": _l("%(actor)s took over %(object)s in a swap"),
    "settings.sms_daily_cap": _l("%(actor)s changed the daily SMS cap"),
    "assignment.date_skipped": _l("%(actor)s will not come to one date of %(object)s"),
}


@dataclass
class Described:
    entry: AuditLog
    sentence: Markup
    changes: list[Change] = field(default_factory=list)
    history_url: str | None = None


class _Names:
    """Names and links of the objects on one page of the log, loaded with one query per type."""

    LOADERS = {
        "user": (User, lambda u: u.name),
        "volunteer": (Volunteer, lambda v: v.name),
        "team": (Team, lambda t: t.name),
        "home": (Home, lambda h: h.name),
        "room": (Room, lambda r: f"{r.home.name} · {r.name}"),
        "child": (Child, lambda c: c.pseudonym),
        "pairing": (
            Pairing,
            lambda p: _(
                "%(volunteer)s and %(child)s", volunteer=p.volunteer.name, child=p.child.pseudonym
            ),
        ),
        "skill": (Skill, lambda s: s.label(str(get_locale()))),
        "programme": (Programme, lambda p: p.name),
        "plan": (
            Plan,
            lambda p: _("plan #%(id)s of %(programme)s", id=p.id, programme=p.programme.name),
        ),
        "post": (Post, lambda p: p.name),
        "need": (Need, lambda n: n.event.title),
        "assignment": (
            Assignment,
            lambda a: _(
                "%(volunteer)s at %(target)s",
                volunteer=a.volunteer.name,
                target=a.post.name if a.post else a.need.event.title,
            ),
        ),
    }

    def __init__(self, entries: list[AuditLog]) -> None:
        wanted: dict[str, set[int]] = defaultdict(set)
        for entry in entries:
            if entry.object_id is not None:
                wanted[entry.object_type].add(entry.object_id)
            for snapshot in (entry.before, entry.after):
                for kind, found in references(snapshot).items():
                    wanted[kind] |= found
        self.objects: dict[tuple[str, int], Any] = {}
        for kind, ids in wanted.items():
            if kind not in self.LOADERS:
                continue
            model = self.LOADERS[kind][0]
            for obj in db.session.scalars(select(model).where(model.id.in_(sorted(ids)))):
                self.objects[(kind, obj.id)] = obj

    def name(self, kind: str, object_id: int | None, snapshot: dict | None = None) -> str | None:
        obj = self.objects.get((kind, object_id)) if object_id is not None else None
        if obj is not None:
            return self.LOADERS[kind][1](obj)
        return (snapshot or {}).get("name")

    def link(self, kind: str, object_id: int | None) -> str | None:
        """The object's own page, when the reader may open it (else None)."""
        obj = self.objects.get((kind, object_id)) if object_id is not None else None
        if obj is None:
            return None
        # (endpoint, arguments, roles that may open this object's page: the page checks more
        # than its role, e.g. a volunteer's profile is for coordinators and its owner).
        target = {
            "user": ("admin.users", {"q": getattr(obj, "email", "")}, (ADMIN,)),
            "volunteer": ("volunteers.detail", {"volunteer_id": object_id}, (COORDINATOR,)),
            "team": ("volunteers.team_detail", {"team_id": object_id}, (COORDINATOR,)),
            "home": ("homes.detail", {"home_id": object_id}, (ADMIN, COORDINATOR)),
            "room": ("homes.detail", {"home_id": getattr(obj, "home_id", 0)}, (ADMIN, COORDINATOR)),
            "child": ("children.child_edit", {"child_id": object_id}, (COORDINATOR,)),
            "pairing": ("children.pairing_detail", {"pairing_id": object_id}, (COORDINATOR,)),
            "programme": ("planning.programme", {"programme_id": object_id}, (COORDINATOR,)),
            "plan": ("planning.plan", {"plan_id": object_id}, (COORDINATOR,)),
        }.get(kind)
        if target is None or not can_open(target[0]) or not current_user.has_role(*target[2]):
            return None
        return url_for(target[0], **target[1])

    def phrase(self, kind: str, object_id: int | None, snapshot: dict | None = None) -> Markup:
        """The object as the sentence names it, a link where the reader may follow it."""
        name = self.name(kind, object_id, snapshot)
        if name is None:
            type_label = str(OBJECT_TYPE_LABELS.get(kind, kind))
            name = f"{type_label} #{object_id}" if object_id is not None else type_label
        url = self.link(kind, object_id)
        if url:
            return Markup('<a href="{}">{}</a>').format(url, name)
        return Markup("<strong>{}</strong>").format(name)


def actor_phrase(user: User | None) -> Markup:
    """协调员 王芳: the actor's most senior role, then the name; the system when nobody."""
    if user is None:
        return Markup("<strong>{}</strong>").format(_("The system"))
    role = next((r for r in ROLE_ORDER if r in user.roles), None)
    if role is None or str(ROLE_LABELS[role]) in user.name:  # "县协调员 周明" names it already
        return Markup("<strong>{}</strong>").format(user.name)
    return Markup("{} <strong>{}</strong>").format(ROLE_LABELS[role], user.name)


def describe(entries: list[AuditLog]) -> list[Described]:
    names = _Names(entries)
    described = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        values: dict[str, Any] = {
            "actor": actor_phrase(entry.actor),
            "object": names.phrase(entry.object_type, entry.object_id, after or before),
        }
        for key in ("volunteer_id", "leader_id"):
            ref = after.get(key, before.get(key))
            if isinstance(ref, int):
                values[key.removesuffix("_id")] = names.phrase("volunteer", ref)
        values["status"] = Markup("<strong>{}</strong>").format(
            value_text("status", after.get("status"), names, entry)
        )
        values["roles"] = Markup("<strong>{}</strong>").format(
            value_text("roles", after.get("roles"), names, entry)
        )
        for key in ("created", "updated", "starts_on", "ends_on"):
            values[key] = escape(str(after.get(key, "")))
        template = SENTENCES.get(entry.action)
        if template is not None:
            try:
                sentence = Markup(escape(str(template)) % values)
            except (KeyError, ValueError, TypeError):
                template = None
        if template is None:
            sentence = Markup(
                escape(_("%(actor)s: %(action)s, %(object)s"))
                % {
                    "actor": values["actor"],
                    "action": Markup("<code>{}</code>").format(entry.action),
                    "object": values["object"],
                }
            )
        history = None
        if entry.object_id is not None:
            history = url_for("admin.audit_log", object=f"{entry.object_type}:{entry.object_id}")
        described.append(Described(entry, sentence, changes_of(entry, names), history))
    return described
