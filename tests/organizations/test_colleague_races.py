"""Two tabs of the owner at the same instant: one hands the ownership to a colleague, the other
removes that colleague. One of them wins; the organization never ends up without an owner or
with an owner who is not in it (real threads, both databases)."""
from reviewapp.auth.models import Role, User
from reviewapp.extensions import db
from tests.factories import PASSWORD, csrf_from, make_organization, sign_in_as
from tests.races import TRIALS, at_once


def test_handing_over_and_removing_the_same_colleague_at_once(app):
    owner = make_organization(email="owner@example.cn")
    organization_id, owner_id = owner.organization_id, owner.id
    for trial in range(TRIALS):
        colleague = User(email=f"c{trial}@example.cn", name="同事", role=Role.ORGANIZATION,
                         organization_id=organization_id)
        colleague.set_password(PASSWORD)
        db.session.add(colleague)
        db.session.get(User, owner_id).organization_owner = True
        db.session.commit()
        colleague_id = colleague.id
        clients = [sign_in_as(app.test_client(), db.session.get(User, owner_id)) for _ in range(2)]
        tokens = [csrf_from(c.get("/organization/colleagues").get_data(as_text=True)) for c in clients]
        paths = [f"/organization/colleagues/{colleague_id}/owner", f"/organization/colleagues/{colleague_id}/remove"]
        responses = at_once(*[lambda c=c, p=p, t=t: c.post(p, data={"csrf_token": t})
                              for c, p, t in zip(clients, paths, tokens)])
        # The winner is done (302). The loser is answered 302 with the refusal when it reached the
        # locks, or, when it arrived after the winner's commit, by the access check: 403 (the
        # owner is no longer the owner) or 404 (the colleague is no longer in the organization).
        codes = sorted(r.status_code for r in responses)
        assert codes[0] == 302 and set(codes) <= {302, 403, 404}, f"trial {trial}: {codes}"
        db.session.remove()
        owners = db.session.scalars(db.select(User).filter_by(organization_owner=True)).all()
        assert len(owners) == 1 and owners[0].organization_id == organization_id, f"trial {trial}"
        member = db.session.get(User, colleague_id)
        assert (member.organization_id is None) != member.organization_owner, f"trial {trial}: both or neither"
        if member.organization_owner:   # give it back for the next trial
            member.organization_owner = False
            member.organization_id = None
            db.session.commit()
