"""A unit's roll-up: the activity rows of its organizations and of every unit below it.

An organization belongs to the unit it chose (Organization.unit_id: a county bureau, say),
else to the unit that screens its case (its provincial bureau). Drafts are not reported.
"""
from types import SimpleNamespace

from sqlalchemy import func

from ..cases.activity_log import export_xlsx
from ..cases.models import ActivityLogEntry, Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..organizations.models import Organization
from .hierarchy import subtree_ids

HOME_UNIT = func.coalesce(Organization.unit_id, Case.unit_id)


def _rows_select(campaign, unit=None):
    select = (db.select(ActivityLogEntry, Case, Organization, HOME_UNIT.label("home_unit_id"))
              .join(Case, Case.id == ActivityLogEntry.case_id)
              .join(Organization, Organization.id == Case.organization_id)
              .filter(Case.campaign_id == campaign.id, Case.state != CaseState.DRAFT))
    if unit is not None:
        select = select.filter(HOME_UNIT.in_(subtree_ids(unit.id)))
    return select


def rollup_rows(campaign, unit=None):
    """[(entry, case, organization, home unit id)] under `unit` (None: every unit, for the department),
    by organization, then case, then the row's 序号."""
    return db.session.execute(_rows_select(campaign, unit).order_by(
        Organization.name, Case.id, ActivityLogEntry.position, ActivityLogEntry.id)).all()


def rollup_counts(campaign, unit=None):
    """{home unit id: number of rows} under `unit` (one grouped query)."""
    inner = _rows_select(campaign, unit).subquery()
    return dict(db.session.execute(
        db.select(inner.c.home_unit_id, func.count()).group_by(inner.c.home_unit_id)).all())


def issued_entries(rows):
    """The rows as the statistics table writes them; a row without a host unit is its organization's."""
    return [SimpleNamespace(host_unit=entry.host_unit or organization.name, name=entry.name,
                            summary=entry.summary, mode=entry.mode, held_on_text=entry.held_on_text,
                            contact_person=entry.contact_person, contact_details=entry.contact_details,
                            remarks=entry.remarks)
            for entry, _case, organization, _home in rows]


def issued_xlsx(campaign, unit=None):
    """The table exactly as issued (seed 001): "<year> 年全民健身志愿服务活动统计表", the
    单位名称（盖章）： line with the unit's name, the header, the roll-up's rows numbered 1..n."""
    return export_xlsx(issued_entries(rollup_rows(campaign, unit)), year=campaign.year,
                       unit_name=unit.name_zh if unit is not None else "")
