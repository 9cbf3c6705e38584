"""Time handling: stored in UTC, shown and enforced in a campaign's zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def local_to_utc(naive_local, zone_name):
    """Interpret a wall-clock time entered in `zone_name` and return it in UTC."""
    return naive_local.replace(tzinfo=ZoneInfo(zone_name)).astimezone(timezone.utc)


def utc_to_local(moment, zone_name):
    """The same instant on the wall clock of `zone_name`."""
    return moment.astimezone(ZoneInfo(zone_name))


def format_local(moment, zone_name):
    """'2026-06-30 23:59' on the wall clock of `zone_name` (same in every language)."""
    if moment is None:
        return ""
    return utc_to_local(moment, zone_name).strftime("%Y-%m-%d %H:%M")


def zone_label(zone_name):
    """The zone as a reader names it: 'Beijing time' (北京时间) for Asia/Shanghai, never the
    database name; another zone is '<name> time'."""
    from flask_babel import lazy_gettext as _l
    if zone_name == "Asia/Shanghai":
        return _l("Beijing time")
    return _l("%(zone)s time", zone=zone_name)
