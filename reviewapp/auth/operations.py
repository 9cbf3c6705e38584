"""Operations on accounts. They flush; the request or CLI command commits."""
from datetime import timedelta

from flask import current_app, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from ..audit import record
from ..extensions import db
from ..forms_common import normalize_mobile
from ..mail import in_both_languages, send_mail
from ..organizations import credit_code
from ..organizations.models import Organization
from ..security import external_url
from ..timezones import utcnow
from .models import Invitation, Role, User
from .tokens import hash_token, make_reset_token, new_invitation_token, read_reset_token


class AccountError(Exception):
    """A refused account operation; `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def find_user(email):
    return db.session.scalar(db.select(User).filter(
        db.func.lower(User.email) == (email or "").strip().lower()))


def authenticate(email, password):
    """The active user with these credentials, or None."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def sign_in(user, remember=False):
    """Start a fresh session for `user` (the old session's data is dropped)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)
    user.last_login_at = utcnow()
    record(user, "auth.signed_in", user)


def sign_out(user):
    """End the session here and invalidate every copy of its cookie."""
    user.rotate_session()
    record(user, "auth.signed_out", user)
    locale = session.get("locale") or user.locale
    logout_user()
    session.clear()
    if locale:  # the sign-in page that follows stays in the user's language
        session["locale"] = locale


def register_organization(data):
    """Create an organization and its first user from registration data."""
    email = data["email"].strip().lower()
    code = credit_code.normalize(data["credit_code"])
    if find_user(email):
        raise AccountError(_l("An account with this e-mail already exists. Sign in or reset the password."),
                           field="email")
    if db.session.scalar(db.select(Organization.id).filter_by(credit_code=code)):
        raise AccountError(_l("An organization with this credit code is already registered."),
                           field="credit_code")
    organization = Organization(
        name=data["name"].strip(), short_names=(data.get("short_names") or "").strip() or None,
        org_type=data["org_type"], province=data["province"], credit_code=code,
        contact_person=data["contact_person"].strip(), mobile=normalize_mobile(data["mobile"]),
        email=email, unit_id=data.get("unit_id") or None,
    )
    user = User(email=email, name=data["contact_person"].strip(), role=Role.ORGANIZATION,
                organization=organization, locale=data.get("locale"))
    user.set_password(data["password"])
    db.session.add_all([organization, user])
    db.session.flush()
    record(user, "organization.registered", organization,
           changes={"name": organization.name, "credit_code": code})
    return user


def request_password_reset(email):
    """E-mail a reset link if the account exists; silent otherwise (no account probing)."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = external_url("auth.reset_password", token=make_reset_token(user))
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(user.email, _l("Reset your password"), _l(
            "Hello %(name)s,\n\nOpen this link to choose a new password "
            "(valid for one hour, once):\n%(link)s\n\nIf you did not ask for this, ignore this message.",
            name=user.name, link=link))
    record(user, "auth.reset_requested", user)


def user_for_reset_token(token):
    data = read_reset_token(token)
    if data is None:
        return None
    user = db.session.get(User, data[0])
    if user is None or not user.active or user.session_nonce != data[1]:
        return None
    return user


def reset_password(user, password):
    user.set_password(password)
    user.rotate_session()
    record(user, "auth.password_reset", user)


def invite(actor, email, name, role, unit=None):
    """Create an invitation for an expert or unit user and e-mail its link."""
    email = email.strip().lower()
    if role not in (Role.EXPERT, Role.UNIT, Role.ADMIN):
        raise AccountError(_l("Only experts, unit users and administrators are invited."), field="role")
    if role is Role.UNIT and unit is None:
        raise AccountError(_l("Choose the unit this user works for."), field="unit_id")
    if find_user(email):
        raise AccountError(_l("An account with this e-mail already exists."), field="email")
    token, token_hash = new_invitation_token()
    invitation = Invitation(
        email=email, name=name.strip(), role=role, unit=unit if role is Role.UNIT else None,
        token_hash=token_hash, invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    link = external_url("auth.accept_invitation", token=token)
    # The invitee's language is unknown: the message carries both.
    send_mail(email, in_both_languages(_l("Invitation to the excellent case collection"), " / "),
              in_both_languages(_l(
                  "Hello %(name)s,\n\nYou are invited to join the national fitness volunteer-service "
                  "excellent case collection as %(role)s.\nOpen this link to set your password:\n%(link)s",
                  name=invitation.name, role=role.label, link=link)))
    record(actor, "invitation.sent", invitation, changes={"email": email, "role": role.value})
    return invitation


def invitation_for_token(token):
    invitation = db.session.scalar(db.select(Invitation).filter_by(token_hash=hash_token(token)))
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def accept_invitation(invitation, name, password):
    if find_user(invitation.email):
        raise AccountError(_l("An account with this e-mail already exists."))
    user = User(email=invitation.email, name=name.strip(), role=invitation.role,
                unit=invitation.unit)
    user.set_password(password)
    invitation.accepted_at = utcnow()
    db.session.add(user)
    db.session.flush()
    record(user, "invitation.accepted", invitation)
    return user


def set_locale(user, locale):
    """Remember the language choice: on the account if signed in, else in the session."""
    if user is not None and user.is_authenticated:
        user.locale = locale
    session["locale"] = locale


def create_or_update_admin(email, name, password):
    """(user, created): an administrator with this e-mail and password."""
    from ..forms_common import MIN_PASSWORD_LENGTH
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user = find_user(email)
    created = user is None
    if created:
        user = User(email=email.strip().lower(), name=name, role=Role.ADMIN)
        db.session.add(user)
    elif user.role is not Role.ADMIN:
        raise ValueError(f"{email} already has the role {user.role.value}.")
    user.set_password(password)
    user.rotate_session()
    db.session.flush()
    record(None, "admin.created" if created else "admin.password_set", user)
    return user, created
