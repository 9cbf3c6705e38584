"""Every number a form accepts fits the database, and fields bounded by their columns say so
(reviewapp/input_limits.limits_from). Generated from the form classes: a new form or field is
checked without being listed."""
import importlib
import pkgutil

import pytest
from wtforms import DecimalField, FloatField, Form, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange

import reviewapp
from reviewapp.input_limits import INT32


def _form_classes():
    for module in pkgutil.walk_packages(reviewapp.__path__, "reviewapp."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)
    return sorted({c for c in below(Form) if c.__module__.startswith("reviewapp.")},
                  key=lambda c: (c.__module__, c.__name__))


def _fields(form_class):
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            validators = unbound.kwargs.get("validators", unbound.args[1] if len(unbound.args) > 1 else ())
            yield name, unbound.field_class, list(validators)


NUMBER_FIELDS = [(f"{form.__module__}.{form.__name__}.{name}", validators)
                 for form in _form_classes() for name, kind, validators in _fields(form)
                 if issubclass(kind, (IntegerField, DecimalField, FloatField))]


def test_the_forms_were_found():
    assert len(NUMBER_FIELDS) >= 10


@pytest.mark.parametrize("field, validators", NUMBER_FIELDS, ids=[f for f, _v in NUMBER_FIELDS])
def test_every_number_field_is_bounded_within_the_integer_columns(field, validators):
    """Within the largest integer column (BigInteger); limits_from narrows a field to its own column."""
    ranges = [v for v in validators if isinstance(v, NumberRange) and v.min is not None and v.max is not None]
    assert ranges, f"{field} accepts any number: bound it (limits_from(Model) or NumberRange)"
    assert any(-(2**63) <= v.min and v.max < 2**63 for v in ranges), f"{field} passes the 8-byte integer range"


def test_column_bounds_narrow_a_forms_own_range_and_add_lengths():
    from reviewapp.cases.forms import CaseForm
    from reviewapp.experts.forms import ExpertForm

    volunteers = [v for v in CaseForm.volunteers.kwargs["validators"] if isinstance(v, NumberRange)]
    assert [(v.min, v.max) for v in volunteers] == [(0, INT32[1])]       # the column is a 4-byte integer
    people = [v for v in CaseForm.people_served.kwargs["validators"] if isinstance(v, NumberRange)]
    assert [(v.min, v.max) for v in people] == [(0, 10**12)]              # a BigInteger: the form's own bound
    assert [v.max for v in ExpertForm.name.kwargs["validators"] if isinstance(v, Length)] == [120]


def test_a_volunteer_count_past_the_column_is_refused_with_the_range(app):
    from werkzeug.datastructures import MultiDict

    from reviewapp.cases.forms import CaseForm

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        form = CaseForm(MultiDict({"volunteers": "99999999999"}), meta={"csrf": False})
        form.validate()
        assert "2147483647" in " ".join(str(e) for e in form.volunteers.errors)
