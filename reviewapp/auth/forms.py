"""Sign-in, registration, password and invitation forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Optional, ValidationError

from ..forms_common import mainland_mobile, max_length, new_password_fields, required
from ..organizations import credit_code
from ..organizations.reference import org_type_choices, province_choices

_EMAIL = Email(message=_l("Enter a valid e-mail address."))


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), _EMAIL])
    password = PasswordField(_l("Password"), validators=[required()])
    remember = BooleanField(_l("Keep me signed in on this device"), description=_l(
        "Not on a shared computer. Administrators stay signed in for one working day at most."))


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[required()])


class RegistrationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[required(), max_length(200)])
    short_names = TextAreaField(
        _l("Usual short names"), validators=[Optional(), max_length(500)],
        description=_l("One per line. Used to warn you if a blind copy still names you."))
    org_type = SelectField(_l("Type of organization"), validators=[required()])
    province = SelectField(_l("Province"), validators=[required()])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[required()],
        description=_l("18 characters, as on your registration certificate."))
    unit_id = SelectField(_l("Recommending unit"), coerce=int, validators=[Optional()],
                          description=_l("Leave as it is to be routed to your province's sports bureau."))
    contact_person = StringField(_l("Contact person"), validators=[required(), max_length(80)])
    mobile = StringField(_l("Mobile phone"), validators=[required(), mainland_mobile])
    email = EmailField(_l("E-mail"), validators=[required(), _EMAIL, max_length(254)])
    password, confirm = new_password_fields()

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.org_type.choices = [("", _l("Choose…"))] + org_type_choices()
        self.province.choices = [("", _l("Choose…"))] + province_choices()
        self.unit_id.choices = [(0, _l("My province's sports bureau"))] + list(unit_choices)

    def validate_credit_code(self, field):
        messages = {
            "length": _l("The code has 18 characters; you entered %(n)d.",
                         n=len(credit_code.normalize(field.data))),
            "characters": _l("The code uses digits and capital letters except I, O, S, V and Z."),
            "division": _l("Characters 3 to 8 are the administrative division code and must be digits."),
            "check": _l("The last character (check character) does not match; please check the code for typos."),
        }
        problem = credit_code.problem(field.data)
        if problem:
            raise ValidationError(messages[problem])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), _EMAIL])


class _OwnedPasswordForm(FlaskForm):
    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_owner = owner  # the new password is checked against its name and e-mail


class ResetPasswordForm(_OwnedPasswordForm):
    password, confirm = new_password_fields()


class AcceptInvitationForm(_OwnedPasswordForm):
    name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    password, confirm = new_password_fields()
