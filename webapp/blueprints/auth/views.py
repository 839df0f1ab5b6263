from __future__ import annotations

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
from flask_login import current_user, login_required, login_user, logout_user

from webapp.blueprints.auth import invitations, services
from webapp.blueprints.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
)
from webapp.extensions import limiter
from webapp.htmx import hx_redirect
from webapp.security import safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _demo_accounts() -> list[str]:
    from webapp.demo import demo_logins_visible

    return demo_logins_visible()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            # A language picked before logging in becomes the user's own choice.
            if user.locale is None and session.get("locale"):
                user.locale = session["locale"]
            return hx_redirect(next_url or url_for("main.dashboard"))
        form.password.errors.append(_("E-mail or password is wrong."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, demo_logins=_demo_accounts()), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_volunteer(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                kind=form.kind.data,
                phone=form.phone.data or None,
                locale=session.get("locale"),
            )
        except services.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            login_user(user)
            flash(_("Welcome! Your volunteer account is ready."), "success")
            return hx_redirect(url_for("main.dashboard"))
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


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
                locale=session.get("locale"),
            )
        except services.AccountError as error:
            form.email.errors.append(error.message)
        else:
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return hx_redirect(url_for("volunteers.my_profile"))
    status = 422 if form.errors else 200
    return render_template("auth/invite.html", form=form, volunteer=volunteer), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return hx_redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    services.log_out_everywhere(current_user)
    login_user(current_user._get_current_object())  # keep this session, new nonce
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
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return hx_redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form), status


@bp.post("/language")
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400, description=_("Unknown language."))
    if current_user.is_authenticated:
        current_user.locale = locale
    session["locale"] = locale
    return hx_redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
