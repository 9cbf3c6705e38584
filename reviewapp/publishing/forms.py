"""Forms of the publishing pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..forms_common import max_length, required

LANGUAGE_CHOICES = [("zh", _l("Chinese")), ("en", _l("English"))]
GROUP_CHOICES = [("theme", _l("Theme")), ("province", _l("Province")), ("org_type", _l("Organization type"))]


class BuildForm(FlaskForm):
    language = SelectField(_l("Language of the book"), choices=LANGUAGE_CHOICES, default="zh")
    group_by = SelectField(_l("Group the contents by"), choices=GROUP_CHOICES, default="theme")
    with_statistics = BooleanField(_l("Add the statistics appendix (charts by province, theme and type)"))


class ForewordForm(FlaskForm):
    foreword_zh = TextAreaField(_l("Foreword (Chinese)"), validators=[max_length(20000)],
                                description=_l("One paragraph per line."))
    foreword_en = TextAreaField(_l("Foreword (English)"), validators=[max_length(20000)])


class CertificateSettingsForm(FlaskForm):
    """Who issues the campaign's certificates, the date they bear and the seal printed on them."""
    authority_zh = StringField(_l("Issuing authority (Chinese)"), validators=[max_length(200)],
                               description=_l("As it stands above the seal, e.g. 国家体育总局群众体育司."))
    authority_en = StringField(_l("Issuing authority (English)"), validators=[max_length(200)])
    issue_date = DateField(_l("Date on the certificates"), validators=[Optional()],
                           description=_l("Empty: the date the results were published."))
    seal = FileField(_l("Seal image (PNG or JPEG, transparent PNG preferred)"),
                     description=_l("Leave empty to keep the seal already uploaded."))
    remove_seal = BooleanField(_l("Remove the seal"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Why is the certificate revoked?"), validators=[required(), max_length(2000)],
                           description=_l("Shown on the certificate's public verification page."))
