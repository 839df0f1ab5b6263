"""Forms of the planning pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.blueprints.planning.runs import TIME_LIMITS
from webapp.fields import REQUIRED, CheckboxListField, DateField, FloatField, Form, IntegerField
from webapp.labels import PROGRAMME_KIND_LABELS, VOLUNTEER_KIND_LABELS, weekday_label

KIND_LABELS = PROGRAMME_KIND_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class ProgrammeForm(Form):
    kind = SelectField(
        _l("Kind"), choices=lambda: _choices(KIND_LABELS), validators=[InputRequired(REQUIRED)]
    )
    name = StringField(_l("Programme name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    starts_on = DateField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    homes = CheckboxListField(
        _l("Children's homes (tutoring, video calls, home visits)"),
        choices=[],
        coerce=int,
        validate_choice=True,
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    # Video-call rota
    slot_minutes = IntegerField(
        _l("Minutes per call"), default=20, validators=[Optional(), NumberRange(5, 120)]
    )
    holiday = BooleanField(_l("School holiday (the school timetable does not apply)"))
    # Home visits
    max_visits_per_day = IntegerField(
        _l("Visits per pair and day, at most"),
        default=6,
        validators=[Optional(), NumberRange(1, 20)],
    )
    max_travel_minutes = IntegerField(
        _l("Travel per pair and day, at most (minutes)"),
        default=240,
        validators=[Optional(), NumberRange(10, 720)],
    )
    mixed_pairs = BooleanField(_l("Pairs of one woman and one man"))

    SETTINGS = {
        "video_calls": ("slot_minutes", "holiday"),
        "home_visits": ("max_visits_per_day", "max_travel_minutes", "mixed_pairs"),
    }

    def settings_for(self, kind: str) -> dict:
        """The kind's settings as given (empty numbers take the kind's defaults)."""
        out = {}
        for name in self.SETTINGS.get(kind, ()):
            value = self[name].data
            if value is not None:
                out[name] = value
        return out

    def show_settings(self, programme) -> None:
        if programme is None or self.is_submitted():
            return
        for name in self.SETTINGS.get(programme.kind, ()):
            self[name].data = programme.setting(name)


class PostForm(Form):
    name = StringField(_l("Post name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    home_id = SelectField(_l("Children's home"), choices=[], validators=[Optional()])
    address = StringField(_l("Village school or address"), validators=[Optional(), Length(max=200)])
    lat = FloatField(
        _l("Latitude"), validators=[Optional(), NumberRange(-90, 90)], render_kw={"step": "any"}
    )
    lon = FloatField(
        _l("Longitude"), validators=[Optional(), NumberRange(-180, 180)], render_kw={"step": "any"}
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    beds = IntegerField(_l("Beds"), validators=[InputRequired(REQUIRED), NumberRange(0, 500)])
    min_headcount = IntegerField(
        _l("Fewest people"), validators=[InputRequired(REQUIRED), NumberRange(0, 500)]
    )
    preferred_headcount = IntegerField(
        _l("Preferred headcount"), validators=[Optional(), NumberRange(0, 500)]
    )
    max_headcount = IntegerField(
        _l("Most people"), validators=[InputRequired(REQUIRED), NumberRange(1, 500)]
    )
    need_leader = BooleanField(_l("Needs a leader"), default=True)
    need_cleared_adult = BooleanField(_l("Needs a cleared adult"), default=True)
    vetting_required = BooleanField(_l("Everyone must be cleared"), default=True)
    max_travel_minutes = IntegerField(
        _l("Longest journey (minutes)"), validators=[Optional(), NumberRange(0, 1440)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class AddByKindForm(Form):
    kind = SelectField(
        _l("Kind"),
        choices=lambda: _choices(VOLUNTEER_KIND_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    cleared_only = BooleanField(_l("Only volunteers cleared on the first day"), default=True)


class TeamsForm(Form):
    teams = CheckboxListField(_l("Teams"), choices=[], coerce=int, validate_choice=True)


class SolveForm(Form):
    time_limit = SelectField(
        _l("Search for at most"),
        choices=lambda: [SelectChoice(str(s), _l("%(s)s seconds", s=s)) for s in TIME_LIMITS],
        default="30",
    )


class MessageForm(Form):
    subject = StringField(_l("Subject"), validators=[InputRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(REQUIRED), Length(max=5000)])


class SessionForm(Form):
    """A weekly session with its volunteer need, booked over the programme's dates."""

    room_id = SelectField(_l("Home and room"), choices=[], validators=[InputRequired(REQUIRED)])
    weekday = SelectField(
        _l("Weekday"),
        choices=lambda: [SelectChoice(str(d), weekday_label(d)) for d in range(7)],
        validators=[InputRequired(REQUIRED)],
    )
    start = TimeField(_l("Starts at"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("Ends at"), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Activity"), validators=[Optional(), Length(max=100)])
    skill_id = SelectField(_l("Subject"), choices=[], validators=[Optional()])
    count = IntegerField(
        _l("Volunteers needed"), default=1, validators=[InputRequired(REQUIRED), NumberRange(1, 50)]
    )
