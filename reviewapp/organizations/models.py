"""An applicant organization, as it registered."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timezones import UTCDateTime, utcnow
from .reference import org_type_label, province_label


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Usual short forms of the name, one per line: the blind check looks for them.
    short_names: Mapped[str | None] = mapped_column(String(500))
    org_type: Mapped[str] = mapped_column(String(40))
    province: Mapped[str] = mapped_column(String(32), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    contact_person: Mapped[str] = mapped_column(String(80))
    mobile: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    # The unit that screens this organization's cases; null means "route by
    # province" (the provincial bureau) when cases are submitted.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Any change (the unit's list keeps its rows per worker until one: recommendation/listing.py).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    users = relationship("User", back_populates="organization")
    unit = relationship("RecommendingUnit")
    cases = relationship("Case", back_populates="organization")

    @property
    def province_label(self):
        return province_label(self.province)

    @property
    def org_type_label(self):
        return org_type_label(self.org_type)
