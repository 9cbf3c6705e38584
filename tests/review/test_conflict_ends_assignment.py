"""A conflict of interest ends the assignment at once, whoever records it: the expert loses the
case (page, files, queue: a translated 403), a draft is kept but never counted, a submitted
review leaves the results with an audit entry and a mark the administrator sees, and the
administrator gets a replacement reviewer in one click. Runs on SQLite and PostgreSQL."""
import io
import re

import pytest
from openpyxl import load_workbook

from reviewapp.assignment.models import AssignmentStatus, ReviewAssignment
from reviewapp.assignment.operations import preview, run_assignment
from reviewapp.audit import AuditEntry
from reviewapp.experts.models import ExpertProfile
from reviewapp.extensions import db
from reviewapp.results.queries import ranking
from reviewapp.review import operations as review_ops
from reviewapp.review.models import Review, ReviewStatus
from tests.factories import csrf_from, make_user, sign_in_as

from .conftest import token
from .test_scoring import ALL_SCORES

SCORES = {key.removeprefix("score-"): int(value) for key, value in ALL_SCORES.items()}


def _profiles(setup):
    """Profiles for the assigned experts (mail domains of their own: no detected conflict), and a
    fourth expert free to replace one of them."""
    domains = ["sus.edu.cn", "bsu.edu.cn", "hunnu.edu.cn"]
    for user, domain in zip(setup.experts, domains):
        user.email = user.email.replace("example.cn", domain)
        db.session.add(ExpertProfile(email=user.email, name=user.name, province="hunan", affiliation="",
                                     themes=["体医融合"], max_load=8))
    spare = make_user("expert", email="spare@tsinghua.edu.cn")
    spare.name = "Spare Expert"
    db.session.add(ExpertProfile(email=spare.email, name="Spare Expert", province="hunan", affiliation="",
                                 themes=["体医融合"], max_load=8))
    setup.campaign.reviewers_per_case = 2
    db.session.commit()
    return spare


def _submit(setup, n):
    assignment = setup.assignments[n]
    review_ops.submit_review(setup.experts[n], assignment, {"scores": SCORES, "confidence": "high"}, None)
    db.session.commit()


def _draft(setup, n):
    review_ops.save_draft(setup.experts[n], setup.assignments[n], {"scores": {"innovation": 9}}, None)
    db.session.commit()


def _expert_loses_the_case(client, assignment):
    url = f"/review/{token(assignment)}"
    for path in (url, f"{url}/files/1/view", f"{url}/files/1/download"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "a conflict of interest was recorded" in page.get_data(as_text=True)
    autosave = client.post(f"{url}/autosave", headers={"Accept": "application/json"},
                           data={"version": "1", "score-innovation": "10"})
    assert autosave.status_code in (400, 403)
    queue = client.get("/review/").get_data(as_text=True)
    assert token(assignment) not in queue


def _may_know(client):
    """The expert presses "I may know this case" on their list of the pool's cases."""
    page = client.get("/experts/cases").get_data(as_text=True)
    actions = re.findall(r'action="([^"]*may-know[^"]*)"', page)
    assert actions, "the pool list offers 'I may know this case'"
    # The first pool case is setup.case (the lower id).
    response = client.post(actions[0], data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302


def test_may_know_ends_an_assignment_with_a_draft_which_is_kept_and_not_counted(app, setup, expert_client):
    _profiles(setup)
    _draft(setup, 0)
    _may_know(expert_client)
    _expert_loses_the_case(expert_client, setup.assignments[0])
    db.session.expire_all()
    review = db.session.scalar(db.select(Review).filter_by(assignment_id=setup.assignments[0].id))
    assert review is not None and review.excluded_at is not None and review.status is ReviewStatus.DRAFT
    assert review.scores == {"innovation": 9}                      # kept for the audit log
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="review.excluded"))
    assert entry.changes["scores"] == {"innovation": 9}
    # The other expert's access is untouched.
    other = sign_in_as(app.test_client(), setup.experts[1])
    assert other.get(f"/review/{token(setup.assignments[1])}").status_code == 200


def test_the_expert_who_declines_for_a_conflict_after_submitting_leaves_the_results(app, setup, expert_client,
                                                                                    login_as):
    _profiles(setup)
    _submit(setup, 0)
    _submit(setup, 1)
    assert sorted(ranking(setup.campaign).results[0].totals) == sorted(e.id for e in setup.experts[:2])
    url = f"/review/{token(setup.assignments[0])}"
    page = expert_client.get(url).get_data(as_text=True)
    assert "I have found a conflict of interest with this case" in page      # offered after submission too
    assert f'action="{url}/decline"' in page and 'name="kind" value="conflict"' in page
    declined = expert_client.post(f"{url}/decline", data={"csrf_token": csrf_from(page), "kind": "conflict",
                                                          "reason": "我曾在该单位兼职"})
    assert declined.status_code == 302
    _expert_loses_the_case(expert_client, setup.assignments[0])
    db.session.expire_all()
    assert list(ranking(setup.campaign).results[0].totals) == [setup.experts[1].id]
    admin, _admin_user = login_as("admin")
    results = admin.get(f"/results/campaigns/{setup.campaign.id}").get_data(as_text=True)
    assert "excluded: conflict of interest" in results
    assert "1 submitted reviews are excluded from these results" in results
    # The export says the same: the excluded review is listed, marked, and counted nowhere.
    workbook = load_workbook(io.BytesIO(admin.get(f"/results/campaigns/{setup.campaign.id}/results.xlsx").data))
    scores = list(workbook["Review scores"].iter_rows(values_only=True))
    marks = sorted((row[1], row[-1]) for row in scores[1:])
    assert marks == sorted([(setup.experts[0].name, "excluded: conflict of interest"),
                            (setup.experts[1].name, "yes")]), marks
    method = dict(list(workbook["Method"].iter_rows(values_only=True))[1:])
    assert method["Submitted reviews excluded (conflict of interest)"] == 1
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "review.excluded" in audit


def test_a_conflict_the_admin_records_after_submission_ends_it_and_a_replacement_comes_in_one_click(
        app, setup, expert_client, login_as):
    spare = _profiles(setup)
    _submit(setup, 0)
    admin, _admin_user = login_as("admin")
    page = admin.get(f"/experts/campaigns/{setup.campaign.id}/conflicts").get_data(as_text=True)
    recorded = admin.post(f"/experts/campaigns/{setup.campaign.id}/conflicts", data={
        "csrf_token": csrf_from(page), "case_id": setup.case.id, "expert_id": setup.experts[0].id,
        "note": "曾合作"})
    assert recorded.status_code == 302
    _expert_loses_the_case(expert_client, setup.assignments[0])
    ended = admin.get(f"/conflicts/campaigns/{setup.campaign.id}").get_data(as_text=True)
    assert "Excluded: conflict of interest" in ended and "Find a replacement reviewer" in ended
    action = re.search(r'action="([^"]*/replacement)"', ended).group(1)
    replaced = admin.post(action, data={"csrf_token": csrf_from(ended)}, follow_redirects=True)
    assert "Spare Expert now reviews case" in replaced.get_data(as_text=True)
    row = db.session.scalar(db.select(ReviewAssignment).filter_by(case_id=setup.case.id, expert_id=spare.id))
    assert row.status is AssignmentStatus.CONFIRMED
    spare_client = sign_in_as(app.test_client(), spare)
    assert token(row) in spare_client.get("/review/").get_data(as_text=True)
    assert spare_client.get(f"/review/{token(row)}").status_code == 200
    # The ended pair is never proposed again, even once the conflict is waived.
    assert "The case has its 2 reviewers." in admin.get(f"/conflicts/campaigns/{setup.campaign.id}").get_data(
        as_text=True)


@pytest.mark.parametrize("started", [True, False])
def test_eligible_count_leaves_out_the_expert_in_conflict(app, setup, started):
    """'N experts are eligible (no conflict of interest)' counts no expert whose (started)
    review a conflict ended, and the assignment page shows the case short of a reviewer."""
    from reviewapp.experts.operations import declare_conflict
    from reviewapp.auth.models import Role, User
    _profiles(setup)
    # Only experts 0 and 1 in the pool: the spare and expert 2 are unavailable.
    for profile in db.session.scalars(db.select(ExpertProfile)):
        profile.available = profile.email in (setup.experts[0].email, setup.experts[1].email)
    db.session.delete(setup.other_assignment)
    db.session.commit()
    if started:
        _draft(setup, 0)
    admin = db.session.scalar(db.select(User).filter_by(role=Role.ADMIN)) or make_user("admin")
    declare_conflict(admin, setup.case, setup.experts[0], "")
    db.session.commit()
    summary = preview(setup.campaign)
    assert summary.short[setup.case.id] == 1
    result, _built, _run = run_assignment(admin, setup.campaign)
    db.session.commit()
    messages = [str(reason.message) for reason in result.explanation]
    assert any(f"Case {setup.case.id} needs 2 reviewers but only 1 experts are eligible" in m for m in messages), \
        messages
    assert db.session.scalar(db.select(db.func.count(ReviewAssignment.id)).filter_by(
        case_id=setup.case.id, expert_id=setup.experts[0].id)) == 1   # the ended one, kept, not re-proposed


def test_eligible_count_leaves_out_a_started_review_in_conflict_that_was_never_ended(app, setup):
    """Data from before conflicts ended assignments: a started review whose pair is now in
    conflict is kept (locked), but its expert is not counted among the eligible ones."""
    from reviewapp.auth.models import Role, User
    from reviewapp.experts.models import Conflict, ConflictSource
    _profiles(setup)
    for profile in db.session.scalars(db.select(ExpertProfile)):  # nobody else to assign
        profile.available = False
    db.session.delete(setup.other_assignment)
    db.session.delete(setup.assignments[1])
    db.session.commit()
    _draft(setup, 0)
    db.session.add(Conflict(case_id=setup.case.id, expert_id=setup.experts[0].id, source=ConflictSource.ADMIN))
    db.session.commit()
    admin = db.session.scalar(db.select(User).filter_by(role=Role.ADMIN)) or make_user("admin")
    result, _built, _run = run_assignment(admin, setup.campaign)
    db.session.commit()
    messages = [str(reason.message) for reason in result.explanation]
    assert any(f"Case {setup.case.id} needs 2 reviewers but only 0 experts are eligible" in m for m in messages), \
        messages


def test_a_profile_change_that_makes_a_rule_apply_ends_the_assignment(app, setup, expert_client):
    """Detected conflicts end assignments too: the administrator records that the expert now
    works for the applicant (its affiliation), and the expert loses the case at once."""
    from reviewapp.experts.operations import PROFILE_FIELDS, update_expert
    _profiles(setup)
    _draft(setup, 0)
    admin = make_user("admin")
    profile = db.session.scalar(db.select(ExpertProfile).filter_by(email=setup.experts[0].email))
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    update_expert(admin, profile, {**values, "affiliation": "北京市示例体育协会"})
    db.session.commit()
    _expert_loses_the_case(expert_client, setup.assignments[0])
    # The other expert's profile edit that changes nothing relevant ends nothing.
    other = db.session.scalar(db.select(ExpertProfile).filter_by(email=setup.experts[1].email))
    update_expert(admin, other, {**{name: getattr(other, name) for name in PROFILE_FIELDS}, "max_load": 3})
    db.session.commit()
    still = sign_in_as(app.test_client(), setup.experts[1])
    assert still.get(f"/review/{token(setup.assignments[1])}").status_code == 200


def test_a_conflict_on_a_proposal_withdraws_it_with_an_audit_entry(app, setup):
    from reviewapp.experts.operations import declare_conflict
    _profiles(setup)
    proposal = ReviewAssignment(campaign_id=setup.campaign.id, case_id=setup.other_case.id,
                                expert_id=setup.experts[1].id)
    db.session.add(proposal)
    db.session.commit()
    admin = make_user("admin")
    declare_conflict(admin, setup.other_case, setup.experts[1], "同事")
    declare_conflict(admin, setup.other_case, setup.experts[1], "同事")   # twice: nothing more happens
    db.session.commit()
    assert db.session.scalar(db.select(ReviewAssignment).filter_by(
        case_id=setup.other_case.id, expert_id=setup.experts[1].id)) is None
    entries = db.session.scalars(db.select(AuditEntry).filter_by(action="assignment.ended_by_conflict")).all()
    assert [(e.changes["status"], e.reason) for e in entries] == [("proposed", "同事")]


def test_a_submitted_review_whose_pair_has_a_declared_conflict_is_never_counted(app, setup, login_as):
    """However the conflict row came to be (here: written directly, as data from before this
    change), the results leave the review out and mark it, and the cached ranking is renewed."""
    from reviewapp.experts.models import Conflict, ConflictSource
    _profiles(setup)
    _submit(setup, 0)
    _submit(setup, 1)
    assert len(ranking(setup.campaign).results[0].totals) == 2
    db.session.add(Conflict(case_id=setup.case.id, expert_id=setup.experts[0].id, source=ConflictSource.EXPERT))
    db.session.commit()
    db.session.refresh(setup.campaign)
    assert list(ranking(setup.campaign).results[0].totals) == [setup.experts[1].id]
    admin, _user = login_as("admin")
    page = admin.get(f"/results/campaigns/{setup.campaign.id}").get_data(as_text=True)
    assert "excluded: conflict of interest" in page
    conflict = db.session.scalar(db.select(Conflict))
    conflict.waived_at, conflict.waiver_reason = conflict.created_at, "审核后无利害关系"
    db.session.commit()
    db.session.refresh(setup.campaign)
    assert len(ranking(setup.campaign).results[0].totals) == 2      # waived: counted again
