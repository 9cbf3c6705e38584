"""The expert pool: adding and importing experts, blind summaries, declarations, bids."""
import re
from io import BytesIO

from openpyxl import Workbook

from reviewapp.assignment.affinity import Bid as BidLevel
from reviewapp.audit import AuditEntry
from reviewapp.auth.models import Invitation
from reviewapp.cases.workflow import CaseState
from reviewapp.experts.models import Bid, Conflict, ConflictSource, ExpertProfile
from reviewapp.experts.operations import ExpertError, waive_conflict
from reviewapp.experts.pool_tokens import pool_token
from reviewapp.experts.queries import active_conflict_pairs, pool_experts
from reviewapp.extensions import db
from tests.factories import make_campaign, sign_in_as, submit_form
from tests.recommendation.data import make_case, make_expert, make_org, make_unit


def test_admin_adds_an_expert_and_invites_them(app, login_as):
    make_campaign()
    client, _admin = login_as("admin")
    response = submit_form(client, "/experts/new", {
        "email": "Zhao@Univ.edu.cn", "name": "赵教授", "province": "hunan", "affiliation": "湖南师范大学",
        "themes": ["体医融合"], "max_load": "8", "available": "y"})
    assert response.status_code == 302
    profile = db.session.scalar(db.select(ExpertProfile))
    assert (profile.email, profile.province, profile.themes, profile.max_load) == \
        ("zhao@univ.edu.cn", "hunan", ["体医融合"], 8)
    assert db.session.scalar(db.select(Invitation).filter_by(email="zhao@univ.edu.cn")) is not None
    assert "赵教授" in client.get("/experts/").get_data(as_text=True)


def test_the_form_keeps_typed_values_on_error(app, login_as):
    client, _admin = login_as("admin")
    page = submit_form(client, "/experts/new", {"email": "not-an-email", "name": "钱研究员",
                                                "max_load": "5"}).get_data(as_text=True)
    assert 'value="钱研究员"' in page and 'value="not-an-email"' in page


def _upload(client, name, data):
    return submit_form(client, "/experts/import", {"file": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_import_refuses_everything_when_a_row_is_bad(app, login_as):
    client, _admin = login_as("admin")
    csv = ("姓名,邮箱,省份,单位,专长主题,最大评审量,可参与\n"
           "赵教授,zhao@univ.edu.cn,湖南,湖南师范大学,体医融合;为老助残,8,是\n"
           "钱研究员,not-an-email,北京,,,5,是\n"
           "孙老师,sun@school.cn,火星,,,x,maybe\n").encode("utf-8")
    page = _upload(client, "experts.csv", csv).get_data(as_text=True)
    assert "Row 3:" in page and "not-an-email" in page
    assert "Row 4:" in page and "unknown province" in page and "maximum load" in page
    assert "Row 2:" not in page
    assert db.session.scalar(db.select(db.func.count(ExpertProfile.id))) == 0


def test_import_from_xlsx(app, login_as):
    client, _admin = login_as("admin")
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "province", "affiliation", "themes", "max_load", "available"])
    sheet.append(["Prof. Sun", "sun@univ.edu.cn", "Guangdong", "Sun Yat-sen University", "体教融合", 6, "yes"])
    sheet.append(["李老师", "li@school.cn", "", "", "", None, None])
    buffer = BytesIO()
    book.save(buffer)
    assert _upload(client, "experts.xlsx", buffer.getvalue()).status_code == 302
    profiles = {p.email: p for p in db.session.scalars(db.select(ExpertProfile))}
    assert profiles["sun@univ.edu.cn"].province == "guangdong" and profiles["sun@univ.edu.cn"].max_load == 6
    assert profiles["li@school.cn"].max_load == 10 and profiles["li@school.cn"].available


def _pool_case(campaign, **org):
    organization = make_org(name="北京市朝阳区社会体育指导员协会", province="beijing",
                            email="office@cysports.org.cn", **org)
    return make_case(campaign, organization, state=CaseState.RECOMMENDED, unit=make_unit(),
                     title="健身指导进社区", themes=campaign.themes)


def test_blind_summaries_never_show_who_applied(app):
    campaign = make_campaign(bidding_enabled=True)
    case = _pool_case(campaign)
    expert = make_expert(province="hunan")
    client = sign_in_as(app.test_client(), expert)
    page = client.get("/experts/cases").get_data(as_text=True)
    assert case.title in page and case.summary in page
    organization = case.organization
    for secret in [organization.name, "朝阳", "北京", "Beijing", organization.contact_person, organization.mobile,
                   organization.email, "cysports", case.contact_person, case.contact_phone, case.unit.name_zh]:
        assert secret not in page, secret
    assert "I may know this case" in page and "Eager to review" in page


def test_expert_declares_a_conflict_and_bids(app):
    campaign = make_campaign(bidding_enabled=True)
    case = _pool_case(campaign)
    expert = make_expert(province="hunan")
    client = sign_in_as(app.test_client(), expert)
    submit_form(client, "/experts/cases", {"level": "eager"}, action=f"/experts/cases/{pool_token(case)}/bid")
    assert db.session.scalar(db.select(Bid)).level is BidLevel.EAGER
    submit_form(client, "/experts/cases", {}, action=f"/experts/cases/{pool_token(case)}/may-know")
    conflict = db.session.scalar(db.select(Conflict))
    assert (conflict.case_id, conflict.expert_id, conflict.source) == (case.id, expert.id, ConflictSource.EXPERT)
    assert (case.id, expert.id) in active_conflict_pairs([case], pool_experts())
    assert "You said you may know this case." in client.get("/experts/cases").get_data(as_text=True)


def test_pool_forms_name_cases_by_opaque_tokens_only(app):
    """Sequential case ids would tell an expert how many cases came before and after one."""
    campaign = make_campaign(bidding_enabled=True)
    case = _pool_case(campaign)
    expert = make_expert(province="hunan")
    client = sign_in_as(app.test_client(), expert)
    page = client.get("/experts/cases").get_data(as_text=True)
    actions = re.findall(r'action="([^"]+)"', page)
    assert f"/experts/cases/{pool_token(case)}/may-know" in actions
    assert f"/experts/cases/{pool_token(case)}/bid" in actions
    assert not any(re.search(rf"/{case.id}(?:/|$)", action) for action in actions), actions
    for path in (f"/experts/cases/{case.id}/may-know", f"/experts/cases/{case.id}/bid"):
        assert submit_form(client, "/experts/cases", {"level": "eager"}, action=path).status_code == 404
    assert db.session.scalar(db.select(Bid)) is None and db.session.scalar(db.select(Conflict)) is None


def test_bids_are_refused_when_the_campaign_takes_none(app):
    campaign = make_campaign()
    case = _pool_case(campaign)
    client = sign_in_as(app.test_client(), make_expert())
    response = submit_form(client, "/experts/cases", {"level": "eager"}, action=f"/experts/cases/{pool_token(case)}/bid",
                           follow_redirects=True)
    assert "does not take bids" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Bid)) is None


def test_experts_cannot_reach_cases_outside_the_pool(app):
    campaign = make_campaign(bidding_enabled=True)
    hidden = make_case(campaign, make_org(), state=CaseState.SUBMITTED, unit=make_unit())
    client = sign_in_as(app.test_client(), make_expert())
    assert hidden.title not in client.get("/experts/cases").get_data(as_text=True)
    response = submit_form(client, "/experts/cases", {"level": "eager"}, action=f"/experts/cases/{pool_token(hidden)}/bid")
    assert response.status_code == 404


def test_a_detected_conflict_is_waived_only_with_a_reason(app, login_as):
    campaign = make_campaign()
    case = _pool_case(campaign)
    expert = make_expert(province="beijing")
    assert (case.id, expert.id) in active_conflict_pairs([case], pool_experts())
    client, admin = login_as("admin")
    page = f"/experts/campaigns/{campaign.id}/conflicts"
    assert "Same province as the applicant" in client.get(page).get_data(as_text=True)
    submit_form(client, page, {"reason": " "}, action=f"{page}/{case.id}/{expert.id}/waive")
    assert (case.id, expert.id) in active_conflict_pairs([case], pool_experts())
    try:
        waive_conflict(expert, case, expert, "I am neutral")
    except ExpertError:
        db.session.rollback()
    else:
        raise AssertionError("an expert waived a conflict")
    submit_form(client, page, {"reason": "Retired from the bureau in 2015"},
                action=f"{page}/{case.id}/{expert.id}/waive")
    assert active_conflict_pairs([case], pool_experts()) == set()
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="conflict.waived"))
    assert entry.reason == "Retired from the bureau in 2015" and entry.actor_id == admin.id


def test_admin_declares_a_conflict(app, login_as):
    campaign = make_campaign()
    case = _pool_case(campaign)
    expert = make_expert(province="hunan")
    client, _admin = login_as("admin")
    page = f"/experts/campaigns/{campaign.id}/conflicts"
    submit_form(client, page, {"case_id": str(case.id), "expert_id": str(expert.id), "note": "Former colleague"})
    conflict = db.session.scalar(db.select(Conflict))
    assert conflict.source is ConflictSource.ADMIN and conflict.note == "Former colleague"


def test_role_guards(app, login_as):
    campaign = make_campaign()
    for role in ("unit", "expert", "organization"):
        client, _user = login_as(role, email=f"{role}@guard.cn")
        for path in ["/experts/", "/experts/new", "/experts/import", f"/experts/campaigns/{campaign.id}/conflicts"]:
            assert client.get(path).status_code == 403, (role, path)
    for role in ("unit", "admin"):
        client, _user = login_as(role, email=f"{role}2@guard.cn")
        assert client.get("/experts/cases").status_code == 403


def test_pool_page_redacts_the_applicant_from_titles_and_summaries(app, login_as):
    """A title or summary naming the applicant is shown redacted to experts."""
    from reviewapp.cases.models import Case
    from reviewapp.cases.workflow import CaseState
    from reviewapp.extensions import db
    from tests.factories import make_campaign, make_organization
    campaign = make_campaign()
    org = make_organization(name="西湖区阳光健身志愿者协会", email="sun@example.cn").organization
    db.session.add(Case(campaign=campaign, organization=org, state=CaseState.RECOMMENDED,
                        title="西湖区阳光健身志愿者协会的晨练服务", summary="联系人王丽，电话13800138000"))
    db.session.commit()
    client, _ = login_as("expert")
    page = client.get("/experts/cases").get_data(as_text=True)
    assert "晨练服务" in page
    assert "阳光健身志愿者协会" not in page and "13800138000" not in page and "王丽" not in page
