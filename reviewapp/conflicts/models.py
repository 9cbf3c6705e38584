"""What an applicant declared: people or organizations that should not review its case."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class DeclarationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self):
        return {DeclarationStatus.PENDING: _l("Waiting for the administrator"),
                DeclarationStatus.ACCEPTED: _l("Accepted"),
                DeclarationStatus.REJECTED: _l("Rejected")}[self]


class ApplicantConflict(db.Model):
    """One entry: a person's name, an organization's name, an e-mail address or a
    mail domain. Only an entry the administrator accepted keeps experts off the case."""

    __tablename__ = "applicant_conflicts"
    __table_args__ = (UniqueConstraint("case_id", "entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    entry: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DeclarationStatus] = mapped_column(enum_column_type(DeclarationStatus),
                                                      default=DeclarationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case")
