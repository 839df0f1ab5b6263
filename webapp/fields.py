"""Form fields shared by several features.

Every form uses the date and number fields below instead of WTForms' own (a test checks it):
they refuse what the database or date arithmetic cannot take, with a message, so a form with
year 9999, a 40-digit number or NaN re-renders with 422 instead of failing later.
"""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms import FloatField as _FloatField
from wtforms import IntegerField as _IntegerField
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.inputs import DATE_RANGE_MESSAGE, SQL_INT_MAX, in_date_range


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
