"""Forms of the expert pool pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, NumberRange, Optional

from ..assignment.affinity import Bid as BidLevel
from ..forms_common import CheckboxesField, max_length, required
from ..input_limits import limits_from
from ..organizations.reference import province_choices
from .models import BID_LABELS, Conflict, ExpertProfile


@limits_from(ExpertProfile)
class ExpertForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), Email(message=_l("Enter a valid e-mail address."))])
    name = StringField(_l("Full name"), validators=[required(), max_length(120)])
    province = SelectField(_l("Province"), validators=[Optional()],
                           description=_l("Where the expert works; cases from this province are conflicts."))
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), max_length(200)])
    themes = CheckboxesField(_l("Themes of expertise"), validators=[Optional()])
    max_load = IntegerField(_l("Maximum reviews per campaign"), default=10,
                            validators=[required(), NumberRange(min=1, max=999)])
    available = BooleanField(_l("Available for this year's review"), default=True)

    def __init__(self, *args, theme_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = [("", "—")] + province_choices()
        names = list(dict.fromkeys([*theme_names, *(self.themes.data or [])]))
        self.themes.choices = [(name, name) for name in names]

    def values(self):
        return {"email": self.email.data, "name": self.name.data.strip(), "province": self.province.data or None,
                "affiliation": (self.affiliation.data or "").strip(), "themes": list(self.themes.data or []),
                "max_load": self.max_load.data, "available": bool(self.available.data)}


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired(message=_l("Choose a file."))])


@limits_from(Conflict)
class DeclareConflictForm(FlaskForm):
    case_id = IntegerField(_l("Case number"), validators=[required()])
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[required()])
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(1000)])


class WaiveForm(FlaskForm):
    reason = TextAreaField(_l("Reason for waiving"), validators=[required(), max_length(2000)],
                           description=_l("Kept in the audit log."))


class MayKnowForm(FlaskForm):
    """The expert's “I may know this case” button."""


class BidForm(FlaskForm):
    level = RadioField(_l("Your bid"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [(level.value, BID_LABELS[level]) for level in BidLevel]
