"""Forms of the messages pages: a post on a thread, a mail template, a group mail."""
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..cases.workflow import CaseState
from ..forms_common import max_length, required
from ..input_limits import limits_from
from ..organizations.reference import PROVINCE_CODES, province_label
from .models import MESSAGE_MAX, MailTemplate
from .placeholders import PLACEHOLDERS, listed, placeholder_problem


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[required(), max_length(MESSAGE_MAX)])


def known_placeholders(form, field):
    problem = placeholder_problem(field.data)
    if problem:
        raise ValidationError(problem)


def placeholder_hint():
    # Lazy as a whole: the list's separator is the reader's language's (、 in Chinese).
    return LazyString(lambda: str(_l("Placeholders: %(list)s.", list=listed(PLACEHOLDERS))))


class _Texts:
    """The four texts of a group mail, in both languages, with placeholders checked."""
    subject_zh = StringField(_l("Subject (Chinese)"), validators=[required(), known_placeholders])
    subject_en = StringField(_l("Subject (English)"), validators=[required(), known_placeholders])
    body_zh = TextAreaField(_l("Message (Chinese)"), validators=[required(), max_length(20000), known_placeholders],
                            description=placeholder_hint())
    body_en = TextAreaField(_l("Message (English)"), validators=[required(), max_length(20000), known_placeholders],
                            description=placeholder_hint())


@limits_from(MailTemplate)
class TemplateForm(FlaskForm, _Texts):
    name = StringField(_l("Name of the template"), validators=[required()])


def state_choices():
    return [("", _l("Every case"))] + [(state.value, state.label) for state in CaseState]


def province_choices():
    return [("", _l("Every province"))] + [(code, province_label(code)) for code in PROVINCE_CODES]


@limits_from(MailTemplate)
class GroupForm(FlaskForm, _Texts):
    campaign_id = SelectField(_l("Campaign"), coerce=int, validate_choice=True)
    state = SelectField(_l("Cases in the state"), default="")
    province = SelectField(_l("Organizations of the province"), default="")

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign_id.choices = [(campaign.id, campaign.title) for campaign in campaigns]
        self.state.choices = state_choices()
        self.province.choices = province_choices()


class SendForm(GroupForm):
    """The preview's confirmation: the same fields (hidden), the one-time token, the count seen."""
    send_token = HiddenField()
    expected = HiddenField()
