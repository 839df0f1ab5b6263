"""My children (surrogate parents and class teachers alike): who is due, who is overdue, and
recording a contact in half a minute on a phone (one tap for a duty done today)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.blueprints.children import access, card, contacts
from webapp.blueprints.children.forms import QUICK_KIND_CODES, QuickContactForm
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError, profile_of
from webapp.extensions import db
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.inputs import parse_id
from webapp.models.accounts import HOME_MANAGER


def _page(profile, form: QuickContactForm, status: int = 200):
    mine = contacts.my_children(profile) if profile else []
    form.child_id.choices = [(m.child.id, m.child.pseudonym) for m in mine]
    # A home's managers find the cards of their homes' children here too.
    managed = (
        list(db.session.scalars(access.visible_children(current_user)))
        if current_user.has_role(HOME_MANAGER)
        else []
    )
    return render_template(
        "children/mine.html",
        mine=mine,
        managed=managed,
        form=form,
        profile=profile,
        today=clock.today(),
    ), status


@bp.get("/mine")
@login_required
def mine():
    profile = profile_of(current_user)
    form = QuickContactForm(formdata=None)
    form.happened_on.data = clock.today()
    form.child_id.data = parse_id(request.args.get("child_id"))
    if request.args.get("kind") in QUICK_KIND_CODES:
        form.kind.data = request.args["kind"]
    return _page(profile, form)


@bp.post("/mine/contacts")
@login_required
def mine_contact():
    profile = profile_of(current_user)
    if profile is None:
        abort(404)
    form = QuickContactForm()
    form.child_id.choices = [(m.child.id, m.child.pseudonym) for m in contacts.my_children(profile)]
    if form.validate_on_submit():
        child = next(
            (m.child for m in contacts.my_children(profile) if m.child.id == form.child_id.data),
            None,
        )
        if child is None:
            abort(404)
        try:
            contacts.record_contact(
                child,
                kind=form.kind.data,
                happened_on=form.happened_on.data,
                note=form.note.data or "",
                author=current_user,
                volunteer=profile,
                duty=card.duty_of(child, parse_id(form.duty_id.data)),
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Contact recorded."), "success")
            return hx_redirect(url_for("children.mine"))
    return _page(profile, form, 422)
