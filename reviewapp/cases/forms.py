"""Forms of a case: its content, activity rows, the table import, evidence uploads and links.

Lengths are counted in characters (Python's len on text), so a Chinese
character counts as one, as the hints say.
"""
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from ..forms_common import CheckboxesField, max_length, required
from ..input_limits import limits_from
from .activity_log import parse_date
from .checks import SUMMARY_MAX
from .models import ActivityLogEntry, Case, Evidence
from .reference import (
    ACTIVITY_MODES,
    FIGURES,
    NARRATIVE_SECTIONS,
    SERVICE_PLACES,
    VOLUNTEER_CATEGORIES,
)

SECTION_MAX = 5000
_SECTION_HINTS = {
    "organization_text": _l("How the organization and its volunteer team are set up and run."),
    "activities_text": _l("What you do, how often and where: the regular activities."),
    "innovation_text": _l("What is new in the form or content of the service."),
    "influence_text": _l("Outstanding people and teams, media coverage, awards, social influence."),
    "experience_text": _l("What others can learn from you and copy."),
}


def _counted(n, hint=None):
    text = _l("At most %(n)d characters; each Chinese character counts as one.", n=n)
    # Joined lazily, so the hint is rendered in the language of each request.
    description = LazyString(lambda: f"{hint} {text}") if hint else text
    return {"description": description, "render_kw": {"data-count-max": n}}


class CaseForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title of the case"), validators=[max_length(200)], **_counted(200))
    themes = CheckboxesField(_l("Themes"), coerce=int,
                             description=_l("Choose the themes of the campaign your case belongs to."))
    summary = TextAreaField(_l("Summary"), validators=[max_length(SUMMARY_MAX)],
                            **_counted(SUMMARY_MAX, _l("What the case is, in a few sentences.")))
    service_places = CheckboxesField(_l("Where the service happens (six entries)"), choices=SERVICE_PLACES)
    volunteer_categories = CheckboxesField(_l("Volunteer categories"), choices=VOLUNTEER_CATEGORIES)
    contact_person = StringField(_l("Contact person"), validators=[max_length(80)])
    contact_phone = StringField(_l("Contact phone"), validators=[max_length(40)])

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = [(theme.id, theme.name) for theme in (campaign.themes if campaign else [])]

    def validate_start_year(self, field):
        if field.data is not None and not 1949 <= field.data <= date.today().year:
            raise ValidationError(_l("Enter a year between 1949 and this year."))


for _attribute, _label in NARRATIVE_SECTIONS:
    setattr(CaseForm, _attribute, TextAreaField(_label, validators=[max_length(SECTION_MAX)],
                                                **_counted(SECTION_MAX, _SECTION_HINTS[_attribute])))
for _attribute, _label in FIGURES:
    setattr(CaseForm, _attribute, IntegerField(_label, validators=[
        Optional(), NumberRange(min=0, max=10**12, message=_l("Enter a whole number, 0 or more."))]))
limits_from(Case)(CaseForm)  # after the loops: the figures are bounded by their columns too


def case_values(form):
    """The form's data as the values save_draft applies."""
    values = {name: (getattr(form, name).data or "").strip()
              for name in ("title", "summary", "contact_person", "contact_phone")}
    values.update({attribute: (getattr(form, attribute).data or "") for attribute, _label in NARRATIVE_SECTIONS})
    values.update({attribute: getattr(form, attribute).data for attribute, _label in FIGURES})
    values["service_places"] = list(form.service_places.data or [])
    values["volunteer_categories"] = list(form.volunteer_categories.data or [])
    values["theme_ids"] = list(form.themes.data or [])
    return values


def case_form_data(case):
    """Initial form data from a stored case."""
    data = {name: getattr(case, name) for name in ("title", "summary", "contact_person", "contact_phone",
                                                    "service_places", "volunteer_categories")}
    data.update({attribute: getattr(case, attribute) for attribute, _label in NARRATIVE_SECTIONS + FIGURES})
    data["themes"] = [theme.id for theme in case.themes]
    data["version"] = str(case.version)
    return data


def _date_cell(form, field):
    if field.data and parse_date(field.data, form.campaign_year) is None:
        raise ValidationError(_l("Write the date like 2024-06-15 or 2024年6月15日."))


@limits_from(ActivityLogEntry)
class ActivityForm(FlaskForm):
    host_unit = StringField(_l("Host unit"), validators=[max_length(200)])
    name = StringField(_l("Activity name"), validators=[required(), max_length(200)])
    summary = TextAreaField(_l("Summary of the activity"), validators=[max_length(2000)])
    mode = SelectField(_l("Online or offline"), choices=ACTIVITY_MODES, default="offline")
    held_on_text = StringField(_l("Time"), validators=[required(), max_length(100), _date_cell],
                               description=_l("For example 2024-06-15 or 2024年6月15日."))
    contact_person = StringField(_l("Contact person"), validators=[max_length(80)])
    contact_details = StringField(_l("Contact details"), validators=[max_length(120)])
    remarks = StringField(_l("Remarks"), validators=[max_length(2000)])
    # Completes a date written without its year (6月15日), as the import does; set by the view.
    campaign_year = None

    def row(self):
        row = {name: (getattr(self, name).data or "").strip() for name in
               ("host_unit", "name", "summary", "mode", "held_on_text", "contact_person", "contact_details",
                "remarks")}
        row["held_on"] = parse_date(row["held_on_text"], self.campaign_year)
        return row


class ImportForm(FlaskForm):
    table = FileField(_l("Statistics table (.xlsx or .csv)"), validators=[
        FileRequired(_l("Choose a file."))],
        description=_l("The table as the city issues it: the title and the 单位名称 line above the header are "
                       "skipped; the header names the columns 序号, 举办单位, 活动名称, 活动简介, 举办方式 (线上、线下), "
                       "举办时间, 联系人, 联系方式, 备注 (or their English names). Importing a corrected copy updates "
                       "the activities already in the log (the same 序号, or the same 活动名称 and 举办时间) "
                       "instead of adding them again."))


@limits_from(Evidence)
class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Files"), description=_l(
        "Photos (JPEG, PNG, WebP), PDF, Word, Excel or PowerPoint (.docx, .xlsx, .pptx). You can choose "
        "several files at once."))
    caption = StringField(_l("Caption"), validators=[max_length(300)],
                          description=_l("Optional; you can also add a caption to each file later."))


@limits_from(Evidence)
class LinkForm(FlaskForm):
    url = StringField(_l("Video link"), validators=[required(), max_length(500)],
                      description=_l("A link to a video on a video site (http:// or https://)."))
    caption = StringField(_l("Caption"), validators=[max_length(300)])


@limits_from(Evidence)
class CaptionForm(FlaskForm):
    caption = StringField(_l("Caption"), validators=[max_length(300)])
