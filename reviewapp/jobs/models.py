"""A background job's state and progress."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import enum_column_type
from ..timezones import UTCDateTime, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # its process died mid-run (no heartbeat); it may be run again

    @property
    def label(self):
        return {JobStatus.QUEUED: _l("Waiting"), JobStatus.RUNNING: _l("Running"),
                JobStatus.DONE: _l("Finished"), JobStatus.FAILED: _l("Failed"),
                JobStatus.INTERRUPTED: _l("Interrupted")}[self]


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    function: Mapped[str] = mapped_column(String(120))     # "reviewapp.x.y:function"
    # Jobs sharing a key never run at the same time (e.g. "book:campaign-3").
    key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[JobStatus] = mapped_column(enum_column_type(JobStatus), default=JobStatus.QUEUED,
                                              index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written every few seconds while it runs (liveness.Heartbeat); a stale one means a dead job.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User")

    __table_args__ = (
        # At most one unfinished job per key, enforced by the database itself.
        Index("uq_jobs_active_key", "key", unique=True,
              sqlite_where=text("status IN ('queued', 'running')"),
              postgresql_where=text("status IN ('queued', 'running')")),
    )

    @property
    def finished(self):
        return self.status not in ACTIVE

    @property
    def message(self):
        """Why it did not finish, for the person following it (translated when read)."""
        if self.status is JobStatus.INTERRUPTED:
            return _l("The work stopped because the server process running it ended. Start it again.")
        return self.error

    @property
    def percent(self):
        if self.status is JobStatus.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    def as_dict(self):
        return {"id": self.id, "status": self.status.value, "label": str(self.status.label),
                "done": self.progress_done, "total": self.progress_total, "percent": self.percent,
                "finished": self.finished, "error": self.message and str(self.message), "result": self.result}
