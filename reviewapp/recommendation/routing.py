"""Which recommending unit screens a case."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..units.models import RecommendingUnit, UnitKind


class RoutingError(Exception):
    """No unit screens the case and the campaign takes no direct submissions."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def unit_for_organization(organization):
    """The unit the organization chose, else its province's sports bureau, else None. A city or
    county bureau screens no cases: its organizations' cases go to the province above it."""
    if organization.unit_id is not None:
        from ..units.hierarchy import screening_unit
        unit = screening_unit(organization.unit or db.session.get(RecommendingUnit, organization.unit_id))
        if unit is not None:
            return unit
    return db.session.scalar(db.select(RecommendingUnit).filter_by(
        kind=UnitKind.PROVINCIAL_BUREAU, province=organization.province).order_by(
        RecommendingUnit.registration_order))


def route_case(case):
    """Set `case.unit` at submission and return it (None: direct submission).

    The organization's chosen unit (a national association or directly
    affiliated centre) wins; otherwise the provincial bureau of its province.
    Without either, the case goes straight to review if the campaign allows
    direct submission, and RoutingError is raised if it does not.
    """
    unit = unit_for_organization(case.organization)
    if unit is None and not case.campaign.allow_direct_submission:
        raise RoutingError(_l("No recommending unit screens cases from your province yet, and this "
                              "campaign does not accept direct submissions. Please contact the organizers."))
    case.unit = unit
    case.unit_id = unit.id if unit is not None else None
    return unit
