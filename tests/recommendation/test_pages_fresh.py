"""The unit's list and case page read columns and keep the case numbers per worker: every
change to what they show (states, texts, organizations, themes, the quota, the language,
a return) shows on the next view."""
from datetime import datetime, timezone

from reviewapp.cases.snapshot import take_snapshot
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import make_campaign, sign_in_as
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user

ZH, EN = {"Accept-Language": "zh"}, {"Accept-Language": "en"}


def _world(app):
    campaign = make_campaign(unit_quota=2)
    unit = make_unit("北京市体育局", "beijing")
    organization = make_org(name="北京市朝阳区太极拳协会")
    first = make_case(campaign, organization, unit=unit, title="社区太极拳推广", themes=campaign.themes)
    second = make_case(campaign, organization, unit=unit, title="校园足球进社区")
    return campaign, unit, organization, first, second, sign_in_as(app.test_client(), make_unit_user(unit))


def test_the_list_shows_every_change_on_the_next_view(app):
    campaign, unit, organization, first, second, client = _world(app)
    page = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert "社区太极拳推广" in page and "体医融合" in page

    first.title = "社区太极拳推广（新）"
    organization.name = "北京市太极拳协会"
    campaign.themes[0].name_zh = "体育与医疗"
    second.state = CaseState.RECOMMENDED
    db.session.commit()
    page = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert "社区太极拳推广（新）" in page and "北京市太极拳协会" in page and "体育与医疗" in page
    assert "北京市朝阳区太极拳协会" not in page and "体医融合" not in page
    assert 'state-recommended' in page

    third = make_case(campaign, make_org(name="北京市第一中学"), unit=unit, title="第三个案例")
    third.first_submitted_at = datetime.now(timezone.utc)
    db.session.commit()
    page = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert "第三个案例" in page and "北京市第一中学" in page


def test_the_list_follows_the_language_and_the_quota(app):
    campaign, unit, organization, first, second, client = _world(app)
    client.set_cookie("lang", "en")
    zh = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    en = client.get("/recommendation/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "体医融合" in zh or "Sports and medicine" in en
    left_before = client.get(f"/recommendation/cases/{second.id}").get_data(as_text=True)
    first.state = CaseState.RECOMMENDED
    db.session.commit()
    left_after = client.get(f"/recommendation/cases/{second.id}").get_data(as_text=True)
    assert left_before != left_after
    assert "1" in left_after


def test_a_returned_case_shows_its_submitted_copy_in_the_list(app):
    campaign, unit, organization, first, second, client = _world(app)
    first.submitted_snapshot = take_snapshot(first, datetime.now(timezone.utc))
    first.state = CaseState.RETURNED
    first.title = "申请人正在修改的标题"
    db.session.commit()
    page = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert "社区太极拳推广" in page and "申请人正在修改的标题" not in page and "体医融合" in page
    first.submitted_snapshot = None
    db.session.commit()
    page = client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert "社区太极拳推广" not in page and "申请人正在修改的标题" not in page


def test_a_case_moved_to_another_unit_leaves_the_list(app):
    campaign, unit, organization, first, second, client = _world(app)
    assert "校园足球进社区" in client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    second.unit = make_unit("上海市体育局", "shanghai")
    db.session.commit()
    assert "校园足球进社区" not in client.get("/recommendation/", headers=ZH).get_data(as_text=True)
    assert client.get(f"/recommendation/cases/{second.id}").status_code == 404


def test_the_rows_are_read_once_while_nothing_changes(app):
    from sqlalchemy import event

    campaign, unit, organization, first, second, client = _world(app)
    reads = []

    def count(conn, cursor, statement, *args):
        if "cases.summary" in statement and "cases.unit_id =" in statement:  # the rows' own query
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get("/recommendation/")
        client.get(f"/recommendation/cases/{first.id}")
        client.get("/recommendation/")
        assert len(reads) == 1
        organization.short_names = "太极拳协会"
        db.session.commit()
        assert "太极拳协会" in client.get("/recommendation/", headers=ZH).get_data(as_text=True)
        assert len(reads) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
