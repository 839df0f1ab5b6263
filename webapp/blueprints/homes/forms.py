from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.fields import CheckboxListField, DateField, FloatField, IntegerField
from webapp.inputs import valid_timezone
from webapp.labels import AGE_GROUP_LABELS, EVENT_KIND_LABELS, ROOM_KIND_LABELS, WEEKDAY_LABELS

REQUIRED = _l("This field is required.")


class WeekdaysField(CheckboxListField):
    """Weekdays as a list of checkboxes (0 = Monday)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators,
            coerce=int,
            choices=[SelectChoice(str(i), name) for i, name in enumerate(WEEKDAY_LABELS)],
            **kwargs,
        )


def _kind_choices():
    return [SelectChoice(code, label) for code, label in EVENT_KIND_LABELS.items()]


def _age_choices():
    return [SelectChoice("", _l("Any age"))] + [
        SelectChoice(code, label) for code, label in AGE_GROUP_LABELS.items()
    ]


class EventDetailsForm(FlaskForm):
    """What an event is, apart from where and when: editable after booking, for all its dates."""

    title = StringField(_l("Title"), validators=[InputRequired(REQUIRED), Length(max=120)])
    age_group = SelectField(_l("Age group"), choices=_age_choices, validators=[Optional()])
    capacity = IntegerField(
        _l("Places (children and adults)"),
        default=10,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=1000)],
    )
    need_skill = SelectField(_l("Volunteers needed: skill"), validators=[Optional()])
    need_min = IntegerField(
        _l("Volunteers needed: at least"), validators=[Optional(), NumberRange(min=0, max=50)]
    )
    need_max = IntegerField(
        _l("Volunteers needed: at most"), validators=[Optional(), NumberRange(min=0, max=50)]
    )
    need_vetting = BooleanField(_l("Volunteers must be vetted"), default=True)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if (
            self.need_min.data is not None
            and self.need_max.data is not None
            and self.need_max.data < self.need_min.data
        ):
            self.need_max.errors = [
                *self.need_max.errors,
                _l("At most must not be below at least."),
            ]
            ok = False
        return ok


class BookingForm(EventDetailsForm):
    room_id = SelectField(_l("Room"), coerce=int, validators=[InputRequired(REQUIRED)])
    kind = SelectField(_l("Kind"), choices=_kind_choices, validators=[InputRequired(REQUIRED)])
    date = DateField(_l("Date (first date of a series)"), validators=[InputRequired(REQUIRED)])
    start = TimeField(_l("Starts at"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("Ends at"), validators=[InputRequired(REQUIRED)])
    repeat = BooleanField(_l("Repeat weekly"))
    weekdays = WeekdaysField(_l("On these weekdays"))
    interval_weeks = IntegerField(
        _l("Every how many weeks"), default=1, validators=[Optional(), NumberRange(min=1, max=8)]
    )
    until = DateField(_l("Until (date)"), validators=[Optional()])
    count = IntegerField(_l("Or this many times"), validators=[Optional(), NumberRange(min=1)])
    slot_minutes = IntegerField(
        _l("Minutes per child (video calls)"),
        validators=[Optional(), NumberRange(min=5, max=120)],
    )
    correcting = BooleanField(_l("I am correcting a past record (home managers only)"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.repeat.data:
            if not self.weekdays.data:
                self.weekdays.errors = [*self.weekdays.errors, _l("Choose at least one weekday.")]
                ok = False
            if not self.until.data and not self.count.data:
                self.until.errors = [
                    *self.until.errors,
                    _l("Give an end date or a number of times."),
                ]
                ok = False
        return ok


class MoveForm(FlaskForm):
    date = DateField(_l("New date"), validators=[InputRequired(REQUIRED)])
    start = TimeField(_l("Starts at"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("Ends at"), validators=[InputRequired(REQUIRED)])
    correcting = BooleanField(_l("I am correcting a past record (home managers only)"))


class OpeningHoursForm(FlaskForm):
    weekdays = WeekdaysField(_l("Weekdays"))
    start = TimeField(_l("Opens"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("Closes"), validators=[InputRequired(REQUIRED)])
    valid_from = DateField(_l("Valid from (empty: always)"), validators=[Optional()])
    valid_to = DateField(_l("Valid to (empty: no end)"), validators=[Optional()])
    label = StringField(_l("Timetable name (e.g. term, summer)"), validators=[Length(max=60)])


class ClosureForm(FlaskForm):
    starts_on = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("To (inclusive)"), validators=[InputRequired(REQUIRED)])
    room_id = SelectField(_l("Room"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[InputRequired(REQUIRED), Length(max=200)])


class RoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired(REQUIRED), NumberRange(min=1, max=1000)]
    )
    bookable = BooleanField(_l("Open for bookings"))
    requires_approval = BooleanField(_l("Bookings need the manager's approval"))
    # Video-call rooms only (the template shows it for them): the rota places this many at once.
    calls_at_once = IntegerField(
        _l("Family video calls at once"), default=1, validators=[Optional(), NumberRange(1, 20)]
    )


class SlotForm(FlaskForm):
    child_id = SelectField(_l("Child of this home"), coerce=str, validators=[Optional()])
    child_label = StringField(
        _l("Or initials or a pseudonym"), validators=[Optional(), Length(max=20)]
    )


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=200)])


class DeclineForm(FlaskForm):
    """Declining a booking says why: the organiser reads it, and it stays on the booking."""

    reason = StringField(
        _l("Reason for declining"),
        validators=[InputRequired(_l("Say why, so that the organiser knows.")), Length(max=200)],
    )


class HomeForm(FlaskForm):
    name = StringField(_l("Home name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    place_id = SelectField(_l("Township or village"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    lat = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    timezone = StringField(
        _l("Time zone"),
        default="Asia/Shanghai",
        validators=[InputRequired(REQUIRED), Length(max=64)],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    managers = CheckboxListField(_l("Managers"))

    def validate_timezone(self, field) -> None:
        if not valid_timezone((field.data or "").strip()):
            raise ValidationError(_l("Unknown time zone (e.g. Asia/Shanghai)."))


def _room_kind_choices():
    return [SelectChoice(code, label) for code, label in ROOM_KIND_LABELS.items()]


class NewRoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=_room_kind_choices, validators=[InputRequired(REQUIRED)])
    capacity = IntegerField(
        _l("Capacity"),
        default=20,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=1000)],
    )
    bookable = BooleanField(_l("Open for bookings"), default=True)
    requires_approval = BooleanField(_l("Bookings need the manager's approval"))
