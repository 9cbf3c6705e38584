"""User accounts and the four roles of the collection."""
import enum
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


def _hasher():
    """Argon2id with the app's cost settings (ARGON2_TIME_COST, ARGON2_MEMORY_COST in KiB,
    ARGON2_PARALLELISM; config.py, checked against OWASP's minimum in production)."""
    config = current_app.config if has_app_context() else {}
    key = tuple(config.get(name) or default for name, default in ARGON2_DEFAULTS.items())
    if key not in _HASHERS:
        _HASHERS[key] = PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2])
    return _HASHERS[key]


# OWASP's first recommendation (m=19 MiB, t=2, p=1): about 30 ms per hash on one core.
ARGON2_DEFAULTS = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19456, "ARGON2_PARALLELISM": 1}
_HASHERS = {}
_DUMMY_HASHES = {}


def verify_dummy_password(password):
    """Spend the time of a real check (same costs) for an account that does not exist."""
    hasher = _hasher()
    if hasher not in _DUMMY_HASHES:
        _DUMMY_HASHES[hasher] = hasher.hash(secrets.token_hex(16))
    try:
        hasher.verify(_DUMMY_HASHES[hasher], password or "")
    except (VerificationError, InvalidHashError):
        pass
    return False


class Role(enum.StrEnum):
    ADMIN = "admin"
    UNIT = "unit"
    EXPERT = "expert"
    ORGANIZATION = "organization"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.UNIT: _l("Recommending unit"),
    Role.EXPERT: _l("Expert"),
    Role.ORGANIZATION: _l("Organization"),
}


def new_session_nonce():
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # A telephone number the department may call; set on the profile page.
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated at sign-out and password change: every cookie that carries the
    # old value stops working, on every device.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The owner invites and removes colleagues and may hand the ownership on; the person who
    # registered the organization is its first owner (reviewapp/organizations/members.py).
    organization_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Null until a self-registered account opens the link mailed to it: until then it cannot sign
    # in. Every other account starts confirmed (an invitation link or the CLI proved the address).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization", back_populates="users")
    unit = relationship("RecommendingUnit", back_populates="users")

    def __repr__(self):
        return f"<User {self.email} {self.role}>"

    # Flask-Login: the cookie names the user, the current nonce and when the password was
    # entered (reviewapp/auth/sessions.py).
    def get_id(self):
        from .sessions import session_id
        return session_id(self)

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        self.password_hash = _hasher().hash(password)

    def check_password(self, password):
        if not self.password_hash:
            return False
        try:
            _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        # Costs changed since this hash was made (a setting raised): store it at the new ones.
        if _hasher().check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def rotate_session(self):
        self.session_nonce = new_session_nonce()

    def has_role(self, *roles):
        return self.role in roles


class Invitation(db.Model):
    """An e-mailed link that lets an expert or unit user create their account, or a colleague
    join an organization."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"))
    # Set for an owner's invitation of a colleague into their organization.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Only a hash is stored, so a database leak does not hand out accounts.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Revoked by an administrator, or replaced by a newer invitation to the same address.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("RecommendingUnit")
    organization = relationship("Organization")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "pending" if self.is_pending else "expired"


class SignInEvent(db.Model):
    """One sign-in attempt on an existing account: shown to its owner on the profile page."""

    __tablename__ = "sign_in_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class SignInThrottle(db.Model):
    """Failed sign-ins for one e-mail address, whether or not an account has it (so a lock
    tells nobody that the account exists). Keyed by a hash: typed addresses are not kept."""

    __tablename__ = "sign_in_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owner was last told of the failures (at most one mail per lock).
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
