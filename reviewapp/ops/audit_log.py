"""Filtering and exporting the audit log."""
import csv
import io
from datetime import datetime, time, timedelta

from ..audit import AuditEntry
from ..auth.models import User
from ..extensions import db
from ..timezones import local_to_utc

AUDIT_PAGE_SIZE = 50


def audit_filters(args):
    """The filters named in a query string: action prefix, actor e-mail, date range."""
    return {key: (args.get(key) or "").strip() for key in ("action", "actor", "since", "until")}


def _day(value):
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None


def audit_query(filters, zone="Asia/Shanghai"):
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters["action"]:
        query = query.filter(AuditEntry.action.startswith(filters["action"]))
    if filters["actor"]:
        query = query.join(User, AuditEntry.actor_id == User.id).filter(
            User.email.contains(filters["actor"].lower()))
    if since := _day(filters["since"]):
        query = query.filter(AuditEntry.at >= local_to_utc(since, zone))
    if until := _day(filters["until"]):
        query = query.filter(AuditEntry.at < local_to_utc(datetime.combine(until, time()) + timedelta(days=1), zone))
    return query


def audit_csv(filters):
    """The filtered log as CSV text (UTF-8 with a BOM so spreadsheet programs read Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["time_utc", "actor", "action", "object", "changes", "reason"])
    for entry in db.session.scalars(audit_query(filters)):
        writer.writerow([entry.at.isoformat(), entry.actor.email if entry.actor else "system",
                         entry.action, f"{entry.object_type or ''}:{entry.object_id or ''}",
                         entry.changes or "", _neutralize(entry.reason or "")])
    return out.getvalue()


def _neutralize(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
