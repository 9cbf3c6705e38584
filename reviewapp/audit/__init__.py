"""The audit log: every state-changing operation records who, when, what, why."""
from .models import AuditEntry, record

__all__ = ["AuditEntry", "record"]
