"""The campaign form: windows, quotas, themes and rubric."""
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, FieldList, Form,
                     FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField)
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from ..forms_common import max_length, required
from ..input_limits import limits_from
from .models import Campaign, Criterion, Theme
from .rubric import LevelsError, parse_levels

_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _plausible_moment(form, field):
    # A window is a time of a campaign: 0001-01-01 in Beijing is before the first UTC moment.
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date and time between the years 2000 and 2100."))


def _window_field(label):
    return DateTimeLocalField(label, format=_DATETIME_FORMAT, validators=[required(), _plausible_moment])


@limits_from(Theme)
class ThemeForm(Form):
    """One theme row; `id` ties the row to its saved theme, so a rename keeps its cases."""
    id = HiddenField()
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), max_length(100)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), max_length(100)])
    merge_into = SelectField(_l("If removed, move its cases to"), choices=[("", "—")], validate_choice=False,
                             description=_l("Clear both names to remove a theme."))

    def is_blank(self):
        return not ((self.name_zh.data or "").strip() or (self.name_en.data or "").strip())


@limits_from(Criterion)
class CriterionForm(Form):
    id = HiddenField()
    key = StringField(_l("Key"), validators=[Optional(), Regexp(r"^[a-z_]{1,40}$", message=_l(
        "Lower-case letters and underscores only."))])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), max_length(100)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), max_length(100)])
    weight = DecimalField(_l("Weight"), places=3, validators=[Optional(), NumberRange(
        min=0.001, max=100, message=_l("A weight between 0.001 and 100."))])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Optional()])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional()])
    levels = TextAreaField(_l("Score levels"), validators=[Optional()],
                           description=_l("One line per band: 0-3 | 中文 | English"))

    def is_blank(self):
        return not (self.key.data or self.name_zh.data or self.name_en.data)


@limits_from(Campaign)
class CampaignForm(FlaskForm):
    version = HiddenField()
    year = IntegerField(_l("Year"), validators=[required(), NumberRange(min=2000, max=2100)])
    slug = StringField(_l("Short name in addresses"), validators=[
        required(), Regexp(r"^[a-z0-9-]{2,40}$", message=_l("2–40 lower-case letters, digits or hyphens."))])
    title_zh = StringField(_l("Title (Chinese)"), validators=[required(), max_length(200)])
    title_en = StringField(_l("Title (English)"), validators=[required(), max_length(200)])
    call_text_zh = TextAreaField(_l("Call text (Chinese)"), validators=[Optional()])
    call_text_en = TextAreaField(_l("Call text (English)"), validators=[Optional()])
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai", validators=[required()],
                           description=_l("Deadlines are shown and enforced in this zone."))
    submission_opens = _window_field(_l("Submission opens"))
    submission_closes = _window_field(_l("Submission closes"))
    recommendation_closes = _window_field(_l("Recommendation closes"))
    review_opens = _window_field(_l("Review opens"))
    review_closes = _window_field(_l("Review closes"))
    reviewers_per_case = IntegerField(_l("Reviewers per case"), default=3,
                                      validators=[required(), NumberRange(min=1, max=15)])
    selection_quota = IntegerField(_l("Cases to select"), default=100,
                                   validators=[required(), NumberRange(min=1, max=10000)])
    unit_quota = IntegerField(_l("Recommendations per unit"), default=10,
                              validators=[required(), NumberRange(min=1, max=10000)])
    allow_direct_submission = BooleanField(_l("Allow direct submission without a recommending unit"))
    allow_withdraw = BooleanField(_l("Let organizations withdraw a submitted case to edit it until the deadline"),
                                  default=True)
    bidding_enabled = BooleanField(_l("Let experts bid on the cases they would like to review"))
    score_min = IntegerField(_l("Lowest score"), default=0, validators=[NumberRange(min=0, max=100)])
    score_max = IntegerField(_l("Highest score"), default=10, validators=[NumberRange(min=1, max=100)])
    themes = FieldList(FormField(ThemeForm), max_entries=60)
    criteria = FieldList(FormField(CriterionForm), min_entries=4, max_entries=12)

    def offer_theme_rows(self, themes, blank=3):
        """Add `blank` empty rows for new themes and offer the saved `themes` as merge targets."""
        for _ in range(blank):
            self.themes.append_entry()
        for entry in self.themes:
            own = str(entry.form.id.data or "")
            entry.form.merge_into.choices = [("", "—"), *((str(theme.id), theme.name) for theme in themes
                                                           if str(theme.id) != own)]

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone; use a name such as Asia/Shanghai."))

    def validate_submission_closes(self, field):
        self._after(field, self.submission_opens)

    def validate_recommendation_closes(self, field):
        self._after(field, self.submission_closes, strict=False)

    def validate_review_opens(self, field):
        self._after(field, self.recommendation_closes, strict=False)

    def validate_review_closes(self, field):
        self._after(field, self.review_opens)

    def validate_score_max(self, field):
        if self.score_min.data is not None and field.data is not None and field.data <= self.score_min.data:
            raise ValidationError(_l("The highest score must be above the lowest."))

    def validate_themes(self, field):
        names = set()
        for theme in (entry.form for entry in field.entries if not entry.form.is_blank()):
            for name in ("name_zh", "name_en"):
                if not (getattr(theme, name).data or "").strip():
                    getattr(theme, name).errors.append(_l("This field is required."))
                    raise ValidationError(_l("Give every theme both names, or clear both to remove it."))
            if theme.name_zh.data.strip() in names:
                theme.name_zh.errors.append(_l("Two themes cannot have the same name."))
                raise ValidationError(_l("Two themes cannot have the same name."))
            names.add(theme.name_zh.data.strip())

    def validate_criteria(self, field):
        filled = [entry.form for entry in field.entries if not entry.form.is_blank()]
        if not filled:
            raise ValidationError(_l("The rubric needs at least one criterion."))
        keys = [criterion.key.data for criterion in filled if criterion.key.data]
        if len(keys) != len(set(keys)):
            raise ValidationError(_l("Two criteria cannot have the same key."))
        for criterion in filled:
            for name in ("key", "name_zh", "name_en", "weight"):
                if not getattr(criterion, name).data:
                    getattr(criterion, name).errors.append(_l("This field is required."))
                    raise ValidationError(_l("Complete or clear every criterion."))
            try:
                parse_levels(criterion.levels.data, self.score_min.data or 0, self.score_max.data or 10)
            except LevelsError as error:
                criterion.levels.errors.append(error.message)
                raise ValidationError(_l("Correct the score levels."))

    def _after(self, field, earlier, strict=True):
        if field.data and earlier.data and (field.data < earlier.data or
                                            (strict and field.data == earlier.data)):
            raise ValidationError(_l("Must be after “%(other)s”.", other=earlier.label.text))

