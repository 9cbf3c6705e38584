"""Reviewer assignments: proposed by a run or by hand, then confirmed."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class AssignmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"

    @property
    def label(self):
        return {AssignmentStatus.PROPOSED: _l("Proposed"),
                AssignmentStatus.CONFIRMED: _l("Confirmed")}[self]


class ReviewAssignment(db.Model):
    """Expert `expert_id` reviews case `case_id`. `started_at` is set by the
    review itself; a started assignment is never moved by a re-run."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("case_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(enum_column_type(AssignmentStatus),
                                                     default=AssignmentStatus.PROPOSED, index=True)
    affinity: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")
    expert = relationship("User")
    # At most one review; deleted with the assignment, as the database's ON DELETE CASCADE does.
    review = relationship("Review", uselist=False, back_populates="assignment",
                          cascade="save-update, merge, delete", passive_deletes=True)

    @property
    def started(self):
        return self.started_at is not None
