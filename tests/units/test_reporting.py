"""Deadlines per level (Beijing time), reporting up, the not-reported view and `flask remind-units`."""
from datetime import date, datetime, timedelta, timezone

from reviewapp.audit import AuditEntry
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.units.models import UnitLevel
from reviewapp.units.reporting import deadline_end, not_reported, set_deadlines
from reviewapp.units.reporting_models import UnitDeadline, UnitReport
from tests.factories import sign_in_as, submit_form
from tests.units.data import build_chain


def test_a_deadline_day_ends_at_midnight_beijing_time(app):
    d = build_chain()
    # 报送截止 5 月 28 日: until 2026-05-28 24:00 in Beijing, 16:00 UTC that day.
    assert deadline_end(d.campaign, date(2026, 5, 28)) == datetime(2026, 5, 28, 16, 0, tzinfo=timezone.utc)
    set_deadlines(None, d.campaign, {UnitLevel.COUNTY: date(2026, 5, 28)})
    db.session.commit()
    just_before = datetime(2026, 5, 28, 15, 59, tzinfo=timezone.utc)
    just_after = datetime(2026, 5, 28, 16, 0, tzinfo=timezone.utc)
    assert [s.overdue for s in not_reported(d.campaign, d.city, now=just_before)] == [False, False]
    assert [s.overdue for s in not_reported(d.campaign, d.city, now=just_after)] == [True, True]


def test_the_department_sets_deadlines_per_level_on_its_page(app, login_as):
    d = build_chain()
    client, _admin = login_as("admin")
    page = f"/units/campaigns/{d.campaign.id}"
    assert client.get(page).status_code == 200
    response = submit_form(client, page, {"county": "2026-05-28", "city": "2026-06-05"},
                           action=f"/units/campaigns/{d.campaign.id}/deadlines")
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert 'value="2026-05-28"' in html and 'value="2026-06-05"' in html
    rows = {row.level: row.due_on for row in db.session.scalars(db.select(UnitDeadline))}
    assert rows == {UnitLevel.COUNTY: date(2026, 5, 28), UnitLevel.CITY: date(2026, 6, 5)}
    bad = submit_form(client, page, {"county": "28 May"}, action=f"/units/campaigns/{d.campaign.id}/deadlines")
    assert bad.status_code == 422
    assert client.get(page).get_data(as_text=True).count('value="2026-05-28"') == 1  # kept


def test_reporting_up_is_logged_and_the_city_sees_who_has_not_reported(app):
    d = build_chain()
    yesterday = (datetime.now(timezone.utc) + timedelta(hours=8)).date() - timedelta(days=1)
    set_deadlines(None, d.campaign, {UnitLevel.COUNTY: yesterday})
    db.session.commit()
    county = sign_in_as(app.test_client(), d.users["county"])
    submit_form(county, "/units/", {}, action="/units/report")
    page = county.get("/units/").get_data(as_text=True)
    assert "Reported: 2 activity rows forwarded." in page and "with 2 rows" in page and "(Beijing time)" in page
    assert '<span class="tag warning">late</span>' in page
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="units.reported"))
    assert entry.object_id == d.county.id and entry.changes["rows"] == [None, 2]

    city = sign_in_as(app.test_client(), d.users["city"]).get("/units/").get_data(as_text=True)
    missing = city.split("Not reported</h2>", 1)[1].split("</section>", 1)[0]
    assert "曲沃县教育体育局" in missing and ">overdue</span>" in missing and "尧都区教育体育局" not in missing
    # Reporting again replaces the report: one row per unit and campaign.
    submit_form(county, "/units/", {}, action="/units/report")
    assert db.session.scalar(db.select(db.func.count(UnitReport.id))) == 1


def test_the_department_sees_every_unit_that_has_not_reported(app, login_as):
    d = build_chain()
    client, _admin = login_as("admin")
    submit_form(sign_in_as(app.test_client(), d.users["city"]), "/units/", {}, action="/units/report")
    html = client.get(f"/units/campaigns/{d.campaign.id}").get_data(as_text=True)
    missing = html.split("Not reported</h2>", 1)[1].split("</section>", 1)[0]
    for name in ("尧都区教育体育局", "曲沃县教育体育局", "Shanxi Sports Bureau", "Hebei Sports Bureau"):
        assert name in missing
    assert "Linfen Sports Bureau" not in missing


def test_remind_units_mails_once_before_and_once_after_the_deadline(app):
    d = build_chain()
    today = (datetime.now(timezone.utc) + timedelta(hours=8)).date()
    set_deadlines(None, d.campaign, {UnitLevel.COUNTY: today + timedelta(days=2),
                                     UnitLevel.CITY: today + timedelta(days=10),
                                     UnitLevel.PROVINCE: today - timedelta(days=1)})
    db.session.commit()
    submit_form(sign_in_as(app.test_client(), d.users["sibling"]), "/units/", {}, action="/units/report")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["remind-units"])
    assert first.exit_code == 0 and "Reminders sent: 3" in first.output
    mails = {m.recipient: m for m in db.session.scalars(db.select(OutboxMessage))}
    # The county is due in two days; the city in ten (no mail yet); the provinces are overdue;
    # the sibling county has reported.
    assert set(mails) == {"county-unit@example.cn", "province-unit@example.cn", "other-unit@example.cn"}
    assert "提醒：活动统计表报送截止日期为" in mails["county-unit@example.cn"].subject
    assert "Overdue" in mails["province-unit@example.cn"].subject
    assert "尧都区教育体育局尚未报送" in mails["county-unit@example.cn"].body

    second = runner.invoke(args=["remind-units"])
    assert "Reminders sent: 0" in second.output
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 3
