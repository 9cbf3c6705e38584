"""An expert's review of one assigned case, and the assignments experts turned down."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class ReviewStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self):
        return {ReviewStatus.DRAFT: _l("Draft"), ReviewStatus.SUBMITTED: _l("Submitted")}[self]


CONFIDENCE_LEVELS = [("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High"))]


class Review(db.Model):
    """Scores per criterion key ({"innovation": 7}), a comment per criterion, an
    overall comment to the department and a confidence level. One per assignment;
    a submitted review is locked until its expert reopens it (before the deadline)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReviewStatus] = mapped_column(enum_column_type(ReviewStatus),
                                                 default=ReviewStatus.DRAFT, index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a conflict of interest ended the assignment: the review is kept (audit) but
    # never counted in the results. `excluded_reason` is a code ("conflict").
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    excluded_reason: Mapped[str | None] = mapped_column(String(32))
    # Optimistic locking: a save based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    assignment = relationship("ReviewAssignment", back_populates="review")

    __mapper_args__ = {"version_id_col": version}

    @property
    def submitted(self):
        return self.status is ReviewStatus.SUBMITTED

    @property
    def excluded(self):
        return self.excluded_at is not None


class DeclineKind(enum.StrEnum):
    DECLINED = "declined"
    CONFLICT = "conflict"

    @property
    def label(self):
        return {DeclineKind.DECLINED: _l("Declined"),
                DeclineKind.CONFLICT: _l("Conflict of interest declared")}[self]


class ReviewDecline(db.Model):
    """An expert turned an assignment down; the admin reassigns the case.

    Keyed by case and expert rather than by the assignment, so the record
    survives the admin removing the assignment."""

    __tablename__ = "review_declines"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[DeclineKind] = mapped_column(enum_column_type(DeclineKind))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case")
    expert = relationship("User")
