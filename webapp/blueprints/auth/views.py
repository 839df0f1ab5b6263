from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock, login_sessions, throttle
from webapp.blueprints.auth import invitations, registration, services
from webapp.blueprints.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    FinishRegistrationForm,
    LoginForm,
    RegisterForm,
)
from webapp.core.demo_county import demo_logins_visible
from webapp.extensions import limiter
from webapp.htmx import hx_redirect
from webapp.i18n import select_locale
from webapp.offline import forget_offline
from webapp.security import safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _register_email_limit() -> str:
    return current_app.config["REGISTER_EMAIL_RATE_LIMIT"]


def _register_email_key() -> str:
    # Per address typed too, so that nobody floods one mailbox from many places.
    email = (request.form.get("email") or "").strip().lower()
    return "register-email:" + hashlib.sha256(email.encode()).hexdigest()


def _too_many_attempts(form: LoginForm, seconds: int):
    """The form again, with how long to wait: the person can try once the time has passed."""
    form.password.errors.append(
        _("Too many failed attempts from here. Wait %(num)d seconds, then try again.", num=seconds)
    )
    page = render_template("auth/login.html", form=form, demo_logins=demo_logins_visible())
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next"))
    if form.validate_on_submit():
        address, email = request.remote_addr or "", form.email.data
        wait = throttle.seconds_to_wait(address, email)
        if wait:
            return _too_many_attempts(form, wait)
        user = services.authenticate(email, form.password.data)
        if user is not None:
            throttle.record_success(address, email)
            login_sessions.start(user, remember=bool(form.remember.data))
            # A language picked before logging in becomes the user's own choice.
            if user.locale is None and session.get("locale"):
                user.locale = session["locale"]
            return hx_redirect(next_url or url_for("main.dashboard"))
        throttle.record_failure(address, email)
        form.password.errors.append(_("E-mail or password is wrong."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, demo_logins=demo_logins_visible()), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@limiter.limit(_register_email_limit, methods=["POST"], key_func=_register_email_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        registration.request_registration(
            registration.Registration(
                email=form.email.data.strip().lower(),
                name=form.name.data.strip(),
                kind=form.kind.data,
                phone=form.phone.data or None,
                locale=session.get("locale") or select_locale(),
            )
        )
        return render_template("auth/register_sent.html", email=form.email.data.strip())
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_registration(token: str):
    if current_user.is_authenticated:
        flash(_("You are logged in already."), "info")
        return redirect(url_for("main.dashboard"))
    details = registration.read_token(token)
    if details is None:
        abort(
            404,
            description=_(
                "This registration link is unknown or older than 24 hours. Please register again."
            ),
        )
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        try:
            user, phone_kept = services.register_volunteer(
                name=details.name,
                email=details.email,
                password=form.password.data,
                kind=details.kind,
                phone=details.phone,
                locale=details.locale,
            )
        except services.AccountError as error:
            abort(409, description=error.message)
        login_sessions.start(user)
        flash(_("Welcome! Your volunteer account is ready."), "success")
        if details.phone and not phone_kept:
            flash(
                _(
                    "We did not save your phone number: it belongs to a profile a coordinator"
                    " created. If that profile is yours, ask your coordinator for an invitation"
                    " link."
                ),
                "warning",
            )
        return hx_redirect(url_for("main.dashboard"))
    status = 422 if form.errors else 200
    return render_template("auth/register_finish.html", form=form, details=details), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    if current_user.is_authenticated:
        flash(_("You are logged in already. Log out to use an invitation link."), "warning")
        return redirect(url_for("main.dashboard"))
    invitation = invitations.open_invitation(token)
    if invitation is None:
        abort(
            404,
            description=_(
                "This invitation link is unknown, used or expired. Ask your coordinator for a new one."
            ),
        )
    volunteer = invitation.volunteer
    form = AcceptInvitationForm(
        data=None if request.method == "POST" else {"email": volunteer.email}
    )
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                invitation,
                email=form.email.data,
                password=form.password.data,
                # The language they read the invitation in (chosen, or their browser's), so
                # that their messages come in it too.
                locale=session.get("locale") or select_locale(),
            )
        except services.AccountError as error:
            form.email.errors.append(error.message)
        else:
            login_sessions.start(user)
            flash(_("Welcome! Your account is ready."), "success")
            return hx_redirect(url_for("volunteers.my_profile"))
    status = 422 if form.errors else 200
    return render_template("auth/invite.html", form=form, volunteer=volunteer), status


@bp.post("/logout")
@login_required
def logout():
    login_sessions.end_current()
    flash(_("You have logged out."), "info")
    # The phone forgets the offline copy of My schedule (webapp/offline.py).
    return forget_offline(hx_redirect(url_for("auth.login")))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    services.log_out_everywhere(current_user)
    flash(_("All your other sessions have been logged out."), "success")
    return hx_redirect(url_for("auth.account"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return hx_redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    sessions = [
        (
            s,
            login_sessions.device_label(s.user_agent),
            clock.to_china(s.last_seen_at).strftime("%Y-%m-%d %H:%M"),
        )
        for s in login_sessions.sessions_of(current_user)
    ]
    return render_template(
        "auth/account.html", form=form, sessions=sessions, this_session=login_sessions.current()
    ), status


@bp.post("/language")
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400, description=_("Unknown language."))
    if current_user.is_authenticated:
        current_user.locale = locale
    session["locale"] = locale
    return hx_redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
