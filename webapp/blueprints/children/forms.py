"""Forms of the child record, pairings and the care log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from webapp.fields import REQUIRED, DateField, Form, label_choices
from webapp.labels import AGE_BAND_LABELS, CARE_LOG_KIND_LABELS


class ChildForm(Form):
    pseudonym = StringField(
        _l("Pseudonym or initials"),
        validators=[InputRequired(REQUIRED), Length(max=20)],
        description=_l("No real name, photo, ID number or address."),
    )
    age_band = SelectField(
        _l("Age band"),
        choices=lambda: label_choices(AGE_BAND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    home_id = SelectField(
        _l("Children's home"), choices=[], coerce=int, validators=[InputRequired(REQUIRED)]
    )
    guardian_consent = BooleanField(_l("Guardian consent given"))
    consent_on = DateField(_l("Consent date"), validators=[Optional()])


class PairingForm(Form):
    volunteer_id = SelectField(
        _l("Surrogate parent"), choices=[], coerce=int, validators=[InputRequired(REQUIRED)]
    )
    child_id = SelectField(
        _l("Child"), choices=[], coerce=int, validators=[InputRequired(REQUIRED)]
    )
    started_on = DateField(_l("Start"), validators=[Optional()])
    weekly_talk = BooleanField(_l("Weekly talk (每周谈心)"), default=True)
    monthly_visit = BooleanField(_l("Monthly home visit (每月家访)"), default=True)


class CareLogForm(Form):
    happened_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    kind = SelectField(
        _l("Contact"),
        choices=lambda: label_choices(CARE_LOG_KIND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    note = StringField(_l("One-line note"), validators=[Optional(), Length(max=200)])
