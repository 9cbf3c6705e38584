"""The recommending units of the collection, loaded as reference data."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import pick
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class UnitKind(enum.StrEnum):
    PROVINCIAL_BUREAU = "provincial_bureau"
    DIRECT_UNIT = "direct_unit"
    NATIONAL_ASSOCIATION = "national_association"
    # A city's or county's sports bureau: collects activity rows, screens no cases.
    LOCAL_BUREAU = "local_bureau"

    @property
    def label(self):
        return {
            UnitKind.PROVINCIAL_BUREAU: _l("Provincial sports bureau"),
            UnitKind.DIRECT_UNIT: _l("Directly affiliated centre"),
            UnitKind.NATIONAL_ASSOCIATION: _l("National sports association"),
            UnitKind.LOCAL_BUREAU: _l("City or county sports bureau"),
        }[self]


class UnitLevel(enum.StrEnum):
    """Where a unit reports: a county to its city, a city to its province, a province (and the
    directly affiliated centres and national associations, national level beside them) to the department."""
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"

    @property
    def label(self):
        return {
            UnitLevel.COUNTY: _l("County level"),
            UnitLevel.CITY: _l("City level"),
            UnitLevel.PROVINCE: _l("Provincial level"),
            UnitLevel.NATIONAL: _l("National level"),
        }[self]

    @property
    def rank(self):
        return LEVELS.index(self)


LEVELS = [UnitLevel.COUNTY, UnitLevel.CITY, UnitLevel.PROVINCE, UnitLevel.NATIONAL]


def level_of_kind(kind):
    """The level a unit of `kind` has when none is given: bureaus are provincial, the centres and
    associations national; a local bureau is a county until it is placed."""
    return {UnitKind.PROVINCIAL_BUREAU: UnitLevel.PROVINCE, UnitKind.LOCAL_BUREAU: UnitLevel.COUNTY}.get(
        UnitKind(kind), UnitLevel.NATIONAL)


def _default_level(context):
    return level_of_kind(context.get_current_parameters()["kind"])


class RecommendingUnit(db.Model):
    __tablename__ = "recommending_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Order of registration in the national information system.
    registration_order: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column_type(UnitKind))
    name_zh: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(160))
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    level: Mapped[UnitLevel] = mapped_column(enum_column_type(UnitLevel), default=_default_level)
    # The unit this one reports to; none: the department (provinces and national units).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users = relationship("User", back_populates="unit")
    parent = relationship("RecommendingUnit", remote_side=[id], back_populates="children")
    children = relationship("RecommendingUnit", back_populates="parent", order_by="RecommendingUnit.name_zh")

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)
