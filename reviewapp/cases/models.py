"""A case: one organization's entry to one campaign."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow
from .workflow import CaseState


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The unit that screens the case; null for direct submission.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"), index=True)
    state: Mapped[CaseState] = mapped_column(enum_column_type(CaseState), default=CaseState.DRAFT,
                                             index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: a save based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    campaign = relationship("Campaign", back_populates="cases")
    organization = relationship("Organization", back_populates="cases")
    unit = relationship("RecommendingUnit")

    __mapper_args__ = {"version_id_col": version}
