"""Reviewer assignments: proposed by a run or by hand, then confirmed."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
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


class AssignmentRun(db.Model):
    """One run of the solver: its options, its figures and its reasons, stored so
    that pages read them instead of solving again. The proposal itself is the
    campaign's ReviewAssignment rows; `seed` reproduces its tie-breaks."""

    __tablename__ = "assignment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    evenness: Mapped[str] = mapped_column(String(16), default="tiebreak")
    balance_weight: Mapped[float] = mapped_column(Float, default=0.0)
    fairness: Mapped[bool] = mapped_column(Boolean, default=False)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    experts: Mapped[int] = mapped_column(Integer, default=0)
    pairs: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[int] = mapped_column(Integer, default=0)
    short_cases: Mapped[int] = mapped_column(Integer, default=0)
    total_affinity: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    worst_case_affinity: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
    # [Reason.stored(), ...]: translated again on every view.
    explanation: Mapped[list] = mapped_column(JSON, default=list)

    job = relationship("Job")

    @property
    def finished(self):
        return self.finished_at is not None
