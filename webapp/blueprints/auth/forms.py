from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp

from webapp.security import MIN_PASSWORD_LENGTH, WEAK_PASSWORD_MESSAGE

REQUIRED = _l("This field is required.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])
    remember = BooleanField(_l("Keep me logged in on this device"))


def volunteer_kind_choices():
    return [
        ("surrogate_parent", _l("Surrogate parent (代理家长)")),
        ("teacher", _l("Teacher")),
        ("college_student", _l("College student")),
        ("community", _l("Community member")),
    ]


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(REQUIRED),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class PasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=WEAK_PASSWORD_MESSAGE),
        ],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[InputRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class NewAccountForm(PasswordForm):
    """The log-in e-mail and a new password: what an invited volunteer's account needs."""

    email = _email_field()


class RegisterForm(FlaskForm):
    """Step 1 of registering: who you are; the password comes with the link we send."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    email = _email_field()
    phone = StringField(
        _l("Mobile phone (optional)"),
        validators=[
            Optional(),
            Regexp(r"^1\d{10}$", message=_l("Enter an 11-digit mobile number.")),
        ],
    )
    kind = SelectField(
        _l("I am a"), choices=volunteer_kind_choices, validators=[InputRequired(REQUIRED)]
    )


class FinishRegistrationForm(PasswordForm):
    """Step 2: the password, chosen by whoever opened the link in the mailbox."""


class AcceptInvitationForm(NewAccountForm):
    """An invited volunteer's account: the profile (name, phone, kind) exists already."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(REQUIRED)])
    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=WEAK_PASSWORD_MESSAGE),
        ],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("new_password", _l("The two passwords differ.")),
        ],
    )
