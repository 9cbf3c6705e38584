"""The assignment page keeps its sums and long tables per worker (operations.preview_key):
every change to what it shows must show on the next view, whichever way it is made
(ORM flushes, the bulk statements of a run and a confirmation, cases, experts, language)."""
import re

from reviewapp.assignment import operations
from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.assignment.operations import run_assignment
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.conflicts.ending import end_assignment
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db
from reviewapp.timezones import utcnow
from tests.factories import submit_form

from .test_assignment_flow import _pool, _rows


def _page(client, campaign, **params):
    response = client.get(f"/assignment/campaigns/{campaign.id}", query_string=params)
    assert response.status_code == 200
    # The CSRF tokens carry the second they were signed in: two views a second apart differ there only.
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]+"', r'name="csrf_token"\1value=""',
                  response.get_data(as_text=True))


def _load_row(html, name):
    """(reviews, maximum load) in the "Load per expert" row of `name`."""
    match = re.search(rf"<td>{re.escape(name)}</td><td class=\"num\">(\d+)</td><td class=\"num\">(-?\d+)</td>", html)
    return match and (int(match.group(1)), int(match.group(2)))


def _profile(user):
    return db.session.scalar(db.select(ExpertProfile).filter_by(email=user.email))


def test_runs_confirmations_and_manual_changes_show_at_once(app, login_as):
    campaign, cases, experts = _pool(n_cases=4, n_experts=4, cap=4, k=2)
    client, _admin = login_as("admin")
    html = _page(client, campaign)
    assert "None yet" in html and "Total affinity: 0." in html
    assert _page(client, campaign) == html                              # a repeat view, from the cache

    # A run writes its proposals with bulk statements, which no flush sees.
    run_assignment(None, campaign)
    db.session.commit()
    html = _page(client, campaign)
    assert "None yet" not in html and html.count("Proposed") == 8
    assert sum(_load_row(html, _profile(e).name)[0] for e in experts) == 8

    # Confirming is a bulk UPDATE too.
    submit_form(client, f"/assignment/campaigns/{campaign.id}", {},
                action=f"/assignment/campaigns/{campaign.id}/confirm")
    html = _page(client, campaign)
    assert "Proposed" not in html and html.count("Confirmed") == 8

    # A review starts: no Remove button for it any more.
    row = _rows(campaign)[0]
    assert html.count(f"/assignments/{row.id}/remove") == 1
    # Each Remove form carries this request's CSRF token, never one kept with the cached rows.
    form = re.search(rf'action="[^"]*/assignments/{row.id}/remove"[^>]*>\s*<input[^>]*name="csrf_token"', html)
    assert form and "<!-- csrf -->" not in html
    row.started_at = utcnow()
    db.session.commit()
    assert f"/assignments/{row.id}/remove" not in _page(client, campaign)

    # Removed by hand through the page's one remove form, then ended by a conflict.
    other = _rows(campaign)[1]
    page = f"/assignment/campaigns/{campaign.id}"
    submit_form(client, page, {}, action=f"{page}/assignments/{other.id}/remove")
    html = _page(client, campaign)
    assert f"/assignments/{other.id}/remove" not in html and "Cases short of reviewers" in html
    third = _rows(campaign)[2]
    end_assignment(None, db.session.get(Case, third.case_id), third.expert_id, "conflict of interest found")
    db.session.commit()
    assert f"/assignments/{third.id}/remove" not in _page(client, campaign)


def test_cases_experts_and_language_show_at_once(app, login_as):
    campaign, cases, experts = _pool(n_cases=3, n_experts=3, cap=5, k=1)
    run_assignment(None, campaign)
    db.session.commit()
    client, _admin = login_as("admin")
    html = _page(client, campaign)
    assert "3 cases need 1 reviewers each; 3 experts are available." in html

    # A case is renamed, another leaves the pool (returned to its applicant).
    cases[1].title = "改过的标题"
    db.session.commit()
    assert "改过的标题" in _page(client, campaign)
    cases[2].state = CaseState.RETURNED
    db.session.commit()
    html = _page(client, campaign)
    assert f"{cases[2].id} · " not in html and "2 cases need 1 reviewers each" in html

    # An expert's name and cap change; another leaves the pool.
    profile = _profile(experts[0])
    profile.name, profile.max_load = "新名字", 9
    db.session.commit()
    html = _page(client, campaign)
    assert _load_row(html, "新名字")[1] == 9
    _profile(experts[1]).available = False
    db.session.commit()
    html = _page(client, campaign)
    assert "2 experts are available." in html
    assert f'<option value="{experts[1].id}">' not in html and f'<option value="{experts[2].id}">' in html

    # The same data in the other language.
    assert "affinity 0" in html and "匹配度" not in html
    zh = client.get(f"/assignment/campaigns/{campaign.id}", headers={"Accept-Language": "zh"})
    assert "匹配度" in zh.get_data(as_text=True) and "affinity 0" not in zh.get_data(as_text=True)


def test_a_page_of_cases_and_the_campaign_settings_are_part_of_the_key(app, login_as, monkeypatch):
    monkeypatch.setattr(operations, "PAGE_SIZE", 2)
    campaign, cases, experts = _pool(n_cases=5, n_experts=3, cap=5, k=1)
    client, _admin = login_as("admin")
    first, second = _page(client, campaign), _page(client, campaign, page=2)
    assert f"{cases[0].id} · " in first and f"{cases[0].id} · " not in second
    assert f"{cases[2].id} · " in second
    campaign.reviewers_per_case = 2
    db.session.commit()
    assert "5 cases need 2 reviewers each" in _page(client, campaign)


def test_an_expert_without_a_profile_is_named(app, login_as):
    campaign, cases, experts = _pool(n_cases=1, n_experts=1, cap=5, k=1)
    db.session.add(ReviewAssignment(campaign_id=campaign.id, case_id=cases[0].id, expert_id=experts[0].id,
                                    status=AssignmentStatus.CONFIRMED, confirmed_at=utcnow()))
    db.session.delete(_profile(experts[0]))
    db.session.commit()
    client, _admin = login_as("admin")
    html = _page(client, campaign)
    assert f"<li>{experts[0].name} · Confirmed" in html
    assert _load_row(html, experts[0].name) == (1, 1)        # out of the pool: the cap is what they hold
