"""Every form of the app uses the bounded date and number fields of webapp.fields."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

import webapp.blueprints
from webapp import fields

UNBOUNDED = {
    wtforms.DateField: fields.DateField,
    wtforms.IntegerField: fields.IntegerField,
    wtforms.FloatField: fields.FloatField,
    wtforms.DecimalField: None,
    wtforms.DateTimeField: None,
    wtforms.DateTimeLocalField: None,
}


def _all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(webapp.blueprints.__path__, "webapp.blueprints."):
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("webapp."):
                found.append(sub)
    return found


def test_no_form_uses_an_unbounded_field():
    forms = _all_forms()
    assert len(forms) > 15
    offenders = []
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name)
            field_class = getattr(unbound, "field_class", None)
            if field_class in UNBOUNDED:
                offenders.append(f"{form.__module__}.{form.__name__}.{name}")
    assert offenders == [], "use webapp.fields' DateField/IntegerField/FloatField"


class _Form(FlaskForm):
    class Meta:
        csrf = False

    day = fields.DateField()
    number = fields.IntegerField()
    ratio = fields.FloatField()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"day": "9999-12-31"}, "day"),
        ({"day": "0001-01-01"}, "day"),
        ({"number": str(2**31)}, "number"),
        ({"number": "-" + "9" * 30}, "number"),
        ({"ratio": "nan"}, "ratio"),
        ({"ratio": "1e400"}, "ratio"),
    ],
)
def test_values_out_of_range_are_field_errors(app, data, field):
    with app.test_request_context():
        form = _Form(formdata=MultiDict(data))
        assert not form.validate()
        assert form[field].errors
        assert form[field].data is None


def test_values_in_range_pass(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"day": "2100-12-31", "number": "-5", "ratio": "26.5"}))
        assert form.validate()
        assert form.day.data == date(2100, 12, 31)
