"""Forms of the assignment page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from ..forms_common import required


class ActionForm(FlaskForm):
    """A button with a CSRF token: run, confirm, remove."""


class AddReviewerForm(FlaskForm):
    case_id = SelectField(_l("Case"), coerce=int, validators=[required()])
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[required()])


class BiddingForm(FlaskForm):
    enabled = BooleanField(_l("Experts may bid on cases"))
