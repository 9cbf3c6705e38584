"""Starting a case makes one draft per click, however often the form is sent; an applicant
deletes a draft it never submitted, after confirming, and nothing else."""
import threading
import time
from functools import partial

from reviewapp.audit import AuditEntry
from reviewapp.cases import operations
from reviewapp.cases.models import Case
from reviewapp.extensions import db
from reviewapp.storage.models import FileTombstone
from tests.cases.conftest import complete
from tests.factories import csrf_from, sign_in_as, start_token_from
from tests.races import at_once, lock_held


def start_form(client, campaign):
    """(csrf token, start token) of the dashboard's start button for `campaign`."""
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"/cases/start/{campaign.id}" in page
    return csrf_from(page), start_token_from(page)


def post_start(client, campaign, csrf, token):
    return client.post(f"/cases/start/{campaign.id}", data={"csrf_token": csrf, "start_token": token})


def case_count():
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Case.id)))


# Holds back every INSERT into cases while reads go on: SQLite's write lock, or this table lock.
HOLD_INSERTS = "LOCK TABLE cases IN EXCLUSIVE MODE"


def test_a_double_click_sent_at_the_same_instant_makes_one_draft(app, campaign, organization_user):
    """Both requests find no draft with the token, then wait at their INSERT: released together,
    the unique constraint lets one create the draft and the other opens that same draft."""
    clients = [sign_in_as(app.test_client(), organization_user) for _ in range(2)]
    csrfs = [start_form(client, campaign)[0] for client in clients]
    _csrf, token = start_form(clients[0], campaign)
    responses = [None, None]

    def send(index):  # two clients: one browser's two requests, each on its own connection
        responses[index] = post_start(clients[index], campaign, csrfs[index], token)

    with lock_held(app, HOLD_INSERTS):
        threads = [threading.Thread(target=send, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # both are now waiting at their INSERT
        assert case_count() == 0
    for thread in threads:
        thread.join(timeout=60)

    assert case_count() == 1
    case = db.session.scalar(db.select(Case))
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.headers["Location"] for r in responses} == {f"/cases/{case.id}/edit"}
    created = db.session.scalars(db.select(AuditEntry).filter_by(action="case.created")).all()
    assert [entry.object_id for entry in created] == [case.id]


def test_the_same_form_sent_twice_opens_the_same_draft_and_a_new_page_starts_another(
        app, org_client, campaign):
    csrf, token = start_form(org_client, campaign)
    first, second = (post_start(org_client, campaign, csrf, token) for _ in range(2))
    assert first.headers["Location"] == second.headers["Location"] and case_count() == 1
    csrf, fresh = start_form(org_client, campaign)
    assert fresh != token
    assert post_start(org_client, campaign, csrf, fresh).headers["Location"] != first.headers["Location"]
    assert case_count() == 2


def test_another_organizations_token_starts_its_own_draft(app, org_client, other_org_client, campaign):
    csrf, token = start_form(org_client, campaign)
    mine = post_start(org_client, campaign, csrf, token).headers["Location"]
    other_csrf, _own = start_form(other_org_client, campaign)
    theirs = post_start(other_org_client, campaign, other_csrf, token).headers["Location"]
    assert theirs != mine and case_count() == 2


def test_a_start_without_a_token_creates_nothing_and_says_why(app, org_client, campaign):
    csrf, _token = start_form(org_client, campaign)
    response = org_client.post(f"/cases/start/{campaign.id}", data={"csrf_token": csrf}, follow_redirects=True)
    assert "no case was started" in response.get_data(as_text=True) and case_count() == 0


def test_deleting_a_draft_asks_first_then_removes_it_with_its_files(app, org_client, draft, organization_user):
    complete(draft, organization_user)
    item, draft_id = draft.evidence[0], draft.id
    names = {item.storage_name, item.blind_storage_name, item.thumbnail_name}
    assert f"/cases/{draft.id}/delete" in org_client.get("/dashboard").get_data(as_text=True)

    page = org_client.get(f"/cases/{draft.id}/delete")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "cannot be undone" in html and "activity log (1 rows)" in html
    assert case_count() == 1  # looking is not deleting

    response = org_client.post(f"/cases/{draft.id}/delete", data={"csrf_token": csrf_from(html)},
                               follow_redirects=True)
    assert "The draft was deleted." in response.get_data(as_text=True) and case_count() == 0
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="case.deleted"))
    assert (entry.object_id, entry.actor_id) == (draft_id, organization_user.id)
    assert names <= set(db.session.scalars(db.select(FileTombstone.name)))  # removed after the grace period

    again = org_client.post(f"/cases/{draft_id}/delete", data={"csrf_token": csrf_from(html)})
    assert again.status_code == 302 and again.headers["Location"].endswith("/dashboard")


def test_deleting_needs_the_forms_token(app, org_client, draft):
    response = org_client.post(f"/cases/{draft.id}/delete", data={})
    assert response.status_code in (400, 409) and case_count() == 1


def test_another_organization_can_neither_see_nor_delete_the_draft(app, org_client, other_org_client, draft):
    path = f"/cases/{draft.id}/delete"
    html = org_client.get(path).get_data(as_text=True)
    assert other_org_client.get(path).status_code == 404
    theirs = csrf_from(other_org_client.get("/dashboard").get_data(as_text=True))
    response = other_org_client.post(path, data={"csrf_token": theirs})
    assert response.status_code == 404 and case_count() == 1
    org_client.post(path, data={"csrf_token": csrf_from(html)})
    assert case_count() == 0 and other_org_client.get(path).status_code == 404  # not "already deleted"


def test_a_submitted_or_withdrawn_case_cannot_be_deleted_and_the_reason_is_in_chinese(
        app, org_client, draft, organization_user):
    organization_user.locale = "zh"
    draft.campaign.allow_direct_submission = True
    complete(draft, organization_user)
    operations.submit_case(organization_user, draft)
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}/delete").get_data(as_text=True)
    assert "已提交，不能删除" in page and "删除草稿</button>" not in page
    refused = org_client.post(f"/cases/{draft.id}/delete", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 409 and "已提交，不能删除" in refused.get_data(as_text=True)

    operations.withdraw_case(organization_user, db.session.get(Case, draft.id))
    db.session.commit()
    refused = org_client.post(f"/cases/{draft.id}/delete", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 409 and "曾经提交" in refused.get_data(as_text=True)
    assert f"/cases/{draft.id}/delete" not in org_client.get("/dashboard").get_data(as_text=True)
    assert case_count() == 1


def test_delete_sent_twice_at_the_same_instant_deletes_once_and_both_say_deleted(
        app, draft, organization_user):
    clients = [sign_in_as(app.test_client(), organization_user) for _ in range(2)]
    tokens = [csrf_from(c.get(f"/cases/{draft.id}/delete").get_data(as_text=True)) for c in clients]
    responses = at_once(*(partial(c.post, f"/cases/{draft.id}/delete", data={"csrf_token": t})
                          for c, t in zip(clients, tokens)))
    assert [r.status_code for r in responses] == [302, 302]
    assert all(r.headers["Location"].endswith("/dashboard") for r in responses) and case_count() == 0
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(action="case.deleted")) == 1
