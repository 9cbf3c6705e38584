"""Forms of the profile page and of managing people."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..auth.operations import ASSIGNABLE_ROLES
from ..forms_common import max_length, new_password_fields, required


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    phone = StringField(_l("Telephone"), validators=[Optional(), max_length(32)],
                        description=_l("A number the department may call about your work here."))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[required()])
    password, confirm = new_password_fields()

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_owner = owner  # the new password is checked against the owner's name and e-mail


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), max_length(1000)],
                           description=_l("Kept in the audit log."))


class RoleForm(ReasonForm):
    role = SelectField(_l("Role"), validators=[required()])
    unit_id = SelectField(_l("Recommending unit"), coerce=int, validators=[Optional()],
                          description=_l("Only for recommending-unit users."))

    def __init__(self, *args, unit_choices=(), **kwargs):
        # Prefixed: the page also has the deactivation form's reason field.
        super().__init__(*args, prefix="change", **kwargs)
        self.role.choices = [(r.value, r.label) for r in ASSIGNABLE_ROLES]
        self.unit_id.choices = [(0, "—")] + list(unit_choices)
