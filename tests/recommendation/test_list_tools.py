"""The unit's list: case numbers, search, filters, sort, pages, export, previous/next, and
recommending or returning the ticked cases after a confirmation, within the quota."""
import re
from datetime import datetime, timedelta, timezone
from io import BytesIO

from openpyxl import load_workbook

from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.organizations.models import Organization
from reviewapp.recommendation.listing import PER_PAGE
from tests.factories import csrf_from, make_campaign, sign_in_as
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def world(app, count=6, quota=3):
    campaign = make_campaign(unit_quota=quota)
    unit = make_unit("北京市体育局", "beijing")
    other_unit = make_unit("上海市体育局", "shanghai")
    association = make_org(name="北京市朝阳区太极拳协会", province="beijing")
    school = make_org(name="北京市第一中学志愿服务队", province="beijing")
    school.org_type = "school_group"
    cases = []
    for n in range(count):
        case = make_case(campaign, association if n % 2 == 0 else school, unit=unit, title=f"案例{n:02d}号",
                         themes=campaign.themes if n < 2 else ())
        case.first_submitted_at = START + timedelta(hours=count - n)    # the last made was first in
        cases.append(case)
    foreign = make_case(campaign, make_org(province="shanghai"), unit=other_unit, title="外省的案例")
    foreign.first_submitted_at = START
    db.session.commit()
    return campaign, unit, cases, foreign, sign_in_as(app.test_client(), make_unit_user(unit))


def titles(html):
    return re.findall(r"案例\d\d号", html)


def test_case_numbers_are_campaign_year_and_order_of_first_submission(app):
    campaign, _unit, cases, foreign, client = world(app)
    html = client.get("/recommendation/").get_data(as_text=True)
    # The foreign case came in first: numbers are the campaign's, so the unit's start at 0002.
    assert "2026-0001" not in html and foreign.title not in html
    assert re.findall(r'case-number">(2026-\d{4})<', html)[:2] == ["2026-0002", "2026-0003"]
    assert titles(html)[0] == "案例05号"
    page = client.get(f"/recommendation/cases/{cases[5].id}").get_data(as_text=True)
    assert "2026-0002" in page and f">{cases[5].id}<" not in page


def test_search_filters_and_sort(app):
    campaign, _unit, cases, _foreign, client = world(app)
    get = lambda **args: titles(client.get("/recommendation/", query_string=args).get_data(as_text=True))
    assert get(q="案例03") == ["案例03号"]
    assert get(q="第一中学") == ["案例05号", "案例03号", "案例01号"]
    assert get(org_type="school_group") == ["案例05号", "案例03号", "案例01号"]
    assert get(theme=campaign.themes[0].id) == ["案例01号", "案例00号"]
    cases[0].state = CaseState.RECOMMENDED
    db.session.commit()
    assert get(state="recommended") == ["案例00号"]
    assert get(sort="title") == [f"案例{n:02d}号" for n in range(6)]
    assert get(sort="title", order="desc") == [f"案例{n:02d}号" for n in reversed(range(6))]
    assert get(q="没有这样的案例") == []
    assert "No case matches" in client.get("/recommendation/?q=没有").get_data(as_text=True)


def test_search_never_matches_what_the_applicant_wrote_after_a_return(app):
    _campaign, _unit, cases, _foreign, client = world(app)
    case = cases[2]
    case.submitted_snapshot = {"title": case.title, "summary": "", "submitted_at": START.isoformat()}
    case.state, case.title = CaseState.RETURNED, "退回后改写的秘密标题"
    db.session.commit()
    assert titles(client.get("/recommendation/?q=秘密").get_data(as_text=True)) == []
    assert titles(client.get("/recommendation/?q=案例02").get_data(as_text=True)) == ["案例02号"]


def test_pages_and_previous_next_follow_the_filtered_order(app):
    _campaign, _unit, cases, _foreign, client = world(app, count=PER_PAGE + 3)
    first = client.get("/recommendation/").get_data(as_text=True)
    second = client.get("/recommendation/?page=2").get_data(as_text=True)
    assert len(titles(first)) == PER_PAGE and len(titles(second)) == 3
    assert "Page 1 of 2" in first and "page=2" in first
    # Previous/next walk the list as the unit sorted it, and keep the sort in their links.
    middle = sorted(cases, key=lambda c: c.title)[1]
    page = client.get(f"/recommendation/cases/{middle.id}?sort=title").get_data(as_text=True)
    before, after = sorted(cases, key=lambda c: c.title)[0], sorted(cases, key=lambda c: c.title)[2]
    assert f'href="/recommendation/cases/{before.id}?sort=title"' in page
    assert f'href="/recommendation/cases/{after.id}?sort=title"' in page
    assert "2 of 28" in page


def test_export_is_the_filtered_list(app):
    _campaign, _unit, _cases, _foreign, client = world(app)
    response = client.get("/recommendation/cases.xlsx?org_type=school_group")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Case number", "Title", "Organization")
    assert [row[1] for row in rows[1:]] == ["案例05号", "案例03号", "案例01号"]
    assert all(row[0].startswith("2026-") for row in rows[1:])


def _bulk(client, ids, action, reason="", confirmed=False):
    html = client.get("/recommendation/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "case_ids": [str(i) for i in ids], "action": action, "reason": reason}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post("/recommendation/bulk", data=data, follow_redirects=True)


def _states(cases):
    db.session.expire_all()
    return [db.session.get(Case, case.id).state for case in cases]


def test_bulk_recommend_asks_first_and_stays_within_the_quota(app):
    _campaign, _unit, cases, foreign, client = world(app, quota=3)
    asked = _bulk(client, [cases[0].id, cases[1].id], "recommend").get_data(as_text=True)
    assert "Recommend 2 cases?" in asked and "after this, 1" in asked
    assert _states(cases[:2]) == [CaseState.SUBMITTED] * 2       # nothing before the confirmation
    done = _bulk(client, [cases[0].id, cases[1].id], "recommend", confirmed=True).get_data(as_text=True)
    assert "2 cases are recommended." in done
    assert _states(cases[:2]) == [CaseState.RECOMMENDED] * 2
    # Two more do not fit in the one place left: none of them is recommended.
    asked = _bulk(client, [cases[2].id, cases[3].id], "recommend").get_data(as_text=True)
    assert "more than the quota allows" in asked
    refused = _bulk(client, [cases[2].id, cases[3].id], "recommend", confirmed=True).get_data(as_text=True)
    assert "may recommend only 1 more" in refused
    assert _states(cases[2:4]) == [CaseState.SUBMITTED] * 2
    # Another unit's case among the ticked ones is ignored.
    _bulk(client, [foreign.id, cases[2].id], "recommend", confirmed=True)
    assert _states([foreign, cases[2]]) == [CaseState.SUBMITTED, CaseState.RECOMMENDED]


def test_bulk_return_needs_a_reason_says_who_is_mailed_and_mails_them(app):
    _campaign, _unit, cases, _foreign, client = world(app)
    assert "Please give a reason." in _bulk(client, [cases[0].id], "return").get_data(as_text=True)
    asked = _bulk(client, [cases[0].id, cases[1].id], "return", reason="请补充活动记录。").get_data(as_text=True)
    assert "Return 2 cases?" in asked and "This will e-mail 2 people" in asked
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    _bulk(client, [cases[0].id, cases[1].id], "return", reason="请补充活动记录。", confirmed=True)
    assert _states(cases[:2]) == [CaseState.RETURNED] * 2
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 2


def test_the_city_filter_reads_the_registration_authority_of_the_credit_code(app):
    _campaign, _unit, _cases, _foreign, client = world(app)
    school = db.session.scalar(db.select(Organization).filter_by(name="北京市第一中学志愿服务队"))
    school.credit_code = "51330106MJ0000001X"          # registered in Hangzhou (3301..)
    db.session.commit()
    html = client.get("/recommendation/").get_data(as_text=True)
    assert '<option value="3301">杭州市</option>' in html and '<option value="1100">北京市</option>' in html
    assert titles(client.get("/recommendation/?city=3301").get_data(as_text=True)) == ["案例05号", "案例03号", "案例01号"]


def test_the_list_costs_the_same_queries_for_80_cases_as_for_8(app):
    from sqlalchemy import event

    def queries_for(count):
        db.session.remove()
        _campaign, _unit, _cases, _foreign, client = world(app, count=count)
        statements = []
        listener = lambda *args: statements.append(args[2])
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/recommendation/?sort=organization").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = queries_for(8)
    from tests.conftest import empty_tables
    empty_tables()
    assert queries_for(80) == few
