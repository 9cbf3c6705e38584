"""Two administrators adding reviewers at the same instant never take an expert past their cap:
the second is told why, in their language."""
from functools import partial

from reviewapp.assignment.models import ReviewAssignment
from reviewapp.extensions import db
from tests.factories import csrf_from, make_user, sign_in_as
from tests.races import TRIALS, at_once
from tests.recommendation.data import make_expert

from .test_assignment_flow import _pool

ADDED = "已将该评审专家加入分配方案。"
AT_CAP = "已有 1 项评审任务，上限为 1 项。"


def _add(client, page, csrf, case_id, expert_id):
    response = client.post(f"{page}/add", data={"csrf_token": csrf, "case_id": case_id, "expert_id": expert_id},
                           follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def test_simultaneous_additions_never_pass_an_experts_cap(app):
    campaign, cases, _experts = _pool(n_cases=2 * TRIALS, n_experts=0)
    admins = [make_user("admin", email=f"admin{n}@example.cn", locale="zh") for n in range(2)]
    page = f"/assignment/campaigns/{campaign.id}"
    for trial in range(TRIALS):
        expert = make_expert(max_load=1)  # no province: no conflict of interest with any case
        clients = [sign_in_as(app.test_client(), admin) for admin in admins]
        tokens = [csrf_from(client.get(page).get_data(as_text=True)) for client in clients]
        pair = cases[2 * trial:2 * trial + 2]
        results = at_once(*(partial(_add, client, page, csrf, case.id, expert.id)
                            for client, csrf, case in zip(clients, tokens, pair)))
        load = db.session.scalar(db.select(db.func.count(ReviewAssignment.id)).filter_by(expert_id=expert.id))
        assert load == 1, f"trial {trial}: {load} reviews for a cap of 1"
        assert [status for status, _page in results] == [200, 200]
        assert sorted(ADDED in html for _status, html in results) == [False, True]
        assert sum(AT_CAP in html for _status, html in results) == 1
