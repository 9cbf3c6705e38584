"""The recommending units of the collection, loaded as reference data."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import pick
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class UnitKind(enum.StrEnum):
    PROVINCIAL_BUREAU = "provincial_bureau"
    DIRECT_UNIT = "direct_unit"
    NATIONAL_ASSOCIATION = "national_association"

    @property
    def label(self):
        return {
            UnitKind.PROVINCIAL_BUREAU: _l("Provincial sports bureau"),
            UnitKind.DIRECT_UNIT: _l("Directly affiliated centre"),
            UnitKind.NATIONAL_ASSOCIATION: _l("National sports association"),
        }[self]


class RecommendingUnit(db.Model):
    __tablename__ = "recommending_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Order of registration in the national information system.
    registration_order: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column_type(UnitKind))
    name_zh: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(160))
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users = relationship("User", back_populates="unit")

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)
