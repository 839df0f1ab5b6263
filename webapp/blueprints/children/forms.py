"""Forms of the child record, pairings and the care log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.fields import REQUIRED, DateField, FloatField, Form, IntegerField, label_choices
from webapp.labels import (
    AGE_BAND_LABELS,
    CARE_LOG_KIND_LABELS,
    CHILD_TIME_KIND_LABELS,
    GUARDIANSHIP_LABELS,
    PAIRING_ROLE_LABELS,
    PRIORITY_LABELS,
    SEX_LABELS,
    WEEKDAY_LABELS,
)


def _blank_first(labels: dict) -> list[tuple[str, str]]:
    return [("", "—"), *label_choices(labels)]


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
    report_consent = BooleanField(_l("Consent to counting the child in reports"))
    real_name = StringField(
        _l("Real name (optional)"),
        validators=[Optional(), Length(max=50)],
        description=_l("Shown only to coordinators and administrators."),
    )
    sex = SelectField(_l("Sex"), choices=lambda: _blank_first(SEX_LABELS), default="")
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional()])
    school = StringField(_l("School"), validators=[Optional(), Length(max=100)])
    grade = StringField(_l("Grade and class"), validators=[Optional(), Length(max=20)])
    village = StringField(_l("Village"), validators=[Optional(), Length(max=50)])
    guardian_name = StringField(_l("Guardian's name"), validators=[Optional(), Length(max=50)])
    guardian_relation = StringField(
        _l("Guardian's relation to the child"), validators=[Optional(), Length(max=20)]
    )
    guardian_phone = StringField(_l("Guardian's phone"), validators=[Optional(), Length(max=20)])
    guardianship = SelectField(
        _l("Guardianship assessment"), choices=lambda: _blank_first(GUARDIANSHIP_LABELS), default=""
    )
    father_work_city = StringField(
        _l("Father works in (city)"), validators=[Optional(), Length(max=50)]
    )
    father_phone = StringField(_l("Father's phone"), validators=[Optional(), Length(max=20)])
    father_last_home_on = DateField(_l("Father last home on"), validators=[Optional()])
    mother_work_city = StringField(
        _l("Mother works in (city)"), validators=[Optional(), Length(max=50)]
    )
    mother_phone = StringField(_l("Mother's phone"), validators=[Optional(), Length(max=20)])
    mother_last_home_on = DateField(_l("Mother last home on"), validators=[Optional()])
    priority = SelectField(
        _l("Priority"), choices=lambda: _blank_first(PRIORITY_LABELS), default=""
    )
    priority_reason = StringField(
        _l("Reason for the priority"), validators=[Optional(), Length(max=200)]
    )
    next_review_on = DateField(_l("Next care plan review"), validators=[Optional()])
    guardian_call = BooleanField(_l("Monthly call with the guardian"))
    video_call = BooleanField(_l("Weekly family video call (亲情视频)"))


class GoalForm(Form):
    goal = StringField(_l("Goal"), validators=[InputRequired(REQUIRED), Length(max=200)])
    who = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    action = StringField(_l("Does what"), validators=[Optional(), Length(max=200)])
    due_on = DateField(_l("By when"), validators=[Optional()])
    done_on = DateField(_l("Done on"), validators=[Optional()])
    result = TextAreaField(_l("Result"), validators=[Optional(), Length(max=2000)])


class PairingForm(Form):
    role = SelectField(
        _l("Pair as"), choices=lambda: label_choices(PAIRING_ROLE_LABELS), default="surrogate"
    )
    volunteer_id = SelectField(
        _l("Carer"), choices=[], coerce=int, validators=[InputRequired(REQUIRED)]
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


QUICK_KIND_CODES = ("talk", "visit", "call", "meeting")


class QuickContactForm(Form):
    """Half a minute on a phone: which child, kind, when, one line."""

    # Not one of the carer's children: the view answers 404, not a form error.
    child_id = SelectField(
        _l("Child"),
        choices=[],
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(REQUIRED)],
    )
    kind = SelectField(
        _l("Contact"),
        choices=lambda: [(c, str(CARE_LOG_KIND_LABELS[c])) for c in QUICK_KIND_CODES],
        validators=[InputRequired(REQUIRED)],
    )
    happened_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    note = StringField(_l("One-line note"), validators=[Optional(), Length(max=200)])
    duty_id = HiddenField()


class WeeklyTimeForm(Form):
    """A weekly window on the card: the parents' free time or the school timetable."""

    kind = SelectField(
        _l("Kind"),
        choices=lambda: label_choices(CHILD_TIME_KIND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    weekday = SelectField(
        _l("Day"),
        choices=lambda: [(day, str(label)) for day, label in enumerate(WEEKDAY_LABELS)],
        coerce=int,
        validators=[InputRequired(REQUIRED)],
    )
    start = TimeField(_l("From"), validators=[InputRequired(_l("Enter a time."))])
    end = TimeField(_l("Until"), validators=[InputRequired(_l("Enter a time."))])


class HouseholdChoiceForm(Form):
    # 0: no household. Another home's household is refused by the service.
    household_id = SelectField(_l("Household"), choices=[], coerce=int, validate_choice=False)


class HouseholdForm(Form):
    label = StringField(
        _l("Household label"),
        validators=[InputRequired(REQUIRED), Length(max=50)],
        description=_l("A label the staff recognise, without a name (e.g. 石门村 三组 1)."),
    )
    village = StringField(_l("Village"), validators=[Optional(), Length(max=50)])
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90, _l("Between -90 and 90."))],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180, _l("Between -180 and 180."))],
    )


def household_choice_form(child, choices, formdata=None) -> HouseholdChoiceForm:
    """The household select: none, or one of `choices` (households of the home's children)."""
    form = HouseholdChoiceForm(formdata=formdata)
    form.household_id.choices = [(0, "—"), *((h.id, h.label) for h in choices)]
    if formdata is None:
        form.household_id.data = child.household_id or 0
    return form


def family_forms(child, choices) -> dict:
    """The card's empty forms of the video-call times and the household."""
    return {
        "times_form": WeeklyTimeForm(formdata=None, prefix="time"),
        "choice_form": household_choice_form(child, choices),
        "household_form": HouseholdForm(formdata=None, prefix="household"),
    }
