"""What publishing keeps: versioned book builds, certificates, and the gallery's search text."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timezones import UTCDateTime, utcnow


class BookBuild(db.Model):
    """One build of a campaign's showcase book. Every build is kept; `number`
    counts them per campaign. The PDF is kept in the app's storage as
    `storage_name` ("builds/<hex>.pdf") once the job has finished (null while
    building or if it failed)."""

    __tablename__ = "book_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    group_by: Mapped[str] = mapped_column(String(16), default="theme")
    with_statistics: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    storage_name: Mapped[str | None] = mapped_column(String(80))
    cases: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign = relationship("Campaign")
    created_by = relationship("User")
    job = relationship("Job")

    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    @property
    def download_name(self):
        return f"book-{self.campaign.slug}-v{self.number}-{self.language}.pdf"


class Certificate(db.Model):
    """The certificate of one selected case, for its organization. `code` is a
    random URL-safe token (secrets.token_urlsafe): /verify/<code> confirms it."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A revoked certificate stays (its code was printed); /verify then says so, with the reason.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campaign = relationship("Campaign")
    case = relationship("Case")
    organization = relationship("Organization")


class PublishedCase(db.Model):
    """A published case's normalized search text (NFKC, case-folded): the
    gallery searches it with LIKE, which works alike on SQLite and PostgreSQL
    and finds Chinese substrings (Chinese has no word breaks)."""

    __tablename__ = "published_cases"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("Case")
