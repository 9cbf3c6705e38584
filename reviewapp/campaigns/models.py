"""A campaign, its themes and the rubric its experts score against."""
import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import localized, pick
from ..timezones import UTCDateTime, utcnow


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    call_text_zh: Mapped[str] = mapped_column(Text, default="")
    call_text_en: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # Windows are [opens, closes): open at the first instant, shut at the last.
    submission_opens: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_closes: Mapped[datetime] = mapped_column(UTCDateTime)
    recommendation_closes: Mapped[datetime] = mapped_column(UTCDateTime)
    review_opens: Mapped[datetime] = mapped_column(UTCDateTime)
    review_closes: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewers_per_case: Mapped[int] = mapped_column(Integer, default=3)
    selection_quota: Mapped[int] = mapped_column(Integer, default=100)
    unit_quota: Mapped[int] = mapped_column(Integer, default=10)
    allow_direct_submission: Mapped[bool] = mapped_column(Boolean, default=False)
    # Organizations may withdraw a submitted case to edit it until the deadline.
    allow_withdraw: Mapped[bool] = mapped_column(Boolean, default=True)
    # Experts may say which blind cases they would like to review.
    bidding_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # After the review deadline experts may see the anonymised spread of a case's scores.
    show_spread_to_experts: Mapped[bool] = mapped_column(Boolean, default=False)
    # After publication organizations may read the reviewers' anonymised comments.
    release_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    # The showcase book's foreword, edited by the administrator (publishing).
    foreword_zh: Mapped[str] = mapped_column(Text, default="")
    foreword_en: Mapped[str] = mapped_column(Text, default="")
    # Printed on certificates (publishing/certificates.py): who issues them, the date they bear
    # (None: the publication date) and the seal image (a stored file, PNG or JPEG).
    certificate_authority_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    certificate_authority_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    certificate_date: Mapped[date | None] = mapped_column(Date)
    certificate_seal_name: Mapped[str | None] = mapped_column(String(80))
    score_min: Mapped[int] = mapped_column(Integer, default=0)
    score_max: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: two admins editing the same campaign cannot
    # silently overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A new random value whenever the campaign's submitted reviews or assignments
    # change (results/freshness.py): the key of the cached results. Not the
    # optimistic-lock version, so reviews never make an admin's edit look stale.
    results_stamp: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(8),
                                               server_default="initial")

    themes = relationship("Theme", back_populates="campaign", order_by="Theme.position",
                          cascade="all, delete-orphan")
    criteria = relationship("Criterion", back_populates="campaign",
                            order_by="Criterion.position", cascade="all, delete-orphan")
    cases = relationship("Case", back_populates="campaign")

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self):
        return localized(self, "title")

    @property
    def call_text(self):
        return localized(self, "call_text")


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    campaign = relationship("Campaign", back_populates="themes")

    @property
    def name(self):
        return localized(self, "name")


class Criterion(db.Model):
    """One rubric criterion; `levels` describe score bands in both languages:
    [{"min": 0, "max": 3, "zh": "...", "en": "..."}, ...]."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Numeric(6, 3), default=1)
    levels: Mapped[list] = mapped_column(JSON, default=list)

    campaign = relationship("Campaign", back_populates="criteria")

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    def level_text(self, level):
        return pick(level.get("zh"), level.get("en"))
