"""Forms of the recommending unit's pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..forms_common import max_length, required
from .models import NOTE_MAX


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), max_length(2000)],
                           description=_l("The applicant reads this reason."))


class ConfirmForm(FlaskForm):
    """A button with a CSRF token and nothing else."""


class BulkForm(FlaskForm):
    """The list's form for several cases at once (the ticked case_ids, the action, a reason
    for a return): only its CSRF token is checked here, the view reads the rest."""


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[required(), max_length(NOTE_MAX)],
                         description=_l("Only your unit and the department read it: never the applicant or the experts."))
