"""Forms of the publishing pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField

from ..forms_common import max_length

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
