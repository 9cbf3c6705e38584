"""A case's thread, who has read how far, reminders sent, mail templates and group mailings."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timezones import UTCDateTime, utcnow

MESSAGE_MAX = 4000

# Who wrote a message, fixed when it is posted (a later change of role does not rewrite history).
DEPARTMENT, UNIT, APPLICANT = "department", "unit", "applicant"


class CaseMessage(db.Model):
    """One post of a case's thread. Experts never read threads: they name the organization."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
    case = relationship("Case")


class MessageRead(db.Model):
    """How far one person has read one case's thread (the newest message id they saw)."""

    __tablename__ = "case_message_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("user_id", "case_id", name="uq_case_message_reads_user_case"),)


class DraftReminder(db.Model):
    """A deadline reminder sent for a draft: at most one per case and deadline (cron-safe)."""

    __tablename__ = "draft_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("case_id", "deadline", name="uq_draft_reminders_case_deadline"),)


class MailTemplate(db.Model):
    """A bilingual text the administrator starts a group mail from; placeholders are checked at save."""

    __tablename__ = "mail_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    subject_zh: Mapped[str] = mapped_column(String(200))
    subject_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GroupMailing(db.Model):
    """One mail to a filtered group, as confirmed: its text and the cases it goes to.
    `token` comes from the form, so a second click finds this mailing instead of sending again."""

    __tablename__ = "group_mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    state: Mapped[str | None] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(32))
    subject_zh: Mapped[str] = mapped_column(String(200))
    subject_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    organizations: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))

    campaign = relationship("Campaign")
    created_by = relationship("User")
    job = relationship("Job")


class GroupMailDelivery(db.Model):
    """One message of a mailing handed to the mail queue: never twice to one address for one case."""

    __tablename__ = "group_mail_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("group_mailings.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("mailing_id", "case_id", "email", name="uq_group_mail_deliveries_once"),)
