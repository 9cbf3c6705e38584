"""The case workflow lives in one table; a move it does not list is refused."""
import pytest

from reviewapp.audit import AuditEntry
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import TRANSITIONS, CaseState, TransitionRefused, allowed_actions, transition
from reviewapp.extensions import db
from tests.factories import make_campaign, make_organization


@pytest.fixture
def case(app):
    org_user = make_organization()
    case = Case(campaign=make_campaign(), organization=org_user.organization, title="案例")
    db.session.add(case)
    db.session.commit()
    return case


def test_a_case_goes_from_draft_to_published(case):
    actor = case.organization.users[0]
    for action in ["submit", "recommend", "start_review", "complete_review", "select", "publish"]:
        transition(case, action, actor)
    assert case.state is CaseState.PUBLISHED
    actions = db.session.scalars(db.select(AuditEntry.action).filter_by(
        object_type="Case", object_id=case.id).order_by(AuditEntry.id)).all()
    assert actions == ["case.submit", "case.recommend", "case.start_review",
                       "case.complete_review", "case.select", "case.publish"]


def test_a_move_not_in_the_table_is_refused_with_a_message(case):
    with pytest.raises(TransitionRefused) as refused:
        transition(case, "publish", None)
    assert "“Publish” is not possible for a case that is “Draft”" in str(refused.value.message)
    assert case.state is CaseState.DRAFT


def test_returning_needs_a_reason(case):
    transition(case, "submit", None)
    with pytest.raises(TransitionRefused, match="reason"):
        transition(case, "return", None, reason="  ")
    transition(case, "return", None, reason="请补充活动照片")
    assert case.state is CaseState.RETURNED
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="case.return")).one()
    assert entry.reason == "请补充活动照片" and entry.changes == {"state": ["submitted", "returned"]}


def test_unknown_actions_are_refused(case):
    with pytest.raises(TransitionRefused, match="Unknown action"):
        transition(case, "force_publish", None)


def test_every_state_is_reachable_and_the_table_is_the_only_source():
    reachable = {CaseState.DRAFT}
    frontier = [CaseState.DRAFT]
    while frontier:
        state = frontier.pop()
        for rule in allowed_actions(state):
            if rule.target not in reachable:
                reachable.add(rule.target)
                frontier.append(rule.target)
    assert reachable == set(CaseState)
    assert allowed_actions(CaseState.PUBLISHED) == []
    assert all(rule.target not in rule.sources for rule in TRANSITIONS.values())
