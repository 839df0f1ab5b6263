"""Summer posts of a programme: add, edit, cancel, and the sign-up switch."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from webapp.blueprints.planning import posts as post_rules
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import PostForm
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import refused, signup_switched
from webapp.extensions import db
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.inputs import parse_id
from webapp.models import Home, Skill
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def _form(post=None) -> PostForm:
    form = PostForm(obj=post)
    form.home_id.choices = [SelectChoice("", _("None (a village school)"))] + [
        SelectChoice(str(h.id), h.name)
        for h in db.session.scalars(select(Home).order_by(Home.name))
    ]
    if post is not None and not form.is_submitted():
        form.home_id.data = str(post.home_id or "")
    return form


def _skills() -> list[Skill]:
    return list(db.session.scalars(select(Skill).order_by(Skill.code)))


def _skill_counts() -> dict[int, int]:
    counts = {}
    for skill in _skills():
        raw = request.form.get(f"skill_{skill.id}", "").strip()
        if raw:
            try:
                counts[skill.id] = int(raw)
            except ValueError:
                raise PlanningError(_("Skill counts are whole numbers."), field="skills") from None
    return counts


def _input(form: PostForm) -> post_rules.PostInput:
    return post_rules.PostInput(
        name=form.name.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        beds=form.beds.data,
        min_headcount=form.min_headcount.data,
        preferred_headcount=form.preferred_headcount.data,
        max_headcount=form.max_headcount.data,
        home_id=parse_id(form.home_id.data),
        address=form.address.data or "",
        lat=form.lat.data,
        lon=form.lon.data,
        need_leader=bool(form.need_leader.data),
        need_cleared_adult=bool(form.need_cleared_adult.data),
        vetting_required=bool(form.vetting_required.data),
        max_travel_minutes=form.max_travel_minutes.data,
        notes=form.notes.data or "",
        skill_counts=_skill_counts(),
    )


def _page(programme, post, form, status=200):
    counts = {sc.skill_id: sc.count for sc in post.skill_counts} if post is not None else {}
    if form.is_submitted():
        counts = {s.id: request.form.get(f"skill_{s.id}", "") for s in _skills()}
    return render_template(
        "planning/post_form.html",
        programme=programme,
        post=post,
        form=form,
        skills=_skills(),
        counts=counts,
    ), status


@bp.route("/programmes/<int:programme_id>/posts/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def new_post(programme_id: int):
    programme = svc.programme_or_404(programme_id)
    form = _form()
    if request.method == "GET":
        form.starts_on.data, form.ends_on.data = programme.starts_on, programme.starts_on
    return _save_post(programme, None, form)


@bp.route("/programmes/<int:programme_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@role_required(COORDINATOR)
def edit_post(programme_id: int, post_id: int):
    programme = svc.programme_or_404(programme_id)
    post = svc.post_or_404(programme, post_id)
    return _save_post(programme, post, _form(post))


def _save_post(programme, post, form):
    if programme.kind != "summer":
        return refused(PlanningError(_("Only summer programmes have posts."), 409))
    if form.validate_on_submit():
        try:
            saved = post_rules.save_post(programme, post, _input(form))
        except PlanningError as error:
            form_error(form, error)
        else:
            flash(_("Post %(name)s saved.", name=saved.name), "success")
            return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#posts")
    return _page(programme, post, form, 422 if form.is_submitted() else 200)


@bp.route("/programmes/<int:programme_id>/posts/<int:post_id>/cancel", methods=["GET", "POST"])
@role_required(COORDINATOR)
def cancel_post(programme_id: int, post_id: int):
    """GET: ask first; POST: cancel (people placed there are moved by the next re-plan)."""
    programme = svc.programme_or_404(programme_id)
    if request.method == "GET":
        post = svc.post_or_404(programme, post_id)
        return render_template(
            "_confirm.html",
            heading=_("Cancel the post %(name)s?", name=post.name),
            text=_("The post stays listed as cancelled; a re-plan moves the people placed there."),
            action=url_for("planning.cancel_post", programme_id=programme.id, post_id=post.id),
            button=_("Cancel post"),
            back=url_for("planning.programme", programme_id=programme.id) + "#posts",
        )
    try:
        post = post_rules.cancel_post(svc.post_or_404(programme, post_id))
    except PlanningError as error:
        return refused(error)
    flash(
        _("Post %(name)s cancelled. Re-plan to move the people placed there.", name=post.name),
        "success",
    )
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#posts")


@bp.post("/programmes/<int:programme_id>/posts/<int:post_id>/signup")
@role_required(COORDINATOR)
def post_signup(programme_id: int, post_id: int):
    programme = svc.programme_or_404(programme_id)
    try:
        post = post_rules.set_post_signup(
            svc.post_or_404(programme, post_id), request.form.get("open") == "1"
        )
    except PlanningError as error:
        return refused(error)
    signup_switched(post.open_for_signup)
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#posts")
