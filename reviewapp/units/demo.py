"""The demo's county → city → province chain (seed 001's Linfen, Shanxi), with activity rows at
each level, deadlines per level and the county's report already in. Idempotent."""
from datetime import timedelta

from ..auth.models import Role, User
from ..cases.models import ActivityLogEntry, Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..organizations.models import Organization
from ..timezones import utc_to_local
from .hierarchy import add_local_unit
from .models import RecommendingUnit, UnitKind, UnitLevel
from .reporting import report_up, set_deadlines
from .reporting_models import UnitReport

CITY = ("临汾市体育局", "Linfen Municipal Sports Bureau")
COUNTY = ("临汾市尧都区教育体育局", "Yaodu District Education and Sports Bureau, Linfen")
# (level, name, short name, e-mail, contact, mobile, activities)
ORGANIZATIONS = [
    ("county", "尧都区社会体育指导员协会", "尧都社体协会", "county-org@demo.reviewapp.cn", "郭敏", "13800138011",
     ["社区八段锦公益教学", "健步走进乡村", "老年人体质监测志愿服务"]),
    ("city", "临汾市健身气功协会", "临汾气功协会", "city-org@demo.reviewapp.cn", "贾峰", "13800138012",
     ["“奋进新征程 运动促健康”健身气功展示", "线上太极拳公益课"]),
    ("province", "山西省老年人体育协会", "山西老体协", "province-org@demo.reviewapp.cn", "田静", "13800138013",
     ["全省老年人健身操舞志愿指导"]),
]
UNIT_USERS = [("province", "shanxi-unit@demo.reviewapp.cn", "山西体育局群体处"),
              ("city", "city-unit@demo.reviewapp.cn", "临汾市体育局群体科"),
              ("county", "county-unit@demo.reviewapp.cn", "尧都区教育体育局体育股")]


def _local(name, level, parent):
    unit = db.session.scalar(db.select(RecommendingUnit).filter_by(name_zh=name[0]))
    return unit or add_local_unit(None, name[0], level, parent, name[1])


def seed_unit_chain(campaign, now, credit_code, password):
    """Create what is missing of the chain; returns {level: unit}."""
    province = db.session.scalar(db.select(RecommendingUnit).filter_by(
        kind=UnitKind.PROVINCIAL_BUREAU, province="shanxi"))
    city = _local(CITY, UnitLevel.CITY, province)
    county = _local(COUNTY, UnitLevel.COUNTY, city)
    units = {"province": province, "city": city, "county": county}
    for level, email, name in UNIT_USERS:
        if db.session.scalar(db.select(User.id).filter_by(email=email)) is None:
            user = User(email=email, name=name, role=Role.UNIT, unit=units[level])
            user.set_password(password)
            db.session.add(user)
    for index, (level, name, short, email, contact, mobile, activities) in enumerate(ORGANIZATIONS, start=20):
        if db.session.scalar(db.select(Organization.id).filter_by(email=email)) is not None:
            continue
        org = Organization(name=name, short_names=short, org_type="instructors_association", province="shanxi",
                           credit_code=credit_code(index), contact_person=contact, mobile=mobile, email=email,
                           unit=units[level])
        user = User(email=email, name=contact, role=Role.ORGANIZATION, organization=org)
        user.set_password(password)
        submitted = now - timedelta(days=5)
        case = Case(campaign=campaign, organization=org, unit=province, title=f"{short}全民健身志愿服务",
                    summary=f"{name}常年组织志愿者开展科学健身指导。", language="zh", state=CaseState.SUBMITTED,
                    submitted_at=submitted, first_submitted_at=submitted, contact_person=contact,
                    contact_phone=mobile, people_served=1200 * (len(activities) + 1), service_places=["communities"])
        for number, activity in enumerate(activities, start=1):
            held = (now - timedelta(days=20 * number)).replace(hour=0, minute=0)
            case.activities.append(ActivityLogEntry(
                position=number, host_unit=name, name=activity, summary="组织社会体育指导员现场指导、答疑",
                mode="online" if "线上" in activity else "offline", held_on=held,
                held_on_text=utc_to_local(held, campaign.timezone).strftime("%Y年%m月%d日"),
                contact_person=contact, contact_details=mobile))
        db.session.add_all([org, user, case])
    db.session.flush()
    today = utc_to_local(now, campaign.timezone).date()
    if not db.session.scalar(db.select(UnitReport.id).filter_by(unit_id=county.id, campaign_id=campaign.id)):
        # As the city notice has it: counties first, the city a week later, the province after that.
        set_deadlines(None, campaign, {UnitLevel.COUNTY: today + timedelta(days=7),
                                       UnitLevel.CITY: today + timedelta(days=14),
                                       UnitLevel.PROVINCE: today + timedelta(days=21),
                                       UnitLevel.NATIONAL: today + timedelta(days=21)})
        report_up(None, county, campaign, now=now)
    return units
