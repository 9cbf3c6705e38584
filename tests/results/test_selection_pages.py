"""Selection: the exact proposal honours the quota, ties and group limits; deviations need reasons;
decisions go through the workflow, are audited, and are final once published."""
from datetime import datetime, timedelta, timezone

from reviewapp.audit import AuditEntry
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.results.models import SelectionDecision
from tests.factories import csrf_from


def _page(ex, query=""):
    return ex.admin.get(f"/results/campaigns/{ex.campaign.id}/selection{query}").get_data(as_text=True)


def _record(ex, selected, reasons=None, extra=None):
    html = _page(ex)
    data = {"csrf_token": csrf_from(html), "selected": [str(ex.cases[k].id) for k in selected]}
    data.update({f"reason-{ex.cases[k].id}": text for k, text in (reasons or {}).items()})
    data.update(extra or {})
    return ex.admin.post(f"/results/campaigns/{ex.campaign.id}/selection", data=data)


def _states(ex):
    db.session.expire_all()
    return {k: db.session.get(Case, c.id).state for k, c in ex.cases.items()}


def _checked(html, case):
    return f'value="{case.id}" id="select-{case.id}" checked' in html


def test_the_proposal_honours_the_quota_and_the_tie_rule(app, example):
    html = _page(example)
    assert "Quota: 1. Proposed: 1 cases." in html
    # C and A tie on every score; C was submitted earlier and wins the only seat.
    assert _checked(html, example.cases["C"]) and not _checked(html, example.cases["A"])


def test_group_minimums_change_the_proposal(app, example):
    html = _page(example, "?propose=1&min-province-shanghai=1")
    assert _checked(html, example.cases["B"]) and not _checked(html, example.cases["C"])


def test_recording_the_proposal_selects_and_rejects_every_reviewed_case(app, example):
    response = _record(example, "C")
    assert response.status_code == 302
    assert _states(example) == {"A": CaseState.NOT_SELECTED, "B": CaseState.NOT_SELECTED,
                                "C": CaseState.SELECTED}
    decisions = {d.case_id: d for d in db.session.scalars(db.select(SelectionDecision))}
    assert len(decisions) == 3 and all(d.deviation is None for d in decisions.values())
    assert decisions[example.cases["C"].id].rank == 1
    actions = list(db.session.scalars(db.select(AuditEntry.action)))
    assert "selection.recorded" in actions and actions.count("case.complete_review") == 3
    assert actions.count("case.select") == 1 and actions.count("case.reject") == 2


def test_deviations_need_a_reason_each(app, example):
    response = _record(example, "A", {"A": "更具示范性"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Give a reason" in text and "was proposed but is not in the final selection" in text
    assert _states(example)["A"] is CaseState.UNDER_REVIEW
    assert db.session.scalar(db.select(SelectionDecision)) is None
    response = _record(example, "A", {"A": "更具示范性", "C": "与另一案例重复"})
    assert response.status_code == 302
    decisions = {d.case_id: d for d in db.session.scalars(db.select(SelectionDecision))}
    assert decisions[example.cases["A"].id].deviation == "added"
    assert decisions[example.cases["A"].id].reason == "更具示范性"
    assert decisions[example.cases["C"].id].deviation == "dropped"
    assert decisions[example.cases["B"].id].reason is None
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="selection.recorded"))
    assert {d["reason"] for d in entry.changes["deviations"]} == {"更具示范性", "与另一案例重复"}


def test_the_quota_cannot_be_exceeded(app, example):
    response = _record(example, "AC", {"A": "x"})
    assert response.status_code == 422 and "more than the quota of 1" in response.get_data(as_text=True)


def test_a_selection_can_be_changed_until_published_then_not(app, example):
    assert _record(example, "C").status_code == 302
    assert _record(example, "A", {"A": "复议", "C": "复议"}).status_code == 302
    assert _states(example)["A"] is CaseState.SELECTED and _states(example)["C"] is CaseState.NOT_SELECTED
    example.campaign.published_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    response = _record(example, "C", {"A": "x", "C": "x"})
    assert response.status_code == 422 and "selection can no longer be changed" in response.get_data(as_text=True)
    assert _states(example)["A"] is CaseState.SELECTED


def test_the_proposal_column_reads_ni_ruxuan_in_chinese(app, example):
    # #19.12: the selection page used the assignment word 拟分配 for a proposed selection.
    from reviewapp.auth.models import User
    admin = db.session.scalars(db.select(User).filter_by(email="admin@example.cn")).one()
    admin.locale = "zh"
    db.session.commit()
    html = _page(example)
    assert '<th scope="col">拟入选</th>' in html and "拟分配" not in html


def test_a_long_table_shows_the_top_and_every_proposed_or_selected_case(app, example, monkeypatch):
    from reviewapp.results import routes
    monkeypatch.setattr(routes, "ROWS_PER_SEAT", 1)
    monkeypatch.setattr(routes, "MIN_ROWS", 1)
    a, b, c = (example.cases[k] for k in "ABC")  # ranked C, A, B; C is proposed
    html = _page(example, "?propose=1&min-province-shanghai=1")  # B (rank 3) proposed instead of C
    assert f'id="select-{b.id}"' in html and f'id="select-{c.id}"' in html and f'id="select-{a.id}"' not in html
    assert "Showing 2 of 3 reviewed cases" in html
    everything = _page(example, "?propose=1&min-province-shanghai=1&all=1")
    assert all(f'id="select-{case.id}"' in everything for case in (a, b, c)) and "Showing" not in everything
    link = html.split(">Show all 3<")[0].rsplit('href="', 1)[1].rstrip('"').replace("&amp;", "&")
    assert sorted(link.split("?")[1].split("&")) == ["all=1", "min-province-shanghai=1", "propose=1"]

    assert _record(example, "C").status_code == 302  # recorded; a later view shows what is selected
    assert f'id="select-{c.id}"' in _page(example) and f'id="select-{b.id}"' not in _page(example)
