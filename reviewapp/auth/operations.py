"""Operations on accounts. They flush; the request or CLI command commits."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import logout_user

from ..audit import record
from ..extensions import db
from ..forms_common import normalize_mobile
from ..input_limits import CONTROL_CHARACTERS
from ..locking import lock_for_write
from ..mail import in_both_languages, send_mail
from ..organizations import credit_code
from ..organizations.models import Organization
from ..security import external_url
from ..timezones import utcnow
from . import sessions, throttle
from .models import Invitation, Role, SignInEvent, User, verify_dummy_password
from .tokens import (hash_token, make_confirmation_token, make_reset_token, new_invitation_token,
                     read_confirmation_token, read_reset_token)


class AccountError(Exception):
    """A refused account operation; `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def find_user(email):
    return db.session.scalar(db.select(User).filter(
        db.func.lower(User.email) == (email or "").strip().lower()))


@dataclass
class Attempt:
    """The outcome of a sign-in attempt: `user` when the password was right, `locked_until`
    when the address is locked and the password was not even checked."""
    user: User | None = None
    locked_until: datetime | None = None
    # The password was right but the address is not confirmed yet: no sign-in.
    unconfirmed: User | None = None


def authenticate(email, password):
    """Check a sign-in attempt against the per-account limit, then the password. Every path
    verifies one Argon2 hash (a dummy one for unknown or inactive accounts), so the time taken
    does not tell whether the address has an account. Commits the attempt's count."""
    locked_until = throttle.claim_attempt(email)
    if locked_until is not None:
        return Attempt(locked_until=locked_until)
    user = find_user(email)
    if user is None or not user.active:
        verify_dummy_password(password)
        return Attempt()
    if not user.check_password(password):
        return Attempt()
    return Attempt(user=user) if user.email_confirmed_at is not None else Attempt(unconfirmed=user)


def note_failed_sign_in(email):
    """After a wrong password: the owner sees it on the profile page and, once the address is
    locked, gets a mail (in both languages) saying so. Unknown addresses leave no trace."""
    user = find_user(email)
    if user is None:
        return
    db.session.add(SignInEvent(user_id=user.id, succeeded=False, **_client()))
    if throttle.should_alert(email):
        send_mail(user.email, in_both_languages(_l("Failed sign-ins to your account"), " / "),
                  in_both_languages(_l(
                      "Hello %(name)s,\n\nSomeone tried to sign in to your account with a wrong password "
                      "%(n)d times. For a while, sign-in to this account is paused, longer after each "
                      "further wrong password.\n\nIf this was you, wait and try again, or choose a new "
                      "password:\n%(link)s\n\nIf it was not you, your password was not accepted; choose a "
                      "new one if you reuse it elsewhere.",
                      name=user.name, n=current_app.config["ACCOUNT_LOCK_THRESHOLD"],
                      link=external_url("auth.forgot_password"))))
        record(None, "auth.sign_in_alert", user)


def _client():
    """Where a sign-in came from, as stored: headers the client (or a trusted proxy's
    X-Forwarded-For) chose, so without control characters (PostgreSQL refuses a NUL)."""
    def kept(text, length):
        return CONTROL_CHARACTERS.sub("", text or "")[:length] or None
    return {"address": kept(request.remote_addr, 45), "user_agent": kept(request.user_agent.string, 300)}


def sign_in(user, remember=False):
    """Start a fresh session for `user` (the old session's data is dropped)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    sessions.start(user, remember)
    # A language chosen before signing in becomes the account's, if it has none yet: mails
    # sent later (results, reminders) go out in it. (The browser's language is not a choice:
    # stored, it would outvote the browser for good. Mails to an account without one are bilingual.)
    user.locale = user.locale or locale
    user.last_login_at = utcnow()
    throttle.clear(user.email)
    db.session.add(SignInEvent(user_id=user.id, succeeded=True, **_client()))
    record(user, "auth.signed_in", user)


def recent_sign_ins(user, limit=10):
    return db.session.scalars(db.select(SignInEvent).filter_by(user_id=user.id)
                              .order_by(SignInEvent.at.desc(), SignInEvent.id.desc()).limit(limit)).all()


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
    """Create an organization and its first user (its owner) from registration data; the account
    is usable once its owner opens the link mailed to the address. For an e-mail that already has
    an account, nothing is created and its owner is mailed instead (None): the page that follows
    is the same ("check your inbox"), so it does not tell a stranger which addresses have accounts."""
    email = data["email"].strip().lower()
    code = credit_code.normalize(data["credit_code"])
    existing = find_user(email)
    taken = db.session.scalar(db.select(Organization).filter_by(credit_code=code))
    # The same person registering again before confirming (the first mail was lost) gets a new link.
    again = existing is not None and existing.email_confirmed_at is None
    if taken is not None and not (again and existing.organization_id == taken.id):
        raise AccountError(_l("An organization with this credit code is already registered."),
                           field="credit_code")
    if existing is not None:
        verify_dummy_password(data["password"])  # as long as hashing a new account's password
        if again:
            send_confirmation(existing)
        else:
            _tell_owner_of_registration(existing)
        return None
    organization = Organization(
        name=data["name"].strip(), short_names=(data.get("short_names") or "").strip() or None,
        org_type=data["org_type"], province=data["province"], credit_code=code,
        contact_person=data["contact_person"].strip(), mobile=normalize_mobile(data["mobile"]),
        email=email, unit_id=data.get("unit_id") or None,
    )
    user = User(email=email, name=data["contact_person"].strip(), role=Role.ORGANIZATION,
                organization=organization, organization_owner=True, locale=data.get("locale"))
    user.set_password(data["password"])
    db.session.add_all([organization, user])
    db.session.flush()
    user.email_confirmed_at = None  # after the insert: a None given to the constructor lets the default fire
    record(user, "organization.registered", organization,
           changes={"name": organization.name, "credit_code": code})
    send_confirmation(user)
    return user


def send_confirmation(user):
    """Mail the link that makes a self-registered account usable (both languages: the
    registration form's language is a guess)."""
    link = external_url("auth.confirm_email", token=make_confirmation_token(user))
    send_mail(user.email, in_both_languages(_l("Confirm your e-mail address"), " / "), in_both_languages(_l(
        "Hello %(name)s,\n\nThank you for registering %(organization)s for the excellent case collection. "
        "Open this link to confirm your e-mail address; your account can be used after that "
        "(the link is valid for %(days)d days):\n%(link)s\n\nIf you did not register, ignore this "
        "message: without the link no account is opened.",
        name=user.name, organization=user.organization.name if user.organization else "",
        days=current_app.config["EMAIL_CONFIRMATION_MAX_AGE_DAYS"], link=link)))
    record(None, "auth.confirmation_sent", user)


def user_for_confirmation_token(token):
    """The account a confirmation link names (confirmed already or not), or None."""
    data = read_confirmation_token(token)
    if data is None:
        return None
    user = db.session.get(User, data[0])
    if user is None or not user.active or user.email != data[1]:
        return None
    return user


def confirm_email(user):
    """The owner of the address opened its link: the account can sign in. True when this
    confirmed it, False when it was confirmed already (a second click)."""
    lock_for_write(user)
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    record(user, "auth.email_confirmed", user)
    return True


def _tell_owner_of_registration(user):
    send_mail(user.email, in_both_languages(_l("Your e-mail address was used to register"), " / "),
              in_both_languages(_l(
                  "Hello %(name)s,\n\nSomeone tried to register an organization with this e-mail address, "
                  "which already has an account; no new account was created.\n\nIf it was you, sign in:\n"
                  "%(sign_in)s\nor choose a new password:\n%(reset)s\n\nIf it was not you, ignore this message.",
                  name=user.name, sign_in=external_url("auth.sign_in"),
                  reset=external_url("auth.forgot_password"))))
    record(None, "auth.registration_for_existing_account", user)


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
    if user.email_confirmed_at is None:  # the reset link proved the address as well
        user.email_confirmed_at = utcnow()
    user.rotate_session()
    throttle.clear(user.email)  # the owner proved the address is theirs: no more waiting
    record(user, "auth.password_reset", user)


ASSIGNABLE_ROLES = (Role.EXPERT, Role.UNIT, Role.ADMIN)


def role_problem(role, unit):
    """Why this role and unit do not go together (None when they do): unit users work for a unit,
    experts and administrators for none."""
    if role not in ASSIGNABLE_ROLES:
        return _l("Only experts, unit users and administrators are invited or given a role.")
    if role is Role.UNIT and unit is None:
        return _l("Choose the unit this user works for.")
    if role is not Role.UNIT and unit is not None:
        return _l("Only recommending-unit users belong to a unit: leave the unit empty for %(role)s.",
                  role=role.label)
    return None


def invite(actor, email, name, role, unit=None):
    """Create an invitation for an expert, unit user or administrator and e-mail its link. A
    pending invitation to the same address is replaced: its link stops working."""
    email = email.strip().lower()
    problem = role_problem(role, unit)
    if problem:
        raise AccountError(problem, field="role" if role not in ASSIGNABLE_ROLES else "unit_id")
    if find_user(email):
        raise AccountError(_l("An account with this e-mail already exists."), field="email")
    now = utcnow()
    for earlier in db.session.scalars(db.select(Invitation).filter(
            Invitation.email == email, Invitation.organization_id.is_(None), Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None), Invitation.expires_at > now)):
        earlier.revoked_at = now
        record(actor, "invitation.replaced", earlier)
    token, token_hash = new_invitation_token()
    invitation = Invitation(
        email=email, name=name.strip(), role=role, unit=unit,
        token_hash=token_hash, invited_by_id=actor.id,
        expires_at=now + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]))
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


def revoke_invitation(actor, invitation):
    """The invitation's link stops working at once."""
    if not invitation.is_pending:
        raise AccountError(_l("Only a pending invitation can be revoked."))
    invitation.revoked_at = utcnow()
    record(actor, "invitation.revoked", invitation)


def resend_invitation(actor, invitation):
    """A new link (and a new validity period) for a pending or expired invitation; the old
    link stops working."""
    if invitation.accepted_at is not None:
        raise AccountError(_l("This invitation was accepted; the account exists."))
    return invite(actor, invitation.email, invitation.name, invitation.role, invitation.unit)


def invitation_for_token(token):
    invitation = db.session.scalar(db.select(Invitation).filter_by(token_hash=hash_token(token)))
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def accept_invitation(invitation, name, password):
    # Decided under the invitation's lock: of two acceptances at once (two tabs, a double click)
    # one makes the account, the other is told so (it was a 500 on the e-mail's unique constraint).
    lock_for_write(invitation)
    if not invitation.is_pending:
        raise AccountError(_l("This invitation is invalid, already used or expired. Ask the administrator for a "
                              "new one."))
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
    from .passwords import password_problem
    problem = password_problem(password, email, [name])
    if problem:
        raise ValueError(str(problem))
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
