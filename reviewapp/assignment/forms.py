"""Forms of the assignment page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..forms_common import required
from ..input_limits import limits_from
from .models import ReviewAssignment

EVENNESS_CHOICES = [
    ("tiebreak", _l("Even load among the best assignments (never costs affinity)")),
    ("off", _l("Affinity only (load as it falls)")),
    ("tradeoff", _l("Trade affinity for an even load, at the weight below")),
]


class ActionForm(FlaskForm):
    """A button with a CSRF token: confirm, remove."""


class RunForm(FlaskForm):
    evenness = SelectField(_l("Load evenness"), choices=EVENNESS_CHOICES, default="tiebreak")
    balance_weight = DecimalField(
        _l("Affinity points one review of load difference is worth"), places=None, default=5,
        validators=[Optional(), NumberRange(min=0, max=1000, message=_l("Give a number from 0 to 1000."))],
        description=_l("Used only when trading affinity for an even load. A shared theme is worth 10 points."))
    fairness = BooleanField(_l("Fairness floor: raise the worst-off case first, then the total"))


@limits_from(ReviewAssignment)
class AddReviewerForm(FlaskForm):
    # A number, not a list: a campaign may hold thousands of cases (the table shows each number).
    case_id = IntegerField(_l("Case number"), validators=[required()])
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[required()])


class BiddingForm(FlaskForm):
    enabled = BooleanField(_l("Experts may bid on cases"))
