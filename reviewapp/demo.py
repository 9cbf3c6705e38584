"""`flask seed-demo`: a realistic demo collection. Idempotent.

Every demo account's password is DEMO_PASSWORD; the README lists the accounts.
"""
from datetime import timedelta

from .audit import record
from .auth.models import Role, User
from .campaigns.models import Campaign, Criterion, Theme
from .campaigns.rubric import DEFAULT_CRITERIA, DEFAULT_LEVELS
from .cases.models import ActivityLogEntry, Case
from .cases.snapshot import take_snapshot
from .cases.workflow import CaseState
from .experts.demo import EXPERT_EMAILS, seed_experts_demo
from .extensions import db
from .review.demo import seed_review_demo
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


def _fill_demo_case(case, theme, org, now):
    """Narrative, figures, a year of activity rows and two generated photos, so the pages show content."""
    from .cases import evidence as store

    english = case.language == "en"
    texts = DEMO_TEXT_EN if english else DEMO_TEXT_ZH
    for attribute, text in texts.items():
        setattr(case, attribute, text)
    case.themes = [theme]
    case.volunteers, case.service_hours, case.activities_held = 120 + len(case.title), 18_400, 260
    case.people_served, case.start_year = 36_000, 2016
    case.service_places, case.volunteer_categories = ["communities", "parks"], ["instructors", "community"]
    case.contact_person, case.contact_phone = org.contact_person, org.mobile
    for number in range(1, 13):
        held = (now - timedelta(days=30 * (12 - number) + 3)).replace(hour=0, minute=0)
        case.activities.append(ActivityLogEntry(
            position=number, host_unit="Riverside Runners" if english else "社区健身站",
            name=(f"Sunday run no. {number}" if english else f"第{number}期科学健身公益课"),
            summary="Guided 5 km run" if english else "八段锦、健步走教学与体质监测",
            mode="online" if number % 4 == 0 else "offline", held_on=held,
            held_on_text=held.strftime("%Y-%m-%d"), contact_person=org.contact_person,
            contact_details=org.mobile))
    db.session.flush()
    for number, colour in enumerate([(196, 64, 52), (42, 112, 168)], start=1):
        caption = (f"Volunteers at work, photo {number}" if english else f"志愿者指导群众健身（{number}）")
        store.add_file(None, case, _demo_photo(colour, number), f"activity-{number}.jpg", caption)


def _demo_photo(colour, number):
    """A generated picture standing in for an activity photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 640), (232, 238, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 440, 960, 640], fill=(120, 170, 90))
    for index in range(6):
        x = 120 + index * 130
        draw.ellipse([x, 250, x + 50, 300], fill=(240, 200, 170))
        draw.rectangle([x + 5, 300, x + 45, 420], fill=colour)
    draw.ellipse([760 - number * 40, 60, 860 - number * 40, 160], fill=(250, 210, 80))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return output.getvalue()


DEMO_TEXT_ZH = {
    "organization_text": "协会下设 12 个街道分队，每队由一名国家级社会体育指导员任队长，建立了招募、培训、"
                         "考核和激励制度，志愿者服务时长全部录入志愿服务信息系统。",
    "activities_text": "每周二、四、六早晨在社区广场和公园开展科学健身指导，每月组织一次体质监测和健康讲座，"
                       "节假日开展全民健身主题活动，全年不间断。",
    "innovation_text": "与社区卫生服务中心合作开具“运动处方”，通过小程序预约课程和记录打卡，"
                       "把线下指导延伸到线上直播课堂。",
    "influence_text": "涌现出一批先进个人和优秀团队，活动经验被多家媒体报道，"
                      "带动周边社区建立了同类志愿服务站点。",
    "experience_text": "“指导员+医生+社区”三方联动、固定站点与流动服务相结合、服务时长与激励挂钩，"
                       "这些做法可以在其他城市社区复制推广。",
}
DEMO_TEXT_EN = {
    "organization_text": "Forty trained volunteer pacers in five squads, each led by a certified instructor; "
                         "recruitment, first-aid training and recognition are organised every season.",
    "activities_text": "A free guided run every Sunday morning all year round, plus a monthly stretching "
                       "class online and a health check twice a year.",
    "innovation_text": "Pace groups for every level, a buddy system for first-time runners and online "
                       "sign-up that lets anyone join without membership.",
    "influence_text": "Local media covered the runs; two neighbouring districts started their own groups "
                      "with our pacer training.",
    "experience_text": "Fixed time and place, trained pacers and zero cost to join: a format any riverside "
                       "city can copy.",
}


def seed_demo():
    """Create the demo data that is missing; return counts of what exists."""
    now = utcnow().replace(second=0, microsecond=0)
    load_units(default_units_csv())
    _user("admin@demo.reviewapp.cn", "群体司管理员", Role.ADMIN)
    beijing = db.session.scalar(db.select(RecommendingUnit).filter_by(province="beijing"))
    _user("unit@demo.reviewapp.cn", "北京体育局群体处", Role.UNIT, unit=beijing)
    for n, name in enumerate(["赵教授", "钱研究员", "Prof. Sun"], start=1):
        _user(EXPERT_EMAILS[n - 1], name, Role.EXPERT)
    db.session.flush()
    seed_experts_demo()
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
            _user(email, contact, Role.ORGANIZATION, organization=org, organization_owner=True)
        organizations.append(org)
    db.session.flush()

    for org_index, title, summary, _theme, state in CASES:
        org = organizations[org_index]
        if db.session.scalar(db.select(Case.id).filter_by(organization_id=org.id, title=title)):
            continue
        case = Case(
            campaign=campaign, organization=org, unit=org.unit, title=title, summary=summary,
            language="en" if title.isascii() else "zh", state=state,
            submitted_at=now - timedelta(days=3) if state is not CaseState.DRAFT else None)
        db.session.add(case)
        _fill_demo_case(case, campaign.themes[_theme], org, now)
        if case.submitted_at is not None:  # as submit_case leaves it: on record, with its copy
            db.session.flush()
            case.first_submitted_at, case.submitted_snapshot = case.submitted_at, take_snapshot(case, case.submitted_at)
    db.session.flush()
    seed_review_demo()
    # After the review demo: the chain's cases stay submitted, waiting for Shanxi's screening.
    from .units.demo import seed_unit_chain
    seed_unit_chain(campaign, now, _credit_code, DEMO_PASSWORD)
    return {
        "users": db.session.scalar(db.select(db.func.count(User.id))),
        "organizations": db.session.scalar(db.select(db.func.count(Organization.id))),
        "units": db.session.scalar(db.select(db.func.count(RecommendingUnit.id))),
        "cases": db.session.scalar(db.select(db.func.count(Case.id))),
    }
