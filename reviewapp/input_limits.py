"""Bounds every request's input meets before a view or the database sees it.

PostgreSQL refuses a NUL in text and integers past its column type, where SQLite stores
them quietly; a spreadsheet export cannot hold most control characters. So:

- refuse_control_characters (before every request): text with control characters is refused
  with a translated 400 (page, or JSON for scripts), wherever it comes (address, query, form);
- BoundedIntConverter is the app's <int:...>: an id past the 4-byte integer column is a 404;
- limits_from(Model) bounds a form's fields by the columns they are saved in (length of a
  String column, range of an Integer one), read from the model once;
- int_arg, parse_int and parse_id read a number from a query or a form by hand within the same
  range (ASCII digits only: "²" is a digit to str.isdigit but not to int).
"""
import re

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Integer, SmallInteger, String, inspect
from sqlalchemy.types import NullType
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange

INT32 = (-(2**31), 2**31 - 1)
_INTEGER_RANGES = ((SmallInteger, (-(2**15), 2**15 - 1)), (BigInteger, (-(2**63), 2**63 - 1)), (Integer, INT32))

# C0 controls but tab, line feed and carriage return; lone surrogates; the two non-characters
# XML (hence .xlsx, .docx) cannot hold.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CONTROL_CHARACTERS_REFUSED = _l(
    "What you sent contains control characters (such as NUL) that are not text and cannot be saved. "
    "Nothing was saved: remove them (they often come with text copied out of another program) and "
    "send it again.")


def has_control_characters(text):
    return bool(text) and CONTROL_CHARACTERS.search(text) is not None


def refuse_control_characters():
    """before_request: a 400 with the reason for control characters in the address or any value sent."""
    from .errors import error_response

    values = [request.path]
    for multidict in (request.args, request.form if request.method in ("POST", "PUT", "PATCH") else {}):
        for name, value in multidict.items(multi=True) if multidict else ():
            values += (name, value)
    if any(has_control_characters(value) for value in values):
        return error_response(400, CONTROL_CHARACTERS_REFUSED)
    return None


class BoundedIntConverter(IntegerConverter):
    """<int:...> within the 4-byte integer range of the id columns: a larger id matches no route."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=INT32[1] if max is None else max,
                         signed=signed)


MAX_PAGE = 100_000  # of a paged list: its offset stays far within the database's integers


def int_arg(name, default=None, low=INT32[0], high=INT32[1]):
    """A whole number from the query string, clamped into [low, high]; `default` when absent or not one."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    return min(max(value, low), high)


def parse_int(text, low=INT32[0], high=INT32[1]):
    """The whole number `text` is (ASCII digits, within [low, high]), or None."""
    if text and re.fullmatch(r"-?[0-9]{1,19}", text) and low <= int(text) <= high:
        return int(text)
    return None


def parse_id(text):
    """The id a filter names, or None."""
    return parse_int(text, 1)


def integer_range(column_type):
    for kind, bounds in _INTEGER_RANGES:
        if isinstance(column_type, kind):
            return bounds
    return None


def _column_validator(column, field_class):
    numeric = issubclass(field_class, (IntegerField, DecimalField))
    if isinstance(column.type, String) and column.type.length and not numeric:
        return Length(max=column.type.length, message=_l("At most %(max)d characters.", max=column.type.length))
    # A foreign key's type comes from the row it names, perhaps not known yet: an id.
    bounds = INT32 if isinstance(column.type, NullType) and column.foreign_keys else integer_range(column.type)
    if bounds and numeric:
        return NumberRange(min=bounds[0], max=bounds[1], message=_l(
            "Enter a whole number between %(min)d and %(max)d.", min=bounds[0], max=bounds[1]))
    return None


def limits_from(*models, **columns):
    """Class decorator: each field named like a column of `models` (or mapped by `columns`,
    field name -> column) also checks that column's bound, so what passes the form fits it.
    A field's own number range is narrowed to the column's; its message stays if it still holds."""
    def decorate(form_class):
        found = {}
        for model in models:
            found.update({c.key: c for c in inspect(model).columns})
        found.update(columns)
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if isinstance(unbound, UnboundField) and name in found:
                _bound(unbound, _column_validator(found[name], unbound.field_class))
        return form_class
    return decorate


def _bound(unbound, validator):
    if validator is None:
        return
    positional = len(unbound.args) > 1
    validators = list(unbound.args[1] if positional else unbound.kwargs.get("validators", ()))
    own = next((v for v in validators if type(v) is type(validator)), None)
    if isinstance(validator, NumberRange) and own is not None:
        low = validator.min if own.min is None else max(own.min, validator.min)
        high = validator.max if own.max is None else min(own.max, validator.max)
        if (low, high) != (own.min, own.max):
            validators[validators.index(own)] = NumberRange(min=low, max=high, message=_l(
                "Enter a whole number between %(min)d and %(max)d.", min=low, max=high))
    elif isinstance(validator, Length) and own is not None and own.max != -1 and own.max <= validator.max:
        pass  # the form's own limit is stricter
    else:
        validators.append(validator)
    if positional:
        unbound.args = (unbound.args[0], validators, *unbound.args[2:])
    else:
        unbound.kwargs["validators"] = validators


def column_lengths(model):
    """{attribute: longest length} of the model's String columns."""
    return {c.key: c.type.length for c in inspect(model).columns if isinstance(c.type, String) and c.type.length}
