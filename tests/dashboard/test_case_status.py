"""The applicant's dashboard and case page say where each case stands, in words, with the
next step and its deadline; a returned case shows the unit's reason, not only in an e-mail."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from reviewapp.cases.workflow import CaseState
from reviewapp.dashboard.case_status import case_status
from reviewapp.extensions import db
from reviewapp.recommendation.queries import ReturnNote
from reviewapp.timezones import format_local
from tests.factories import make_campaign, sign_in_as, submit_form
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user, submitted_case_with_evidence

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def campaign(app):
    # Submission closes 2026-06-11 12:00 Beijing time, recommendation 2026-06-21 12:00.
    return make_campaign(now=NOW)


def status(campaign, state, now=NOW, unit=None, first_submitted_at=None):
    case = SimpleNamespace(campaign=campaign, state=state, unit=unit, first_submitted_at=first_submitted_at)
    note = ReturnNote("请补充活动照片。", "山西省体育局", NOW) if state is CaseState.RETURNED else None
    return case_status(case, note, now)


def test_each_state_in_words(campaign):
    unit = make_unit("山西省体育局", "shanxi")
    assert str(status(campaign, CaseState.DRAFT).text) == "Draft: submit it before 2026-06-11 12:00 Beijing time."
    assert "submit it again" in str(status(campaign, CaseState.DRAFT, first_submitted_at=NOW).text)
    assert "deadline has passed" in str(status(campaign, CaseState.DRAFT, now=NOW + timedelta(days=11)).text)
    assert str(status(campaign, CaseState.SUBMITTED, unit=unit).text) == (
        "Submitted; waiting for 山西省体育局 (en) to screen it. Recommendation closes 2026-06-21 12:00 Beijing time.")
    assert "straight to the expert review" in str(status(campaign, CaseState.SUBMITTED).text)
    assert str(status(campaign, CaseState.SUBMITTED, unit=unit, now=NOW + timedelta(days=21)).text) == (
        "Submitted; 山西省体育局 (en) did not recommend it before the recommendation deadline.")
    returned = status(campaign, CaseState.RETURNED, unit=unit)
    assert str(returned.text) == "Returned: 请补充活动照片。" and returned.tone == "action"
    assert "before 2026-06-21 12:00 Beijing time" in str(returned.next_step)
    late = status(campaign, CaseState.RETURNED, now=NOW + timedelta(days=21))
    assert "can no longer be submitted" in str(late.next_step) and not late.actions
    for state in (CaseState.RECOMMENDED, CaseState.UNDER_REVIEW):
        assert str(status(campaign, state).text) == "Recommended; under expert review."
    # The outcome is not said before the results are announced.
    for state in (CaseState.REVIEWED, CaseState.SELECTED, CaseState.NOT_SELECTED):
        assert "results will be announced" in str(status(campaign, state).text)
    campaign.published_at = NOW
    assert str(status(campaign, CaseState.SELECTED).text) == "Selected as an excellent case."
    assert str(status(campaign, CaseState.NOT_SELECTED).text) == "Not selected this time."


def test_the_chinese_sentences(app):
    campaign = make_campaign()
    unit = make_unit("山西省体育局", "shanxi")
    org = make_org(province="shanxi")
    submitted = make_case(campaign, org, unit=unit, title="已提交的案例")
    recommended = make_case(campaign, org, unit=unit, state=CaseState.RECOMMENDED, title="已推荐的案例")
    user = org.users[0]
    user.locale = "zh"
    db.session.commit()
    page = sign_in_as(app.test_client(), user).get("/dashboard").get_data(as_text=True)
    deadline = format_local(campaign.recommendation_closes, "Asia/Shanghai")
    assert f"已提交，待山西省体育局审核，推荐截止时间为 北京时间 {deadline}。" in page
    assert "已推荐，专家评审中" in page
    assert submitted.title in page and recommended.title in page
    assert "准备" not in page.split("下一步", 1)[1].split("</section>", 1)[0]


def test_a_returned_case_shows_its_reason_on_the_case_page_and_the_dashboard(app):
    case, org, unit_user = submitted_case_with_evidence(app)
    dashboard = org.get("/dashboard").get_data(as_text=True)
    assert f"Submitted; waiting for {case.unit.name_en} to screen it." in dashboard
    assert "Prepare your case" not in dashboard

    unit = sign_in_as(app.test_client(), unit_user)
    page = f"/recommendation/cases/{case.id}"
    reason = "请补充2024年的活动照片，并写明服务人次的统计方法。"
    assert submit_form(unit, page, {"reason": reason}, action=f"{page}/return").status_code == 302
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/edit", "/dashboard"):
        html = org.get(path).get_data(as_text=True)
        assert f"Returned: {reason}" in html, path
        assert "submit the case again before" in html, path
    case_page = org.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"Returned by {case.unit.name_en} on" in case_page
    assert f'href="/cases/{case.id}/submit"' in case_page
    # Returned twice: the page shows the latest reason.
    submit_form(org, f"/cases/{case.id}/submit", {})
    assert "Submitted; waiting for" in org.get(f"/cases/{case.id}").get_data(as_text=True)
    submit_form(unit, page, {"reason": "第二次退回：请补充联系人。"}, action=f"{page}/return")
    html = org.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Returned: 第二次退回：请补充联系人。" in html and reason not in html


def test_other_organizations_never_see_the_reason(app):
    case, _org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    page = f"/recommendation/cases/{case.id}"
    submit_form(unit, page, {"reason": "只给申报单位看的退回意见"}, action=f"{page}/return")
    other = make_org(province="beijing")
    html = sign_in_as(app.test_client(), other.users[0]).get("/dashboard").get_data(as_text=True)
    assert "只给申报单位看的退回意见" not in html
    assert sign_in_as(app.test_client(), other.users[0]).get(f"/cases/{case.id}").status_code == 404


def test_the_unit_dashboard_says_how_many_cases_wait(app):
    campaign = make_campaign()
    unit = make_unit("北京市体育局", "beijing")
    org = make_org(province="beijing")
    for _ in range(3):
        make_case(campaign, org, unit=unit)
    make_case(campaign, org, unit=unit, state=CaseState.RETURNED)
    page = sign_in_as(app.test_client(), make_unit_user(unit)).get("/dashboard").get_data(as_text=True)
    assert "3 cases wait for your decision; 1 are back with their applicants for changes." in page
    assert 'href="/recommendation/?state=submitted"' in page
