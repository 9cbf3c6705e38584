"""A case: one organization's entry to one campaign, its activity log and evidence."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow
from .workflow import CaseState

case_themes = Table(
    "case_themes", db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The unit that screens the case; null for direct submission.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("recommending_units.id"), index=True)
    state: Mapped[CaseState] = mapped_column(enum_column_type(CaseState), default=CaseState.DRAFT,
                                             index=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")            # at most 300 characters
    organization_text: Mapped[str] = mapped_column(Text, default="")
    activities_text: Mapped[str] = mapped_column(Text, default="")
    innovation_text: Mapped[str] = mapped_column(Text, default="")
    influence_text: Mapped[str] = mapped_column(Text, default="")
    experience_text: Mapped[str] = mapped_column(Text, default="")
    volunteers: Mapped[int | None] = mapped_column(Integer)
    service_hours: Mapped[int | None] = mapped_column(BigInteger)
    activities_held: Mapped[int | None] = mapped_column(Integer)
    people_served: Mapped[int | None] = mapped_column(BigInteger)
    start_year: Mapped[int | None] = mapped_column(Integer)
    service_places: Mapped[list] = mapped_column(JSON, default=list)      # codes of SERVICE_PLACES
    volunteer_categories: Mapped[list] = mapped_column(JSON, default=list)
    contact_person: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept through withdrawals and returns: a case once submitted is on record and cannot be deleted.
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What was submitted last (cases/snapshot.py): screeners see it while the case is editable again.
    submitted_snapshot: Mapped[dict | None] = mapped_column(JSON)
    # The one-time token of the "start a case" form that created this draft: a second POST
    # with it (a double click) finds this draft instead of creating another.
    start_token: Mapped[str | None] = mapped_column(String(64))
    # Optimistic locking: a save based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    campaign = relationship("Campaign", back_populates="cases")
    organization = relationship("Organization", back_populates="cases")
    unit = relationship("RecommendingUnit")
    themes = relationship("Theme", secondary=case_themes, order_by="Theme.position")
    activities = relationship("ActivityLogEntry", back_populates="case", order_by="ActivityLogEntry.position",
                              cascade="all, delete-orphan")
    evidence = relationship("Evidence", back_populates="case", order_by="Evidence.position",
                            cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("organization_id", "start_token", name="uq_cases_start_token"),
        # The case numbers' stamp (recommendation/listing.py) is count(*) answered from this index
        # alone; the administrator's list reads a campaign's newest 50 from the second instead of
        # sorting all 5,000 (PostgreSQL: 4.5 -> 0.6 ms and 4 -> 0.1 ms).
        Index("ix_cases_first_submission", "campaign_id", "first_submitted_at", "submitted_at"),
        Index("ix_cases_campaign_newest", "campaign_id", "created_at", "id"),
    )
    __mapper_args__ = {"version_id_col": version}


class ActivityLogEntry(db.Model):
    """One row of the activity statistics table (seed 001's columns)."""

    __tablename__ = "activity_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)          # 序号
    host_unit: Mapped[str] = mapped_column(String(200), default="")    # 举办单位
    name: Mapped[str] = mapped_column(String(200), default="")         # 活动名称
    summary: Mapped[str] = mapped_column(Text, default="")             # 活动简介
    mode: Mapped[str] = mapped_column(String(10), default="offline")   # 举办方式 online/offline
    held_on: Mapped[datetime | None] = mapped_column(UTCDateTime)      # 举办时间
    held_on_text: Mapped[str] = mapped_column(String(100), default="")  # as written, e.g. 2024年6月
    contact_person: Mapped[str] = mapped_column(String(80), default="")   # 联系人
    contact_details: Mapped[str] = mapped_column(String(120), default="")  # 联系方式
    remarks: Mapped[str] = mapped_column(Text, default="")             # 备注

    case = relationship("Case", back_populates="activities")


class Evidence(db.Model):
    """An uploaded file (stored under a generated name) or a video link."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))          # photo, pdf, office, link
    caption: Mapped[str] = mapped_column(String(300), default="")
    # Files: the applicant's name is display text only, never a path.
    original_name: Mapped[str] = mapped_column(String(255), default="")
    storage_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumbnail_name: Mapped[str | None] = mapped_column(String(80))
    # What experts see: identity removed (see cases/blind.py).
    blind_storage_name: Mapped[str | None] = mapped_column(String(80))
    # Office files rendered to PDF for reading in the browser.
    preview_storage_name: Mapped[str | None] = mapped_column(String(80))
    # Photos: the print-size JPEG the book uses (publishing/photos.py), made with the blind copy.
    print_storage_name: Mapped[str | None] = mapped_column(String(80))
    # The work after the upload (cases/processing.py): waiting, processing, ready or failed.
    processing: Mapped[str] = mapped_column(String(12), default="ready", server_default="ready")
    processing_error: Mapped[str | None] = mapped_column(Text)
    # Links (videos) are stored as text and never fetched by the server.
    url: Mapped[str | None] = mapped_column(String(500))
    chosen_for_book: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_flags: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case", back_populates="evidence")

    @property
    def ready(self):
        """Its blind copy (and thumbnail, print-size photo) exist: experts may see it."""
        return self.processing == "ready"
