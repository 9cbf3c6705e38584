"""Filtering and exporting the audit log."""
import csv
import io
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from ..audit import AuditEntry
from ..auth.models import User
from ..extensions import db
from ..spreadsheets import csv_row
from ..timezones import local_to_utc

AUDIT_PAGE_SIZE = 50


def audit_filters(args):
    """The filters named in a query string: action prefix, actor e-mail, date range."""
    return {key: (args.get(key) or "").strip() for key in ("action", "actor", "since", "until")}


# The filter's dates: a day outside these years is no date of this log (and 9999-12-31 has no next day).
YEARS = (1970, 2200)


def _day(value):
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return day if YEARS[0] <= day.year <= YEARS[1] else None


def date_problems(filters):
    """Messages for the filter's dates that are given but not days the log can hold."""
    return [_l("“%(value)s” is not a date between %(first)d and %(last)d; write it like 2026-06-15.",
               value=filters[key], first=YEARS[0], last=YEARS[1])
            for key in ("since", "until") if filters[key] and _day(filters[key]) is None]


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
        writer.writerow(csv_row([entry.at.isoformat(), entry.actor.email if entry.actor else "system",
                                 entry.action, f"{entry.object_type or ''}:{entry.object_id or ''}",
                                 str(entry.changes or ""), entry.reason or ""]))
    return out.getvalue()
