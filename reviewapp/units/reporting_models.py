"""A unit's report of its activity roll-up per campaign, the deadline per level, the reminders sent."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow
from .models import UnitLevel


class UnitDeadline(db.Model):
    """"报送截止 5 月 28 日": the last day (in the campaign's zone, Beijing time) a level reports."""

    __tablename__ = "unit_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    level: Mapped[UnitLevel] = mapped_column(enum_column_type(UnitLevel))
    due_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("campaign_id", "level", name="uq_unit_deadlines_campaign_level"),)


class UnitReport(db.Model):
    """The unit forwarded its roll-up (its organizations' and its subordinates' rows) upward."""

    __tablename__ = "unit_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("recommending_units.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rows: Mapped[int] = mapped_column(Integer, default=0)      # activity rows in the roll-up reported

    unit = relationship("RecommendingUnit")
    reported_by = relationship("User")

    __table_args__ = (UniqueConstraint("unit_id", "campaign_id", name="uq_unit_reports_unit_campaign"),)


class UnitReminder(db.Model):
    """A reminder mailed to a unit: one per unit, campaign and kind (due soon, overdue)."""

    __tablename__ = "unit_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("recommending_units.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("unit_id", "campaign_id", "kind", name="uq_unit_reminders_unit_campaign_kind"),)
