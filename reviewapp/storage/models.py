"""A stored file whose row is gone: removed only after a grace period (see tombstones.py)."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timezones import UTCDateTime, utcnow


class FileTombstone(db.Model):
    __tablename__ = "file_tombstones"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)  # a storage name
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
