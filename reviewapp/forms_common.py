"""Validators and fields that several features' forms share."""
import re

from flask import Request, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField, PasswordField, SelectMultipleField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

MIN_PASSWORD_LENGTH = 10
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value):
    """Digits only, without a +86 / 0086 country prefix."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def mainland_mobile(form, field):
    if not _MOBILE.match(normalize_mobile(field.data)):
        raise ValidationError(_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))


def strong_password(form, field):
    """Refuses guessable passwords (reviewapp/auth/passwords.py), also against the person's own
    e-mail and names: the form's email/name/contact_person fields, or `form.password_owner`."""
    from .auth.passwords import password_problem

    owner = getattr(form, "password_owner", None)
    email = getattr(getattr(form, "email", None), "data", None) or getattr(owner, "email", None)
    names = [getattr(getattr(form, name, None), "data", None) for name in ("name", "contact_person")]
    names.append(getattr(owner, "name", None))
    problem = password_problem(field.data, email, [n for n in names if isinstance(n, str)])
    if problem:
        raise ValidationError(problem)


def new_password_fields():
    """(password, confirm) fields with the house password rules."""
    password = PasswordField(_l("Password"), validators=[DataRequired(), strong_password],
                             description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    return password, confirm


def required():
    return DataRequired(message=_l("This field is required."))


def max_length(n):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes. A value not offered is refused in the user's language
    (WTForms' own Chinese for it is marked fuzzy, so it was shown in English)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _l("Choose only among the options listed."))
        super().__init__(*args, **kwargs)


class FormRequest(Request):
    """A request whose form text has plain LF line breaks. Browsers send each line break of a
    textarea as CRLF (HTML's form encoding), so without this, sending back text saved by a
    seed, an import or a script would rewrite every line break of it."""

    def _load_form_data(self):
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\r" in value for value in form.values()):
            self.__dict__["form"] = form.__class__(
                [(name, value.replace("\r\n", "\n")) for name, value in form.items(multi=True)])


def fill_forms_from_their_own_fields():
    """Flask-WTF fills a form from the request's files and fields together, or from a JSON body:
    a file sent in place of a text field reached that field's validators as a file (a 500), a
    JSON body in any shape. Here files fill only file fields, and JSON nothing (no page sends it):
    a text field sent as a file is simply missing, and said so by its validators."""
    from flask_wtf import form as flask_wtf_form

    def wrap_formdata(meta, form, formdata):
        if formdata is not flask_wtf_form._Auto:
            return formdata
        if not flask_wtf_form._is_submitted():
            return None
        names = {field.name for field in form if isinstance(field, FileField)}
        files = MultiDict([(name, file) for name, file in request.files.items(multi=True) if name in names])
        if files:
            return CombinedMultiDict((files, request.form))
        return request.form or None

    flask_wtf_form.FlaskForm.Meta.wrap_formdata = wrap_formdata
