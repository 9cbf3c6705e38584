"""Reporting up: the deadline of each level, a unit's report, and who below has not reported."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..timezones import local_to_utc, utc_to_local, utcnow
from .hierarchy import descendants
from .models import LEVELS, RecommendingUnit, UnitLevel
from .reporting_models import UnitDeadline, UnitReport
from .rollup import rollup_rows


def deadlines(campaign):
    """{level: due date} the department set for `campaign`."""
    return {row.level: row.due_on for row in db.session.scalars(
        db.select(UnitDeadline).filter_by(campaign_id=campaign.id))}


def deadline_end(campaign, due_on):
    """The instant a deadline day ends: midnight after it on the campaign's wall clock (Beijing time)."""
    return local_to_utc(datetime.combine(due_on + timedelta(days=1), time()), campaign.timezone)


def campaign_today(campaign, now=None):
    return utc_to_local(now or utcnow(), campaign.timezone).date()


def set_deadlines(actor, campaign, due_dates):
    """Store {level: date or None} for `campaign`; returns the levels changed. Flushes and logs."""
    current = {row.level: row for row in db.session.scalars(db.select(UnitDeadline).filter_by(campaign_id=campaign.id))}
    changed = {}
    for level in LEVELS:
        wanted, row = due_dates.get(level), current.get(level)
        before = row.due_on if row is not None else None
        if wanted == before:
            continue
        if row is None:
            db.session.add(UnitDeadline(campaign_id=campaign.id, level=level, due_on=wanted))
        elif wanted is None:
            db.session.delete(row)
        else:
            row.due_on = wanted
        changed[level.value] = [before.isoformat() if before else None, wanted.isoformat() if wanted else None]
    db.session.flush()
    if changed:
        record(actor, "units.deadlines", campaign, changes=changed)
    return list(changed)


class ReportRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def report_up(actor, unit, campaign, now=None):
    """The unit forwards its roll-up for `campaign`; reporting again replaces the time and count
    (a corrected report). Returns the UnitReport. Flushes and logs."""
    if unit is None:
        raise ReportRefused(_l("Your account belongs to no unit."))
    rows = len(rollup_rows(campaign, unit))
    report = db.session.scalar(db.select(UnitReport).filter_by(unit_id=unit.id, campaign_id=campaign.id))
    before = None
    if report is None:
        report = UnitReport(unit_id=unit.id, campaign_id=campaign.id)
        db.session.add(report)
    else:
        before = report.rows
    report.reported_at, report.reported_by_id, report.rows = now or utcnow(), getattr(actor, "id", None), rows
    db.session.flush()
    record(actor, "units.reported", unit, changes={"campaign_id": campaign.id, "rows": [before, rows]})
    return report


@dataclass
class UnitStatus:
    unit: RecommendingUnit
    due_on: date | None
    report: UnitReport | None
    overdue: bool          # the deadline day is over and no report came by then

    @property
    def reported(self):
        return self.report is not None

    @property
    def late(self):
        return self.report is not None and self.overdue


def statuses(campaign, units, now=None):
    """[UnitStatus] for `units`: each one's level deadline and its report (two queries)."""
    due = deadlines(campaign)
    reports = {report.unit_id: report for report in db.session.scalars(db.select(UnitReport).filter(
        UnitReport.campaign_id == campaign.id, UnitReport.unit_id.in_([unit.id for unit in units])))}
    now = now or utcnow()
    result = []
    for unit in units:
        due_on, report = due.get(unit.level), reports.get(unit.id)
        end = deadline_end(campaign, due_on) if due_on else None
        overdue = end is not None and (report.reported_at >= end if report else now >= end)
        result.append(UnitStatus(unit, due_on, report, overdue))
    return result


def subordinate_units(unit=None):
    """The units below `unit`; for the department (None) every unit below the department's own
    level: provinces, national units, cities and counties."""
    if unit is not None:
        return descendants(unit)
    from .hierarchy import level_order
    return db.session.scalars(db.select(RecommendingUnit).options(selectinload(RecommendingUnit.parent)).order_by(
        level_order().desc(), RecommendingUnit.registration_order)).all()


def not_reported(campaign, unit=None, now=None):
    """[UnitStatus] of the subordinate units of `unit` that have not reported, overdue ones first."""
    missing = [status for status in statuses(campaign, subordinate_units(unit), now) if not status.reported]
    return sorted(missing, key=lambda status: not status.overdue)
