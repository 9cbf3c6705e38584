"""Test data for recommendation, experts and assignment: units, cases, experts."""
import itertools
from datetime import datetime, timezone

from reviewapp.auth.models import Role, User
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db
from reviewapp.units.models import RecommendingUnit, UnitKind
from tests.factories import PASSWORD, make_organization

_numbers = itertools.count(1)


def make_unit(name_zh="北京市体育局", province="beijing", kind=UnitKind.PROVINCIAL_BUREAU, order=None):
    order = order or next(_numbers) + 100
    unit = RecommendingUnit(registration_order=order, kind=kind, name_zh=name_zh,
                            name_en=f"{name_zh} (en)", province=province)
    db.session.add(unit)
    db.session.commit()
    return unit


def make_unit_user(unit, email=None):
    user = User(email=email or f"unit{unit.id}@example.cn", name="处长", role=Role.UNIT, unit=unit)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_org(name=None, province="beijing", email=None, **extra):
    n = next(_numbers)
    user = make_organization(name=name or f"示例体育协会{n}号", province=province,
                             email=email or f"org{n}@example{n}.cn", **extra)
    return user.organization


def make_case(campaign, organization, state=CaseState.SUBMITTED, unit=None, title=None, themes=()):
    n = next(_numbers)
    case = Case(campaign=campaign, organization=organization, unit=unit, state=state,
                title=title or f"案例 {n}", summary=f"Summary of case {n}",
                submitted_at=datetime.now(timezone.utc), themes=list(themes),
                contact_person="联系人甲", contact_phone="13900000000")
    db.session.add(case)
    db.session.commit()
    return case


def make_expert(name=None, province=None, affiliation="", max_load=10, themes=(), email=None,
                available=True):
    n = next(_numbers)
    email = email or f"expert{n}@university{n}.edu.cn"
    user = User(email=email, name=name or f"专家{n}", role=Role.EXPERT)
    user.set_password(PASSWORD)
    profile = ExpertProfile(email=email, name=user.name, province=province, affiliation=affiliation,
                            max_load=max_load, themes=list(themes), available=available)
    db.session.add_all([user, profile])
    db.session.commit()
    return user
