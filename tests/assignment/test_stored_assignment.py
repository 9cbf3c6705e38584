"""A run solves once and stores its proposal; pages and manual changes read the stored rows.
The proposal respects every cap (confirmed reviews and reviews of cases that left the pool
included), and every message names the expert."""
from collections import Counter

import pytest

from reviewapp.assignment import operations, problem as problem_module
from reviewapp.assignment.models import AssignmentRun, AssignmentStatus, ReviewAssignment
from reviewapp.assignment.operations import RunOptions, run_assignment
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus
from reviewapp.timezones import utcnow
from tests.factories import make_campaign, submit_form
from tests.recommendation.data import make_case, make_expert, make_org

from .test_assignment_flow import _pool, _rows


def _profile(user):
    return db.session.scalar(db.select(ExpertProfile).filter_by(email=user.email))


def test_a_run_counts_reviews_outside_the_pool_and_confirmed_ones_against_the_cap(app, login_as):
    campaign = make_campaign(reviewers_per_case=1, allow_direct_submission=True)
    busy = make_expert(name="张忙碌", max_load=3)
    others = [make_expert(max_load=10) for _ in range(2)]
    # Two reviews of cases already reviewed (out of the pool) and one confirmed, not started.
    for _ in range(2):
        done = make_case(campaign, make_org(province="xizang"), state=CaseState.REVIEWED)
        db.session.add(ReviewAssignment(campaign_id=campaign.id, case_id=done.id, expert_id=busy.id,
                                        status=AssignmentStatus.CONFIRMED, started_at=utcnow()))
    pool = [make_case(campaign, make_org(province="xizang"), state=CaseState.RECOMMENDED) for _ in range(6)]
    db.session.add(ReviewAssignment(campaign_id=campaign.id, case_id=pool[0].id, expert_id=busy.id,
                                    status=AssignmentStatus.CONFIRMED, confirmed_at=utcnow()))
    db.session.commit()
    # Everybody likes the busy expert best.
    _profile(busy).themes = ["体医融合"]
    for case in pool:
        case.themes = list(campaign.themes)
    db.session.commit()

    result, built, run = run_assignment(None, campaign)
    db.session.commit()
    load = Counter(r.expert_id for r in _rows(campaign))
    assert load[busy.id] == 3                                    # 2 outside + 1 confirmed: no new one
    assert all(load[e.id] <= 10 for e in others) and result.feasible
    assert (pool[0].id, busy.id) in set(result.id_pairs(built.problem))   # the confirmed one is kept
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {}, action=f"{page}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "assignments confirmed" in html and "the cap is" not in html


def test_confirm_refusals_name_the_expert_not_a_user_id(app, login_as):
    campaign, cases, experts = _pool(n_cases=4, n_experts=3, cap=4, k=2)
    run_assignment(None, campaign)
    db.session.commit()
    heavy = Counter(r.expert_id for r in _rows(campaign)).most_common(1)[0][0]
    user = db.session.get(type(experts[0]), heavy)
    _profile(user).max_load = 1                                   # lowered after the proposal
    db.session.commit()
    client, _admin = login_as("admin", locale="zh")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {}, action=f"{page}/confirm", follow_redirects=True).get_data(as_text=True)
    assert f"专家 {_profile(user).name} 已有" in html and "上限为 1 项" in html
    assert f"专家 {heavy} 已有" not in html


def test_a_negative_cap_is_refused_in_words_and_nothing_changes(app, login_as):
    campaign, _cases, experts = _pool(n_cases=2, n_experts=4)
    _profile(experts[1]).max_load = -2
    db.session.commit()
    client, _admin = login_as("admin", locale="zh")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {}, action=f"{page}/run", follow_redirects=True).get_data(as_text=True)
    assert f"专家 {_profile(experts[1]).name} 的最大评审量为 -2，不能为负数。" in html
    assert "没有任何修改。" in html
    assert _rows(campaign) == [] and db.session.scalar(db.select(db.func.count(AssignmentRun.id))) == 0


def test_pages_and_manual_changes_read_the_stored_proposal_without_solving(app, login_as, monkeypatch):
    campaign, cases, experts = _pool(n_cases=6, n_experts=6)
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {"evenness": "tiebreak"}, action=f"{page}/run",
                       follow_redirects=True).get_data(as_text=True)
    assert "Every case has its reviewers" in html
    run = db.session.scalar(db.select(AssignmentRun))
    assert run.finished and run.pairs == 18 and run.evenness == "tiebreak"
    assert f"lot number {run.seed}" in html and "Best possible (pure affinity)" in html

    def no_solving(*args, **kwargs):
        raise AssertionError("a page view or a manual change solved the assignment")
    for module, name in [(operations, "solve"), (operations, "build"), (problem_module, "build")]:
        monkeypatch.setattr(module, name, no_solving)
    for _ in range(2):
        assert client.get(page).status_code == 200
    row = _rows(campaign)[0]
    case_id, removed = row.case_id, row.expert_id
    submit_form(client, page, {}, action=f"{page}/assignments/{row.id}/remove")
    assert (case_id, removed) not in {(r.case_id, r.expert_id) for r in _rows(campaign)}
    html = submit_form(client, page, {"case_id": case_id, "expert_id": removed}, action=f"{page}/add",
                       follow_redirects=True).get_data(as_text=True)
    assert "The reviewer is added" in html
    assert (case_id, removed) in {(r.case_id, r.expert_id) for r in _rows(campaign)}
    with app.test_request_context("/"):
        operations.add_extra_reviewer(None, campaign, db.session.get(Case, cases[0].id))


def test_the_same_lot_number_reproduces_the_run(app):
    campaign, _cases, _experts = _pool(n_cases=8, n_experts=6)
    first, built, run = run_assignment(None, campaign, RunOptions(seed=12345))
    db.session.commit()
    assert run.seed == 12345
    pairs = sorted(first.id_pairs(built.problem))
    for row in _rows(campaign):
        db.session.delete(row)
    db.session.commit()
    again, built, _run = run_assignment(None, campaign, RunOptions(seed=12345))
    assert sorted(again.id_pairs(built.problem)) == pairs


def test_a_large_campaign_runs_as_a_background_job_with_progress(app, login_as):
    app.config["ASSIGNMENT_JOB_PAIRS"] = 10                     # 6 cases x 6 experts is "large" here
    campaign, cases, _experts = _pool(n_cases=6, n_experts=6)
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {"evenness": "off"}, action=f"{page}/run",
                       follow_redirects=True).get_data(as_text=True)
    job = db.session.scalar(db.select(Job))
    assert job is not None and job.function == operations.JOB_FUNCTION
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.DONE and job.progress_done == job.progress_total == 4
    run = db.session.scalar(db.select(AssignmentRun))
    assert run.finished and run.job_id == job.id and run.evenness == "off"
    assert all(Counter(r.case_id for r in _rows(campaign))[c.id] == 3 for c in cases)
    assert "lot number" in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize("weight, fairness", [("5", "y"), ("1000.5", "")])
def test_run_options_are_validated_and_recorded(app, login_as, weight, fairness):
    campaign, _cases, _experts = _pool(n_cases=3, n_experts=4)
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    data = {"evenness": "tradeoff", "balance_weight": weight}
    if fairness:
        data["fairness"] = fairness
    html = submit_form(client, page, data, action=f"{page}/run", follow_redirects=True).get_data(as_text=True)
    run = db.session.scalar(db.select(AssignmentRun))
    if weight == "5":
        assert run.evenness == "tradeoff" and run.balance_weight == 5 and run.fairness
    else:
        assert "Give a number from 0 to 1000." in html and run is None


def _statements(action):
    from tests.perf.test_query_counts import counting
    with counting() as statements:
        action()
    return len(statements)


def test_a_run_and_the_page_issue_as_many_statements_for_3n_cases_as_for_n(app, login_as):
    """One query per table, no lazy load per case, expert or pair."""
    client, _admin = login_as("admin")
    counts = []
    for n in (4, 12):
        campaign, _cases, _experts = _pool(n_cases=n, n_experts=n, cap=6, slug=f"size-{n}")
        run = _statements(lambda: (run_assignment(None, campaign), db.session.commit()))
        page = _statements(lambda: client.get(f"/assignment/campaigns/{campaign.id}"))
        counts.append((run, page))
        for row in _rows(campaign):
            db.session.delete(row)
        db.session.commit()
    (run_small, page_small), (run_large, page_large) = counts
    assert run_large - run_small <= 2 and page_large - page_small <= 2, counts
