"""Look-ups behind the administration lists."""
from sqlalchemy.orm import joinedload

from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..input_limits import parse_id
from ..organizations.models import Organization


def case_list_query(filters):
    """Cases, newest first, filtered by campaign id, state and the organization's province."""
    query = (db.select(Case).join(Organization)
             .options(joinedload(Case.organization), joinedload(Case.campaign), joinedload(Case.unit))
             .order_by(Case.created_at.desc(), Case.id.desc()))
    if campaign_id := parse_id(filters.get("campaign")):
        query = query.filter(Case.campaign_id == campaign_id)
    if filters.get("state") in {s.value for s in CaseState}:
        query = query.filter(Case.state == CaseState(filters["state"]))
    if filters.get("province"):
        query = query.filter(Organization.province == filters["province"])
    return query
