from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..forms_common import max_length


class DeclareForm(FlaskForm):
    entries = TextAreaField(
        _l("People or organizations that should not review this case"), validators=[max_length(6000)],
        description=_l("One per line: a person's name, an organization, an e-mail address, or a mail "
                       "domain such as @example.edu.cn. The department checks each one; experts never see them."))
    reason = TextAreaField(_l("Why (optional)"), validators=[max_length(1000)])


class ActionForm(FlaskForm):
    """A button (accept, reject, withdraw, find a replacement): only the CSRF token."""
