"""Units screen their own cases, recommend within the quota, return with a reason."""
from datetime import datetime, timedelta, timezone
from io import BytesIO

from openpyxl import load_workbook

from reviewapp.audit import AuditEntry
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import make_campaign, sign_in_as, submit_form
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user


def _setup(app, quota=2, **campaign_values):
    campaign = make_campaign(unit_quota=quota, **campaign_values)
    unit = make_unit("北京市体育局", "beijing")
    other = make_unit("上海市体育局", "shanghai")
    org = make_org(province="beijing")
    cases = [make_case(campaign, org, unit=unit) for _ in range(3)]
    foreign = make_case(campaign, make_org(province="shanghai"), unit=other)
    client = sign_in_as(app.test_client(), make_unit_user(unit))
    return campaign, unit, cases, foreign, client


def _state(case_id):
    db.session.expire_all()
    return db.session.get(Case, case_id).state


def test_unit_sees_only_its_jurisdiction(app):
    _campaign, _unit, cases, foreign, client = _setup(app)
    page = client.get("/recommendation/").get_data(as_text=True)
    assert all(case.title in page for case in cases) and foreign.title not in page
    assert client.get(f"/recommendation/cases/{cases[0].id}").status_code == 200
    assert client.get(f"/recommendation/cases/{foreign.id}").status_code == 404
    page = f"/recommendation/cases/{cases[0].id}"
    response = submit_form(client, page, {}, action=f"/recommendation/cases/{foreign.id}/recommend")
    assert response.status_code == 404 and _state(foreign.id) is CaseState.SUBMITTED


def test_quota_is_enforced_and_the_remainder_shown(app):
    _campaign, _unit, cases, _foreign, client = _setup(app, quota=2)
    assert "You may still recommend 2 of 2 cases." in client.get("/recommendation/").get_data(as_text=True)
    for case in cases[:2]:
        page = f"/recommendation/cases/{case.id}"
        submit_form(client, page, {}, action=f"{page}/recommend")
        assert _state(case.id) is CaseState.RECOMMENDED
    assert "You may still recommend 0 of 2 cases." in client.get("/recommendation/").get_data(as_text=True)
    page = f"/recommendation/cases/{cases[2].id}"
    response = submit_form(client, page, {}, action=f"{page}/recommend", follow_redirects=True)
    assert "already recommended 2 cases" in response.get_data(as_text=True)
    assert _state(cases[2].id) is CaseState.SUBMITTED
    # Withdrawing one frees its place.
    first = f"/recommendation/cases/{cases[0].id}"
    submit_form(client, first, {"reason": "Wrong choice"}, action=f"{first}/unrecommend")
    assert _state(cases[0].id) is CaseState.SUBMITTED
    submit_form(client, page, {}, action=f"{page}/recommend")
    assert _state(cases[2].id) is CaseState.RECOMMENDED


def test_return_needs_a_reason_and_tells_the_applicant(app):
    _campaign, _unit, cases, _foreign, client = _setup(app)
    page = f"/recommendation/cases/{cases[0].id}"
    submit_form(client, page, {"reason": ""}, action=f"{page}/return")
    assert _state(cases[0].id) is CaseState.SUBMITTED
    submit_form(client, page, {"reason": "Please add the activity log."}, action=f"{page}/return")
    assert _state(cases[0].id) is CaseState.RETURNED
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="case.return"))
    assert entry.reason == "Please add the activity log."
    mail = db.session.scalar(db.select(OutboxMessage))
    assert "Please add the activity log." in mail.body


def test_recommendation_closes_at_its_deadline(app):
    now = datetime.now(timezone.utc)
    _campaign, _unit, cases, _foreign, client = _setup(
        app, now=now - timedelta(days=30))   # recommendation closed 10 days ago
    page = f"/recommendation/cases/{cases[0].id}"
    response = submit_form(client, page, {}, action=f"{page}/recommend", follow_redirects=True)
    assert "deadline has passed" in response.get_data(as_text=True)
    assert _state(cases[0].id) is CaseState.SUBMITTED


def test_admin_units_table_and_xlsx_export(app, login_as):
    campaign, unit, cases, _foreign, _client = _setup(app)
    cases[0].state = CaseState.RECOMMENDED
    make_case(campaign, cases[0].organization, unit=unit, state=CaseState.DRAFT)
    db.session.commit()
    admin, _user = login_as("admin")
    page = admin.get("/recommendation/units").get_data(as_text=True)
    assert "北京市体育局" in page and "上海市体育局" in page
    response = admin.get(f"/recommendation/campaigns/{campaign.id}/units.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("No.", "Recommending unit")
    assert [r[1][:6] for r in rows[1:]] == ["北京市体育局", "上海市体育局"]     # registration order
    assert rows[1][3:] == ("Yes", 1, 3, 1)                                # drafts are not counted
    assert rows[2][3:] == ("No", 0, 1, 0)


def test_role_guards(app, login_as):
    campaign, _unit, cases, _foreign, unit_client = _setup(app)
    assert unit_client.get("/recommendation/units").status_code == 403
    assert unit_client.get(f"/recommendation/campaigns/{campaign.id}/units.xlsx").status_code == 403
    for role in ("expert", "organization", "admin"):
        client, _user = login_as(role)
        assert client.get("/recommendation/").status_code == 403
        assert client.get(f"/recommendation/cases/{cases[0].id}").status_code == 403
