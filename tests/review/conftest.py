"""A campaign in its review window, an applicant full of identity strings, and assigned experts."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reviewapp.extensions import db
from tests.factories import jpeg_bytes, make_campaign, make_organization, make_user, sign_in_as  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "evidence-samples"
ORG_NAME = "北京市示例体育协会"
PHOTO_NAME = "朝阳社体协会晨练.jpg"
PDF_NAME = "北京市示例体育协会年度报告.pdf"
LEAKY_LINK = "https://www.cysports.org.cn/video/1"
SAFE_LINK = "https://www.bilibili.com/video/BV1xx411c7mD"


def review_window(now=None):
    now = now or datetime.now(timezone.utc)
    return dict(submission_opens=now - timedelta(days=60), submission_closes=now - timedelta(days=30),
                recommendation_closes=now - timedelta(days=20), review_opens=now - timedelta(days=1),
                review_closes=now + timedelta(days=10))


def make_case(campaign, organization, title, narrative):
    from reviewapp.cases.models import ActivityLogEntry, Case
    from reviewapp.cases.workflow import CaseState
    case = Case(campaign=campaign, organization=organization, unit=organization.unit, title=title,
                summary="每周在社区开展科学健身指导。", state=CaseState.UNDER_REVIEW,
                contact_person="王丽", contact_phone="13800138000",
                submitted_at=datetime.now(timezone.utc) - timedelta(days=35))
    db.session.add(case)
    for attribute in ("organization_text", "activities_text", "innovation_text", "influence_text",
                      "experience_text"):
        setattr(case, attribute, narrative)
    case.volunteers, case.service_hours, case.activities_held, case.people_served = 120, 5000, 48, 9000
    case.start_year = 2016
    case.themes = list(campaign.themes)
    case.service_places, case.volunteer_categories = ["communities"], ["instructors"]
    for month in range(1, 4):
        held = case.submitted_at - timedelta(days=30 * month)
        case.activities.append(ActivityLogEntry(position=month, host_unit=ORG_NAME, name="八段锦教学",
                                                summary="由王丽组织", mode="offline", held_on=held,
                                                held_on_text=held.strftime("%Y-%m-%d"),
                                                contact_person="王丽", contact_details="13800138000"))
    db.session.add(case)
    db.session.flush()
    return case


def confirm(case, expert):
    from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
    assignment = ReviewAssignment(campaign_id=case.campaign_id, case_id=case.id, expert_id=expert.id,
                                  status=AssignmentStatus.CONFIRMED, confirmed_at=datetime.now(timezone.utc))
    db.session.add(assignment)
    db.session.flush()
    return assignment


class Setup:
    """Names for what the fixture made."""


@pytest.fixture
def setup(app):
    from reviewapp.cases import evidence as store
    from reviewapp.units.models import RecommendingUnit, UnitKind

    unit = RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="北京市体育局",
                            name_en="Beijing Municipal Sports Bureau", province="beijing")
    db.session.add(unit)
    db.session.commit()
    s = Setup()
    s.campaign = make_campaign(**review_window())
    s.org_user = make_organization(short_names="朝阳社体协会", website="https://www.cysports.org.cn", unit=unit)
    s.organization = s.org_user.organization
    s.unit = unit
    s.case = make_case(s.campaign, s.organization, "社区健身志愿服务常态化案例",
                       f"{ORG_NAME}每周三次在公园和社区广场开展健身指导，联系人王丽。")
    store.add_file(None, s.case, jpeg_bytes(), PHOTO_NAME, "晨练点")
    store.add_file(None, s.case, (SAMPLES / "report_xmp_author.pdf").read_bytes(), PDF_NAME, "年度报告")
    store.add_link(None, s.case, LEAKY_LINK, "宣传片")
    store.add_link(None, s.case, SAFE_LINK, "活动视频")
    other_user = make_organization(name="上海市另一个体育协会", province="shanghai", email="other@example.cn")
    s.other_case = make_case(s.campaign, other_user.organization, "另一个案例", "在上海开展活动。")
    s.experts = [make_user("expert", email=f"expert{n}@example.cn") for n in (1, 2, 3)]
    s.assignments = [confirm(s.case, s.experts[0]), confirm(s.case, s.experts[1])]
    s.other_assignment = confirm(s.other_case, s.experts[2])
    # A thread on the case names the organization (reviewapp/messages): the crawler must never meet it.
    from reviewapp.messages.models import APPLICANT, DEPARTMENT, CaseMessage
    s.case.first_submitted_at = s.case.submitted_at
    db.session.add_all([CaseMessage(case=s.case, side=DEPARTMENT, body="请朝阳社体协会补充北京的活动照片。"),
                        CaseMessage(case=s.case, side=APPLICANT, body=f"{ORG_NAME}已补充。")])
    db.session.commit()
    return s


@pytest.fixture
def expert_client(app, setup):
    return sign_in_as(app.test_client(), setup.experts[0])


def token(assignment):
    from reviewapp.review.queries import token_for
    return token_for(assignment)


def identity_strings(setup):
    """Every string that identifies the applicant of `setup.case`."""
    org = setup.organization
    return [org.name, "朝阳社体协会", "北京", "Beijing", org.contact_person, org.mobile, org.email,
            org.credit_code, setup.unit.name_zh, setup.unit.name_en, PHOTO_NAME, PDF_NAME,
            PHOTO_NAME.rsplit(".", 1)[0], PDF_NAME.rsplit(".", 1)[0], "cysports"]
