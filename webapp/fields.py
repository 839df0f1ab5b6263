"""Forms and form fields shared by several features: the base Form, label choices, the date
and number fields, and attaching a broken rule's message to its field.

Every form uses the date and number fields below instead of WTForms' own (a test checks it):
they refuse what the database or date arithmetic cannot take, with a message, so a form with
year 9999, a 40-digit number or NaN re-renders with 422 instead of failing later.
"""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField as _DateField
from wtforms import FloatField as _FloatField
from wtforms import IntegerField as _IntegerField
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.inputs import DATE_RANGE_MESSAGE, SQL_INT_MAX, in_date_range

REQUIRED = _l("This field is required.")


class Form(FlaskForm):
    """Our forms. Control characters and NUL never reach them: webapp.inputs refuses them for
    every request."""


def label_choices(labels: dict) -> list[tuple[str, str]]:
    """Labels translated once here: a lazy label is translated again at every use, and a select
    uses each option's label several times when it renders."""
    return [(code, str(label)) for code, label in labels.items()]


def form_error(form: FlaskForm, error) -> None:
    """Attach a broken rule's message (`error.message`) to its field (`error.field`), or to the
    form when it names none, for the 422 re-render."""
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DateField(_DateField):
    """A date between 1900-01-01 and 2100-12-31."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not in_date_range(self.data):
            self.data = None
            raise ValueError(str(DATE_RANGE_MESSAGE))


class IntegerField(_IntegerField):
    """A whole number that fits an SQL integer."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > SQL_INT_MAX:
            self.data = None
            raise ValueError(str(_l("The number is too large.")))


class FloatField(_FloatField):
    """A finite number (no NaN or infinity)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(str(_l("Not a number.")))
