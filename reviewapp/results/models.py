"""The recorded selection: one decision per reviewed case, with the reason for each deviation."""
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timezones import UTCDateTime, utcnow


class SelectionDecision(db.Model):
    """`selected` or `not_selected` for one case; `deviation` is "added" or
    "dropped" when the decision differs from the proposal, with its reason."""

    __tablename__ = "selection_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    proposed: Mapped[bool] = mapped_column(default=False)
    deviation: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case")
    decided_by = relationship("User")
