"""Running, adjusting and confirming the reviewer assignment of a campaign."""
from collections import Counter

from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.assignment.operations import run_assignment
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.experts.operations import declare_conflict
from reviewapp.experts.queries import active_conflict_pairs, pool_experts
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.timezones import utcnow
from tests.factories import make_campaign, submit_form
from tests.recommendation.data import make_case, make_expert, make_org, make_unit

PROVINCES = ["beijing", "shanghai", "hunan", "sichuan"]


def _pool(n_cases=8, n_experts=6, cap=5, k=3, direct=1, slug="2026"):
    campaign = make_campaign(reviewers_per_case=k, allow_direct_submission=True, slug=slug)
    units = {p: make_unit(f"{p}体育局{slug}", p) for p in PROVINCES}
    cases = []
    for i in range(n_cases):
        province = PROVINCES[i % len(PROVINCES)]
        org = make_org(province=province)
        if i < direct:
            cases.append(make_case(campaign, org, state=CaseState.SUBMITTED, unit=None))
        else:
            cases.append(make_case(campaign, org, state=CaseState.RECOMMENDED, unit=units[province]))
    experts = [make_expert(province=PROVINCES[j % len(PROVINCES)], max_load=cap) for j in range(n_experts)]
    return campaign, cases, experts


def _rows(campaign):
    db.session.expire_all()
    return db.session.scalars(db.select(ReviewAssignment).filter_by(campaign_id=campaign.id)).all()


def _check_valid(campaign, cases, k, cap):
    rows = _rows(campaign)
    per_case = Counter(r.case_id for r in rows)
    assert all(per_case[c.id] == k for c in cases)
    assert max(Counter(r.expert_id for r in rows).values()) <= cap
    conflicts = active_conflict_pairs(cases, pool_experts())
    assert not {(r.case_id, r.expert_id) for r in rows} & conflicts
    return rows


def test_every_case_gets_k_reviewers_within_caps_and_without_conflicts(app, login_as):
    campaign, cases, experts = _pool()
    declare_conflict(experts[0], cases[1], experts[0])
    db.session.commit()
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    response = submit_form(client, page, {}, action=f"{page}/run", follow_redirects=True)
    assert "Every case has its reviewers" in response.get_data(as_text=True)
    # The page leads to ended assignments and applicants' declarations in one click.
    assert f'href="/conflicts/campaigns/{campaign.id}"' in response.get_data(as_text=True)
    rows = _check_valid(campaign, cases, 3, 5)
    assert (cases[1].id, experts[0].id) not in {(r.case_id, r.expert_id) for r in rows}
    # Same-province pairs exist in the data, so the rule really had work to do.
    assert len(active_conflict_pairs(cases, pool_experts())) > 8
    loads = Counter(r.expert_id for r in rows).values()
    assert max(loads) - min(loads) <= 1                       # 24 reviews over 6 experts: 4 each
    assert all(r.status is AssignmentStatus.PROPOSED for r in rows)


def test_infeasibility_is_explained_on_the_page(app, login_as):
    campaign, cases, _experts = _pool(n_cases=6, n_experts=4, cap=2)
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {}, action=f"{page}/run", follow_redirects=True).get_data(as_text=True)
    assert "cases are short of reviewers" in html
    assert "Why the assignment cannot be complete" in html
    assert "caps add up to only 8" in html
    # Confirming is refused while cases lack reviewers.
    html = submit_form(client, page, {}, action=f"{page}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "Nothing was confirmed." in html
    assert all(r.status is AssignmentStatus.PROPOSED for r in _rows(campaign))


def test_manual_add_is_refused_for_a_conflicted_pair(app, login_as):
    campaign, cases, experts = _pool(n_cases=2, n_experts=6)
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    beijing_case = next(c for c in cases if c.organization.province == "beijing")
    beijing_expert = experts[0]                               # province beijing
    response = submit_form(client, page, {"case_id": beijing_case.id, "expert_id": beijing_expert.id},
                           action=f"{page}/add", follow_redirects=True)
    assert "has a conflict of interest with case" in response.get_data(as_text=True)
    assert _rows(campaign) == []
    other = experts[2]                                        # province hunan
    submit_form(client, page, {"case_id": beijing_case.id, "expert_id": other.id}, action=f"{page}/add")
    rows = _rows(campaign)
    assert [(r.case_id, r.expert_id) for r in rows] == [(beijing_case.id, other.id)]
    submit_form(client, page, {}, action=f"{page}/assignments/{rows[0].id}/remove")
    assert _rows(campaign) == []


def test_rerun_keeps_started_and_confirmed_reviews(app):
    campaign, cases, experts = _pool()
    run_assignment(None, campaign)
    db.session.commit()
    rows = _rows(campaign)
    started, confirmed = rows[:3], rows[3:5]
    for row in started:
        row.status, row.started_at = AssignmentStatus.CONFIRMED, utcnow()
    for row in confirmed:
        row.status, row.confirmed_at = AssignmentStatus.CONFIRMED, utcnow()
    kept = {(r.case_id, r.expert_id) for r in started + confirmed}
    # A conflict declared on a started pair ends it (reviewapp/conflicts): the case gets another reviewer.
    ended = (started[0].case_id, started[0].expert_id)
    declare_conflict(experts[0], db.session.get(Case, ended[0]), db.session.get(type(experts[0]), ended[1]))
    db.session.commit()
    result, built, _run = run_assignment(None, campaign)
    db.session.commit()
    active = {(r.case_id, r.expert_id) for r in built.rows} | set(result.id_pairs(built.problem))
    assert kept - {ended} <= active and ended not in set(result.id_pairs(built.problem))
    assert all(Counter(case for case, _e in result.id_pairs(built.problem))[c.id] == 3 for c in cases)


def test_confirm_starts_the_review_and_mails_counts_only(app, login_as):
    campaign, cases, experts = _pool()
    client, _admin = login_as("admin")
    page = f"/assignment/campaigns/{campaign.id}"
    submit_form(client, page, {}, action=f"{page}/run")
    response = submit_form(client, page, {}, action=f"{page}/confirm", follow_redirects=True)
    assert "assignments confirmed" in response.get_data(as_text=True)
    rows = _rows(campaign)
    assert all(r.status is AssignmentStatus.CONFIRMED and r.confirmed_at for r in rows)
    assert all(db.session.get(Case, c.id).state is CaseState.UNDER_REVIEW for c in cases)
    mails = db.session.scalars(db.select(OutboxMessage)).all()
    assert sorted(m.recipient for m in mails) == sorted(e.email for e in experts)
    for mail in mails:
        for case in cases:
            assert case.title not in mail.body and case.organization.name not in mail.body
        assert "4" in mail.body and "/dashboard" in mail.body


def test_the_cli_command(app):
    campaign, cases, _experts = _pool()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["assign-reviewers", campaign.slug])
    assert result.exit_code == 0, result.output
    assert "8 cases, 6 experts" in result.output and "Assigned 24 reviews" in result.output
    _check_valid(campaign, cases, 3, 5)
    result = runner.invoke(args=["assign-reviewers", str(campaign.id), "--confirm"])
    assert result.exit_code == 0 and "Confirmed 24 assignments" in result.output
    assert runner.invoke(args=["assign-reviewers", "nope"]).exit_code != 0


def test_role_guards(app, login_as):
    campaign, _cases, _experts = _pool(n_cases=1, n_experts=1)
    for role in ("unit", "expert", "organization"):
        client, _user = login_as(role, email=f"{role}@guard.cn")
        assert client.get(f"/assignment/campaigns/{campaign.id}").status_code == 403
        assert client.post(f"/assignment/campaigns/{campaign.id}/run").status_code in (400, 403)
    client, _admin = login_as("admin")
    assert client.get(f"/assignment/campaigns/{campaign.id}").status_code == 200


def test_a_proposed_assignment_reads_ni_fenpei_in_chinese(app, login_as):
    # #19.12: the selection wording 拟入选 had spread to the assignment page through the shared "Proposed".
    campaign, _cases, _experts = _pool(n_cases=2, n_experts=3, k=1)
    client, admin = login_as("admin")
    admin.locale = "zh"
    db.session.commit()
    page = f"/assignment/campaigns/{campaign.id}"
    html = submit_form(client, page, {}, action=f"{page}/run", follow_redirects=True).get_data(as_text=True)
    assert " · 拟分配 · " in html and "拟入选" not in html
