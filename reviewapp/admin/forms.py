"""Forms of the administration pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Email, Optional

from ..auth.models import Invitation, Role
from ..forms_common import max_length, required
from ..input_limits import limits_from


@limits_from(Invitation)
class InvitationForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), Email(message=_l("Enter a valid e-mail address."))])
    name = StringField(_l("Full name"), validators=[required(), max_length(120)])
    role = SelectField(_l("Role"), validators=[required()])
    unit_id = SelectField(_l("Recommending unit"), coerce=int, validators=[Optional()],
                          description=_l("Only for recommending-unit users."))

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, r.label) for r in (Role.EXPERT, Role.UNIT, Role.ADMIN)]
        self.unit_id.choices = [(0, "—")] + list(unit_choices)
