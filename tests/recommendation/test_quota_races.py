"""Users of one unit recommending at the same instant never pass the unit's quota, and two of
them recommending the same case get one recommendation and a clear refusal, not an error."""
from functools import partial

from reviewapp.audit import AuditEntry
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import csrf_from, make_campaign, sign_in_as
from tests.races import TRIALS, at_once, impatient_app, lock_held, row_lock
from tests.recommendation.data import make_case, make_org, make_unit, make_unit_user

QUOTA_FULL = "贵单位已推荐 1 个案例，已达本次征集活动的上限"
ALREADY_RECOMMENDED = "案例处于“已推荐”状态，不能执行“推荐”"
DONE = "已推荐该案例。"
BUSY = "此刻正在保存的修改很多"


def _unit_clients(app, unit, trial, count=3):
    """Clients signed in as `count` users of `unit`, who read Chinese."""
    users = [make_unit_user(unit, email=f"unit{trial}-{n}@example.cn") for n in range(count)]
    for user in users:
        user.locale = "zh"
    db.session.commit()
    return [sign_in_as(app.test_client(), user) for user in users]


def _recommend(client, case_id, token):
    response = client.post(f"/recommendation/cases/{case_id}/recommend", data={"csrf_token": token},
                           follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _race(clients, case_ids):
    tokens = [csrf_from(client.get(f"/recommendation/cases/{case_id}").get_data(as_text=True))
              for client, case_id in zip(clients, case_ids)]
    return at_once(*(partial(_recommend, *args) for args in zip(clients, case_ids, tokens)))


def _recommended(cases):
    db.session.expire_all()
    return [case for case in cases if db.session.get(Case, case.id).state is CaseState.RECOMMENDED]


def test_simultaneous_recommendations_never_pass_the_quota(app):
    campaign, org = make_campaign(unit_quota=1), make_org()
    for trial in range(TRIALS):
        unit = make_unit(f"第{trial}体育局", "beijing")
        cases = [make_case(campaign, org, unit=unit) for _ in range(3)]
        results = _race(_unit_clients(app, unit, trial), [case.id for case in cases])
        assert len(_recommended(cases)) == 1, f"trial {trial}: the quota of 1 was passed"
        assert [status for status, _page in results] == [200, 200, 200]
        assert sorted(QUOTA_FULL in page for _status, page in results) == [False, True, True]
        assert sum(DONE in page for _status, page in results) == 1


def test_two_users_recommending_one_case_get_one_recommendation(app):
    campaign, org = make_campaign(unit_quota=5), make_org()
    for trial in range(TRIALS):
        unit = make_unit(f"第{trial}体育局", "beijing")
        case = make_case(campaign, org, unit=unit)
        results = _race(_unit_clients(app, unit, trial, 2), [case.id, case.id])
        assert [status for status, _page in results] == [200, 200]
        assert _recommended([case]) == [case]
        assert sorted(ALREADY_RECOMMENDED in page for _status, page in results) == [False, True]
        assert sum(DONE in page for _status, page in results) == 1
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(
            action="case.recommend", object_id=case.id)) == 1


def test_a_recommendation_that_waits_too_long_is_refused_politely_and_changes_nothing(app):
    campaign, org = make_campaign(unit_quota=1), make_org()
    unit = make_unit("北京市体育局", "beijing")
    case = make_case(campaign, org, unit=unit)
    user = make_unit_user(unit)
    user.locale = "zh"
    db.session.commit()
    with impatient_app(app) as impatient, lock_held(app, row_lock("recommending_units"), id=unit.id):
        status, page = _race([sign_in_as(impatient.test_client(), user)], [case.id])[0]
        assert status == 503 and BUSY in page
    assert _recommended([case]) == []
    assert _race([sign_in_as(app.test_client(), user)], [case.id])[0][0] == 200
    assert _recommended([case]) == [case]
