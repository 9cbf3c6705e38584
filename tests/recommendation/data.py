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


def pdf_bytes(pages=1):
    import io

    import pikepdf
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def submitted_case_with_evidence(app, campaign=None):
    """A Beijing applicant's case submitted through its own pages, routed to the Beijing bureau:
    a photo, a PDF, a video link and two activity rows. Returns (case, org client, unit user)."""
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import ActivityLogEntry
    from tests.factories import complete_case, make_campaign, sign_in_as, submit_form

    campaign = campaign or make_campaign()
    unit = make_unit("北京市体育局", "beijing")
    applicant = make_organization(province="beijing", email=f"applicant{next(_numbers)}@example.cn")
    case = Case(campaign=campaign, organization=applicant.organization, contact_person="王丽",
                contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    complete_case(case, applicant)
    case.activities.append(ActivityLogEntry(position=2, name="太极拳进社区", mode="online", host_unit="朝阳区社体协会",
                                            held_on_text="3月8日", contact_person="李强"))
    store.add_file(applicant, case, pdf_bytes(2), "活动总结.pdf", "活动总结报告")
    store.add_link(applicant, case, "https://v.example.com/watch?v=42", "活动视频")
    db.session.commit()
    org = sign_in_as(app.test_client(), applicant)
    response = submit_form(org, f"/cases/{case.id}/submit", {})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Case, case.id), org, make_unit_user(unit)
