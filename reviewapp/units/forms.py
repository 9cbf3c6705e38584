"""Forms of the unit pages: deadlines per level, the filing columns, a new city or county unit."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from ..forms_common import max_length, required
from .models import UnitLevel


def _in_range(form, field):
    # The day after a deadline is computed; 9999-12-31 has none (and no campaign runs so long).
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


class DeadlinesForm(FlaskForm):
    county = DateField(_l("County units report by"), validators=[Optional(), _in_range])
    city = DateField(_l("City units report by"), validators=[Optional(), _in_range])
    province = DateField(_l("Provincial units report by"), validators=[Optional(), _in_range])
    national = DateField(_l("National units report by"), validators=[Optional(), _in_range],
                         description=_l("The last day, Beijing time. Leave a level empty for no deadline."))

    def due_dates(self):
        return {level: getattr(self, level.value).data for level in UnitLevel}


class FilingColumnsForm(FlaskForm):
    mapping = TextAreaField(_l("Columns of the filing file"), validators=[required(), max_length(4000)],
                            description=_l("One column a line, in order: the column name as the platform "
                                           "names it, an equals sign, then one of the fields below."))


class LocalUnitForm(FlaskForm):
    name_zh = StringField(_l("Name in Chinese"), validators=[required(), max_length(120)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), max_length(160)])
    level = SelectField(_l("Unit level"), choices=[(UnitLevel.CITY.value, UnitLevel.CITY.label),
                                              (UnitLevel.COUNTY.value, UnitLevel.COUNTY.label)])
    parent_id = SelectField(_l("Reports to"), coerce=int, choices=[])
