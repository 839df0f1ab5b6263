from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from webapp.fields import (
    REQUIRED,
    CheckboxListField,
    DateField,
    FloatField,
    Form,
    IntegerField,
    label_choices,
)
from webapp.labels import (
    DATE_RANGE_KIND_LABELS,
    GENDER_LABELS,
    TRANSPORT_LABELS,
    VETTING_LABELS,
    VOLUNTEER_KIND_LABELS,
    WEEKDAY_LABELS,
)


class ProfileForm(Form):
    kind = SelectField(
        _l("Kind"),
        choices=lambda: label_choices(VOLUNTEER_KIND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    phone = StringField(
        _l("Mobile phone"),
        validators=[
            Optional(),
            Regexp(r"^\+?[\d\s\-]{11,16}$", message=_l("Enter an 11-digit mobile number.")),
        ],
    )
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid e-mail address.")),
        ],
    )
    prefers_sms = BooleanField(_l("Send me messages by SMS rather than by e-mail"))
    gender = SelectField(_l("Gender (optional)"), choices=[], validators=[Optional()])
    skills = CheckboxListField(_l("Subjects and skills"), choices=[], validate_choice=True)
    # Helpers that fill the home base below; they are not stored, so any choice is accepted.
    township_id = SelectField(
        _l("Township"), choices=[], validators=[Optional()], validate_choice=False
    )
    village_id = SelectField(
        _l("Village"), choices=[], validators=[Optional()], validate_choice=False
    )
    place_name = StringField(_l("Place name"), validators=[Optional(), Length(max=100)])
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90, _l("Between -90 and 90."))],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180, _l("Between -180 and 180."))],
    )
    transport_mode = SelectField(
        _l("Transport"),
        choices=lambda: label_choices(TRANSPORT_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    max_travel_minutes = IntegerField(
        _l("Longest trip (minutes)"),
        default=45,
        validators=[InputRequired(REQUIRED), NumberRange(0, 300, _l("From 0 to 300."))],
    )
    max_sessions_per_week = IntegerField(
        _l("Most sessions per week"),
        default=2,
        validators=[InputRequired(REQUIRED), NumberRange(0, 21, _l("From 0 to 21."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, skill_choices=(), township_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.skills.choices = list(skill_choices)
        self.township_id.choices = [("", _l("— choose —"))] + list(township_choices)
        self.village_id.choices = [("", _l("— choose a township first —"))]
        self.gender.choices = [("", _l("Not given"))] + label_choices(GENDER_LABELS)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if (self.lat.data is None) != (self.lon.data is None):
            target = self.lon if self.lon.data is None else self.lat
            target.errors = [*target.errors, _l("Give both latitude and longitude, or neither.")]
            ok = False
        if not self.phone.data and not self.email.data:
            self.phone.errors = [*self.phone.errors, _l("Give a phone number or an e-mail.")]
            ok = False
        return ok


class WeeklySlotForm(Form):
    weekday = SelectField(_l("Day"), choices=[], coerce=int, validators=[InputRequired(REQUIRED)])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Enter a time."))])
    end = TimeField(_l("Until"), validators=[InputRequired(_l("Enter a time."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = [(day, str(label)) for day, label in enumerate(WEEKDAY_LABELS)]


class DateRangeForm(Form):
    kind = SelectField(
        _l("Kind"),
        choices=lambda: label_choices(DATE_RANGE_KIND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Until"), validators=[InputRequired(_l("Enter a date."))])


class VettingForm(Form):
    status = SelectField(
        _l("Status"),
        choices=lambda: label_choices(VETTING_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    cleared_on = DateField(_l("Cleared on"), validators=[Optional()])
    expires_on = DateField(_l("Expires on (default: two years later)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])


class SkillForm(Form):
    code = StringField(_l("Code (English letters)"), validators=[InputRequired(REQUIRED)])
    name_zh = StringField(_l("Chinese name"), validators=[InputRequired(REQUIRED), Length(max=60)])
    name_en = StringField(_l("English name"), validators=[InputRequired(REQUIRED), Length(max=60)])


class TeamForm(Form):
    name = StringField(_l("Team name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    college = StringField(_l("College"), validators=[InputRequired(REQUIRED), Length(max=100)])
    programme = StringField(
        _l("Programme (e.g. 2026 summer)"), validators=[Optional(), Length(max=60)]
    )
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])


class MemberForm(Form):
    volunteer_id = IntegerField(_l("Volunteer"), validators=[InputRequired(REQUIRED)])


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
