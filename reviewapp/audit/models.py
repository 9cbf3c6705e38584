"""One table for the audit log and the one call that writes it."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timezones import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Null for the system itself (CLI jobs, scheduled work) and anonymous users.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    actor = relationship("User", foreign_keys=[actor_id])

    def __repr__(self):
        return f"<AuditEntry {self.action} {self.object_type}:{self.object_id}>"


def record(actor, action, obj=None, changes=None, reason=None):
    """Add an audit entry to the current transaction and return it.

    `actor` is a User or None (system); `obj` any model with an `id`;
    `changes` a JSON-able dict such as {"state": ["draft", "submitted"]}.
    """
    actor_id = getattr(actor, "id", None) if actor is not None else None
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        changes=changes,
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
