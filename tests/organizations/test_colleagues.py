"""An organization's colleagues: the owner invites them by e-mail, revokes invitations, removes
colleagues and hands the ownership on; every colleague works on the organization's cases, and
two colleagues editing one case at once are held to the two-tab rule."""
import re

import pytest

from reviewapp.audit import AuditEntry
from reviewapp.auth.models import Role, User
from reviewapp.cases.models import Case
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from tests.factories import PASSWORD, csrf_from, make_campaign, make_organization, sign_in_as, submit_form

COLLEAGUES = "/organization/colleagues"


@pytest.fixture
def owner(app):
    return make_organization(name="北京市朝阳区社会体育指导员协会", email="owner@example.cn")


@pytest.fixture
def owner_client(app, owner):
    return sign_in_as(app.test_client(), owner)


@pytest.fixture
def draft(app, owner):
    case = Case(campaign=make_campaign(), organization=owner.organization, title="社区健身",
                contact_person="王丽", contact_phone="13800138000")
    db.session.add(case)
    db.session.commit()
    return case


def make_colleague(owner, email="li.na@example.cn", name="李娜"):
    user = User(email=email, name=name, role=Role.ORGANIZATION, organization_id=owner.organization_id)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def invite(client, email="zhang.min@example.cn", name="张敏"):
    return submit_form(client, COLLEAGUES, {"name": name, "email": email}, action=f"{COLLEAGUES}/invite",
                       follow_redirects=True)


def invitation_path(recipient="zhang.min@example.cn"):
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient=recipient)
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"https://reviewapp\.example\.org(/auth/invitation/\S+)", mail.body).group(1)


def post(client, path, page=COLLEAGUES, **kwargs):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token}, **kwargs)


def actions():
    return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_the_owner_invites_a_colleague_who_makes_an_account_and_works_on_the_cases(app, owner_client, draft):
    page = owner_client.get(COLLEAGUES).get_data(as_text=True)
    assert "owner@example.cn" in page and "Owner" in page and "Invite a colleague" in page
    page = invite(owner_client).get_data(as_text=True)
    assert "The invitation is sent to zhang.min@example.cn" in page
    assert "Pending invitations" in page and "zhang.min@example.cn" in page
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="zhang.min@example.cn")).one()
    assert "北京市朝阳区社会体育指导员协会" in mail.subject
    assert "invites you to join" in mail.body and "邀请您加入" in mail.body          # both languages
    newcomer = app.test_client()
    page = newcomer.get(invitation_path()).get_data(as_text=True)
    assert "You are invited to work on the cases of 北京市朝阳区社会体育指导员协会" in page
    response = submit_form(newcomer, invitation_path(), {"name": "张敏", "password": "a long enough password",
                                                         "confirm": "a long enough password"},
                           follow_redirects=True)
    dashboard = response.get_data(as_text=True)
    assert "北京市朝阳区社会体育指导员协会" in dashboard and "社区健身" in dashboard
    assert newcomer.get(f"/cases/{draft.id}/edit").status_code == 200
    person = db.session.scalar(db.select(User).filter_by(email="zhang.min@example.cn"))
    assert person.organization_id == draft.organization_id and not person.organization_owner
    assert {"organization.colleague_invited", "invitation.accepted", "organization.colleague_joined"} <= set(actions())
    # The link worked once; the colleague is now listed, no longer pending.
    assert "invalid, already used or expired" in app.test_client().get(
        invitation_path(), follow_redirects=True).get_data(as_text=True)
    page = owner_client.get(COLLEAGUES).get_data(as_text=True)
    assert "No pending invitation." in page and "张敏" in page


def test_a_revoked_invitation_link_no_longer_works(app, owner_client):
    invite(owner_client)
    path = invitation_path()
    from reviewapp.auth.models import Invitation
    invitation = db.session.scalar(db.select(Invitation).filter_by(email="zhang.min@example.cn"))
    page = post(owner_client, f"/organization/invitations/{invitation.id}/revoke",
                follow_redirects=True).get_data(as_text=True)
    assert "The invitation is revoked" in page and "No pending invitation." in page
    assert "invalid, already used or expired" in app.test_client().get(path, follow_redirects=True).get_data(
        as_text=True)
    assert "invitation.revoked" in actions()


def test_inviting_a_colleague_twice_is_refused(app, owner, owner_client):
    make_colleague(owner)
    response = invite(owner_client, email="Li.Na@example.cn")
    assert response.status_code == 422 and "already a colleague" in response.get_data(as_text=True)


def test_a_colleague_who_is_not_the_owner_sees_the_list_but_changes_nothing(app, owner, draft):
    colleague = make_colleague(owner)
    client = sign_in_as(app.test_client(), colleague)
    page = client.get(COLLEAGUES).get_data(as_text=True)
    assert "owner@example.cn" in page and "li.na@example.cn" in page
    assert "Invite a colleague" not in page and "Remove" not in page and "ask the owner" in page
    assert submit_form(client, COLLEAGUES, {"name": "x", "email": "x@example.cn"},
                       action=f"{COLLEAGUES}/invite").status_code == 403
    assert post(client, f"{COLLEAGUES}/{owner.id}/remove").status_code == 403
    assert post(client, f"{COLLEAGUES}/{colleague.id}/owner").status_code == 403
    assert reload(User, owner.id).organization_owner and not reload(User, colleague.id).organization_owner
    assert client.get(f"/cases/{draft.id}/edit").status_code == 200      # but works on the cases


def test_a_removed_colleague_is_signed_out_and_sees_no_case_again(app, owner, owner_client, draft):
    colleague = make_colleague(owner)
    client = sign_in_as(app.test_client(), colleague)
    assert client.get(f"/cases/{draft.id}/edit").status_code == 200
    page = post(owner_client, f"{COLLEAGUES}/{colleague.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "The colleague is removed" in page and "li.na@example.cn" not in page
    # Their session ended: the next request asks them to sign in.
    response = client.get(f"/cases/{draft.id}/edit")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    signed_in = submit_form(client, "/auth/sign-in", {"email": "li.na@example.cn", "password": PASSWORD},
                            follow_redirects=True).get_data(as_text=True)
    assert "does not work for an organization" in signed_in and "社区健身" not in signed_in
    assert client.get(f"/cases/{draft.id}/edit").status_code == 404
    assert client.get(f"/cases/{draft.id}").status_code == 404
    campaign_id = draft.campaign_id
    assert post(client, f"/cases/start/{campaign_id}", page="/dashboard").status_code == 404
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="organization.colleague_removed"))
    assert entry.actor_id == owner.id and entry.changes["user"] == colleague.id
    mail = db.session.scalars(db.select(OutboxMessage).filter_by(recipient="li.na@example.cn")).one()
    assert "removed you from" in mail.body and "移除" in mail.body


def test_the_owner_cannot_be_removed_and_hands_the_ownership_on(app, owner, owner_client):
    colleague = make_colleague(owner)
    page = post(owner_client, f"{COLLEAGUES}/{owner.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "The owner cannot be removed" in page
    assert reload(User, owner.id).organization_id is not None
    page = post(owner_client, f"{COLLEAGUES}/{colleague.id}/owner", follow_redirects=True).get_data(as_text=True)
    assert "The ownership is handed over" in page and "Invite a colleague" not in page
    assert reload(User, colleague.id).organization_owner and not reload(User, owner.id).organization_owner
    new_owner = sign_in_as(app.test_client(), reload(User, colleague.id))
    assert "Invite a colleague" in new_owner.get(COLLEAGUES).get_data(as_text=True)
    assert invite(owner_client).status_code == 403                       # the former owner no longer invites
    assert "organization.ownership_handed" in actions()


def test_an_account_of_no_organization_joins_after_signing_in(app, owner, owner_client):
    other_owner = make_organization(name="上海市另一个体育协会", province="shanghai", email="other@example.cn")
    former = make_colleague(other_owner, email="zhang.min@example.cn", name="张敏")
    former.organization_id = None     # removed from its organization earlier
    db.session.commit()
    invite(owner_client)
    client = app.test_client()
    response = client.get(invitation_path())
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    page = submit_form(client, response.headers["Location"], {"email": "zhang.min@example.cn", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "Join 北京市朝阳区社会体育指导员协会" in page
    page = post(client, invitation_path() + "/join", page=invitation_path(), follow_redirects=True).get_data(
        as_text=True)
    assert "You now work on the cases of 北京市朝阳区社会体育指导员协会" in page
    assert reload(User, former.id).organization_id == owner.organization_id


def test_an_account_of_another_organization_cannot_join(app, owner, owner_client):
    other = make_organization(name="上海市另一个体育协会", province="shanghai", email="zhang.min@example.cn")
    invite(owner_client)
    client = sign_in_as(app.test_client(), other)
    page = client.get(invitation_path()).get_data(as_text=True)
    assert "cannot join" in page and "Join 北京市" not in page
    post(client, invitation_path() + "/join", page=invitation_path())
    assert reload(User, other.id).organization_id == other.organization_id


def _edit_form(client, case, **values):
    html = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "version": re.search(r'name="version"[^>]*value="(\d+)"', html).group(1),
            "title": "社区健身", "summary": "", "contact_person": "王丽"}
    data.update(values)
    return data


def test_two_colleagues_editing_one_case_get_the_two_tab_conflict(app, owner, owner_client, draft):
    colleague_client = sign_in_as(app.test_client(), make_colleague(owner))
    mine = _edit_form(owner_client, draft, title="负责人的标题")
    theirs = _edit_form(colleague_client, draft, title="同事的标题", organization_text="同事写的一大段介绍")
    assert mine["version"] == theirs["version"]
    assert owner_client.post(f"/cases/{draft.id}/autosave", data=mine).json["ok"]
    refused = colleague_client.post(f"/cases/{draft.id}/edit", data=theirs)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "saved in another tab or by another person" in page and "同事写的一大段介绍" in page   # nothing lost
    assert reload(Case, draft.id).title == "负责人的标题"
    assert colleague_client.post(f"/cases/{draft.id}/autosave", data=theirs).status_code == 409
    # Reopened, the colleague's save on the current version goes through.
    again = _edit_form(colleague_client, draft, title="同事的标题", organization_text="同事写的一大段介绍")
    assert colleague_client.post(f"/cases/{draft.id}/autosave", data=again).json["ok"]
    assert reload(Case, draft.id).organization_text == "同事写的一大段介绍"


def test_a_colleague_leaves_on_their_own_and_the_owner_cannot(app, owner, owner_client, draft):
    colleague = make_colleague(owner)
    client = sign_in_as(app.test_client(), colleague)
    page = post(client, "/organization/leave", follow_redirects=True).get_data(as_text=True)
    assert "You have left 北京市朝阳区社会体育指导员协会" in page and "does not work for an organization" in page
    assert client.get(f"/cases/{draft.id}/edit").status_code == 404
    assert "li.na@example.cn" not in owner_client.get(COLLEAGUES).get_data(as_text=True)
    assert "organization.colleague_left" in actions()
    page = post(owner_client, "/organization/leave", follow_redirects=True).get_data(as_text=True)
    assert "The owner cannot leave" in page and reload(User, owner.id).organization_id == owner.organization_id


def test_an_owner_sends_a_limited_number_of_invitations(app, owner_client):
    from reviewapp.extensions import limiter
    app.config["COLLEAGUE_INVITATION_RATE_LIMIT"] = "2 per day"
    limiter.reset()
    assert invite(owner_client, email="not-an-address").status_code == 400     # a typo does not count
    answers = [invite(owner_client, email=f"c{n}@example.cn").status_code for n in range(3)]
    assert answers == [200, 200, 429]
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 2
