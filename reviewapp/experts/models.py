"""An expert's profile, declared or waived conflicts of interest, and bids."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..assignment.affinity import Bid as BidLevel
from ..extensions import db
from ..models_base import enum_column_type
from ..organizations.reference import province_label
from ..timezones import UTCDateTime, utcnow


class ExpertProfile(db.Model):
    """One expert of the pool, keyed by e-mail so it exists before the
    invitation is accepted; `user` is the account once there is one."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(32))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    # Theme names (Chinese, as campaigns name them), so expertise carries over years.
    themes: Mapped[list] = mapped_column(JSON, default=list)
    max_load: Mapped[int] = mapped_column(Integer, default=10)       # reviews per campaign
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", primaryjoin="foreign(ExpertProfile.email) == User.email",
                        viewonly=True, uselist=False)

    @property
    def province_label(self):
        return province_label(self.province) if self.province else ""


class ConflictSource(enum.StrEnum):
    AUTOMATIC = "automatic"
    EXPERT = "expert"
    ADMIN = "admin"

    @property
    def label(self):
        return {
            ConflictSource.AUTOMATIC: _l("Detected automatically"),
            ConflictSource.EXPERT: _l("Declared by the expert"),
            ConflictSource.ADMIN: _l("Declared by an administrator"),
        }[self]


class Conflict(db.Model):
    """A declared conflict, or the waiver of one (also of a detected one).

    Detected conflicts are computed from the data each time; a row with
    source "automatic" exists only to record an administrator's waiver.
    """

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("case_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(enum_column_type(ConflictSource))
    note: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    waiver_reason: Mapped[str | None] = mapped_column(Text)

    case = relationship("Case")
    expert = relationship("User", foreign_keys=[expert_id])


class Bid(db.Model):
    """An expert's wish to review (or not) a case, from its blind summary."""

    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("case_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    level: Mapped[BidLevel] = mapped_column(enum_column_type(BidLevel))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


BID_LABELS = {
    BidLevel.EAGER: _l("Eager to review"),
    BidLevel.WILLING: _l("Willing to review"),
    BidLevel.NOT_WILLING: _l("Not willing"),
}
