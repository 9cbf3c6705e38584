"""The form an owner invites a colleague with."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import Email

from ..forms_common import max_length, required


class ColleagueInvitationForm(FlaskForm):
    name = StringField(_l("Colleague's name"), validators=[required(), max_length(120)])
    email = EmailField(_l("E-mail"), validators=[required(), Email(message=_l("Enter a valid e-mail address.")),
                                                 max_length(254)])
