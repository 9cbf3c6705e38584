"""Each case is routed to the unit that screens it."""
import pytest

from reviewapp.recommendation.routing import RoutingError, route_case
from reviewapp.units.models import UnitKind
from tests.factories import make_campaign
from tests.recommendation.data import make_case, make_org, make_unit


def test_a_case_goes_to_the_bureau_of_its_province(app):
    make_unit("北京市体育局", "beijing")
    shanghai = make_unit("上海市体育局", "shanghai")
    case = make_case(make_campaign(), make_org(province="shanghai"))
    assert route_case(case) is shanghai and case.unit_id == shanghai.id


def test_the_chosen_national_unit_wins_over_the_province(app):
    make_unit("北京市体育局", "beijing")
    association = make_unit("中国田径协会", None, kind=UnitKind.NATIONAL_ASSOCIATION)
    case = make_case(make_campaign(), make_org(province="beijing", unit_id=association.id))
    assert route_case(case) is association


def test_without_a_unit_the_case_is_direct_if_allowed(app):
    case = make_case(make_campaign(allow_direct_submission=True), make_org(province="tibet"))
    assert route_case(case) is None and case.unit_id is None


def test_without_a_unit_and_without_direct_submission_routing_is_refused(app):
    case = make_case(make_campaign(), make_org(province="tibet"))
    with pytest.raises(RoutingError):
        route_case(case)
