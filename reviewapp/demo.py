"""`flask seed-demo`: a realistic demo collection. Idempotent.

Every demo account's password is DEMO_PASSWORD; the README lists the accounts.
"""
from datetime import timedelta

from .audit import record
from .auth.models import Role, User
from .campaigns.models import Campaign, Criterion, Theme
from .campaigns.rubric import DEFAULT_CRITERIA, DEFAULT_LEVELS
from .cases.models import Case
from .cases.workflow import CaseState
from .extensions import db
from .organizations.credit_code import check_character
from .organizations.models import Organization
from .timezones import utcnow
from .units.loader import default_units_csv, load_units
from .units.models import RecommendingUnit

DEMO_PASSWORD = "demo-password"

THEMES = [("体医融合", "Sports and medicine"), ("体教融合", "Sports and education"),
          ("为老助残", "Elderly care and disability"), ("乡村振兴", "Rural revitalization"),
          ("基层社会治理", "Grassroots social governance")]

# name, short names, type, province, contact, mobile, e-mail
ORGANIZATIONS = [
    ("北京市朝阳区社会体育指导员协会", "朝阳社体协会", "instructors_association", "beijing",
     "王丽", "13800138001", "org1@demo.reviewapp.cn"),
    ("上海市徐汇区健身气功协会", "徐汇气功协会", "sports_association", "shanghai",
     "陈明", "13800138002", "org2@demo.reviewapp.cn"),
    ("浙江省杭州市西湖区新时代文明实践中心健身志愿服务队", "西湖健身志愿队", "civilization_practice_team",
     "zhejiang", "周强", "13800138003", "org3@demo.reviewapp.cn"),
    ("湖南师范大学体育学院志愿服务团", "湖师大体院志愿团", "school_group", "hunan",
     "李娜", "13800138004", "org4@demo.reviewapp.cn"),
    ("Guangzhou Riverside Runners Volunteer Club", "Riverside Runners", "other_social_group",
     "guangdong", "Liang Wei", "13800138005", "org5@demo.reviewapp.cn"),
    ("四川省成都市武侯区老年人体育协会", "武侯老体协", "mass_sports_association", "sichuan",
     "张华", "13800138006", "org6@demo.reviewapp.cn"),
]

CASES = [
    (0, "“健身指导进社区”社会体育指导员常态化志愿服务", "协会组织 320 名社会体育指导员，每周在 46 个社区开展科学健身指导。",
     0, CaseState.SUBMITTED),
    (1, "健身气功公园晨练点志愿服务项目", "在公园和广场设立 28 个晨练点，常年免费教授八段锦、太极等健身气功功法。",
     2, CaseState.RECOMMENDED),
    (2, "文明实践“运动处方”进乡村", "联合社区卫生服务中心，为村民开具运动处方，推动体医融合下沉到村。",
     0, CaseState.DRAFT),
    (3, "大学生志愿者“体育支教”助力乡村学校", "组织体育专业学生到乡村学校开展体育支教，覆盖 12 所学校。",
     1, CaseState.SUBMITTED),
    (4, "Riverside Sunday Runs for Everyone", "Weekly free guided runs along the Pearl River for residents of all "
     "ages, with trained volunteer pacers and first-aid cover.", 4, CaseState.SUBMITTED),
    (5, "银龄健身互助队：老年人带老年人科学健身", "组建 60 支银龄互助健身队，由老年志愿者带动独居老人参与健身。",
     2, CaseState.DRAFT),
]


def _credit_code(index):
    first17 = f"5111000{index:02d}0001234"[:17].ljust(17, "0")
    return first17 + check_character(first17)


def _user(email, name, role, **extra):
    user = db.session.scalar(db.select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=name, role=role, **extra)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    return user


def _campaign(now):
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="2026"))
    if campaign is not None:
        return campaign
    campaign = Campaign(
        year=2026, slug="2026",
        title_zh="2026年全民健身志愿服务优秀案例征集活动",
        title_en="2026 Collection of Excellent National Fitness Volunteer Service Cases",
        call_text_zh="聚焦全民健身需求，弘扬“奉献、友爱、互助、进步”的志愿精神，"
                     "征集组织健全、活动经常、形式创新、影响广泛的全民健身志愿服务优秀案例。",
        call_text_en="We collect national fitness volunteer-service cases with sound organization, "
                     "regular activities, innovative forms and wide influence.",
        timezone="Asia/Shanghai",
        submission_opens=now - timedelta(days=30), submission_closes=now + timedelta(days=30),
        recommendation_closes=now + timedelta(days=45), review_opens=now + timedelta(days=50),
        review_closes=now + timedelta(days=80),
        reviewers_per_case=3, selection_quota=130, unit_quota=10,
        themes=[Theme(position=i, name_zh=zh, name_en=en) for i, (zh, en) in enumerate(THEMES)],
        criteria=[Criterion(position=i, weight=1, levels=DEFAULT_LEVELS, **c)
                  for i, c in enumerate(DEFAULT_CRITERIA)],
    )
    db.session.add(campaign)
    db.session.flush()
    record(None, "campaign.created", campaign, changes={"slug": "2026", "demo": True})
    return campaign


def seed_demo():
    """Create the demo data that is missing; return counts of what exists."""
    now = utcnow().replace(second=0, microsecond=0)
    load_units(default_units_csv())
    _user("admin@demo.reviewapp.cn", "群体司管理员", Role.ADMIN)
    beijing = db.session.scalar(db.select(RecommendingUnit).filter_by(province="beijing"))
    _user("unit@demo.reviewapp.cn", "北京体育局群体处", Role.UNIT, unit=beijing)
    for n, name in enumerate(["赵教授", "钱研究员", "Prof. Sun"], start=1):
        _user(f"expert{n}@demo.reviewapp.cn", name, Role.EXPERT)
    campaign = _campaign(now)

    organizations = []
    for index, (name, short, kind, province, contact, mobile, email) in enumerate(ORGANIZATIONS):
        org = db.session.scalar(db.select(Organization).filter_by(email=email))
        if org is None:
            unit = db.session.scalar(db.select(RecommendingUnit).filter_by(province=province))
            org = Organization(name=name, short_names=short, org_type=kind, province=province,
                               credit_code=_credit_code(index), contact_person=contact,
                               mobile=mobile, email=email, unit=unit)
            db.session.add(org)
            _user(email, contact, Role.ORGANIZATION, organization=org)
        organizations.append(org)
    db.session.flush()

    for org_index, title, summary, _theme, state in CASES:
        org = organizations[org_index]
        if db.session.scalar(db.select(Case.id).filter_by(organization_id=org.id, title=title)):
            continue
        db.session.add(Case(
            campaign=campaign, organization=org, unit=org.unit, title=title, summary=summary,
            language="en" if title.isascii() else "zh", state=state,
            submitted_at=now - timedelta(days=3) if state is not CaseState.DRAFT else None))
    db.session.flush()
    return {
        "users": db.session.scalar(db.select(db.func.count(User.id))),
        "organizations": db.session.scalar(db.select(db.func.count(Organization.id))),
        "units": db.session.scalar(db.select(db.func.count(RecommendingUnit.id))),
        "cases": db.session.scalar(db.select(db.func.count(Case.id))),
    }
