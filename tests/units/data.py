"""A Shanxi chain for the unit tests: 山西体育局 → 临汾市体育局 → two counties, with an organization
and a submitted case of activity rows at every unit, plus a draft that must never be reported."""
from datetime import datetime, timezone
from types import SimpleNamespace

from reviewapp.cases.models import ActivityLogEntry, Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.units.hierarchy import add_local_unit
from reviewapp.units.models import RecommendingUnit, UnitKind, UnitLevel
from tests.factories import make_campaign, make_organization, make_user


def _case(campaign, org_user, screening, rows, state=CaseState.SUBMITTED):
    case = Case(campaign=campaign, organization=org_user.organization, unit=screening, title="案例", state=state,
                people_served=500, service_places=["communities", "parks"])
    for number, name in enumerate(rows, start=1):
        case.activities.append(ActivityLogEntry(
            position=number, host_unit="" if number == 2 else "社区健身站", name=name, summary="健身指导",
            mode="online" if number == 2 else "offline",
            held_on=datetime(2026, 6, number, tzinfo=timezone.utc), held_on_text=f"2026年6月{number}日",
            contact_person="王丽", contact_details="13800138000"))
    db.session.add(case)
    return case


def build_chain():
    d = SimpleNamespace()
    d.campaign = make_campaign()
    d.province = RecommendingUnit(registration_order=21, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="山西体育局",
                                  name_en="Shanxi Sports Bureau", province="shanxi")
    d.other_province = RecommendingUnit(registration_order=22, kind=UnitKind.PROVINCIAL_BUREAU,
                                        name_zh="河北体育局", name_en="Hebei Sports Bureau", province="hebei")
    db.session.add_all([d.province, d.other_province])
    db.session.flush()
    d.city = add_local_unit(None, "临汾市体育局", UnitLevel.CITY, d.province, "Linfen Sports Bureau")
    d.county = add_local_unit(None, "尧都区教育体育局", UnitLevel.COUNTY, d.city)
    d.sibling = add_local_unit(None, "曲沃县教育体育局", UnitLevel.COUNTY, d.city)
    db.session.commit()
    orgs = {}
    for key, unit, email in (("county", d.county, "yaodu@example.cn"), ("sibling", d.sibling, "quwo@example.cn"),
                             ("city", d.city, "linfen@example.cn"), ("province", d.province, "shanxi@example.cn"),
                             ("other", d.other_province, "hebei@example.cn")):
        orgs[key] = make_organization(name=f"{unit.name_zh}所属协会", province=unit.province, email=email, unit=unit)
    d.orgs = orgs
    _case(d.campaign, orgs["county"], d.province, ["尧都八段锦", "尧都线上健步走"])
    _case(d.campaign, orgs["sibling"], d.province, ["曲沃太极拳"])
    _case(d.campaign, orgs["city"], d.province, ["临汾健身气功展示"])
    _case(d.campaign, orgs["province"], d.province, ["山西老年健身操"])
    _case(d.campaign, orgs["other"], d.other_province, ["河北广场舞"])
    _case(d.campaign, orgs["county"], d.province, ["尧都草稿活动"], state=CaseState.DRAFT)
    db.session.commit()
    d.users = {key: make_user("unit", email=f"{key}-unit@example.cn", unit_id=unit.id)
               for key, unit in (("county", d.county), ("sibling", d.sibling), ("city", d.city),
                                 ("province", d.province), ("other", d.other_province))}
    return d
