"""Two acceptances of one invitation at the same instant (two tabs, a double click): one account,
and the other request is told the invitation was used, never a 500 (real threads, both databases)."""
from datetime import datetime, timedelta, timezone

from reviewapp.auth.models import Invitation, Role, User
from reviewapp.auth.tokens import new_invitation_token
from reviewapp.extensions import db
from tests.factories import csrf_from, make_user
from tests.races import TRIALS, at_once

ZH = {"Accept-Language": "zh"}


def _invitation(admin_id, number):
    token, token_hash = new_invitation_token()
    db.session.add(Invitation(email=f"invited{number}@example.cn", name="被邀请人", role=Role.EXPERT,
                              token_hash=token_hash, invited_by_id=admin_id,
                              expires_at=datetime.now(timezone.utc) + timedelta(days=3)))
    db.session.commit()
    return token


def test_two_simultaneous_acceptances_make_one_account_and_a_translated_refusal(app):
    admin_id = make_user("admin").id
    for trial in range(TRIALS):
        token = _invitation(admin_id, trial)
        path = f"/auth/invitation/{token}"
        clients = [app.test_client() for _ in range(2)]
        forms = [{"csrf_token": csrf_from(c.get(path, headers=ZH).get_data(as_text=True)), "name": "王专家",
                  "password": "a long enough password", "confirm": "a long enough password"} for c in clients]
        responses = at_once(*[lambda c=c, f=f: c.post(path, data=f, headers=ZH, follow_redirects=True)
                              for c, f in zip(clients, forms)])
        assert [r.status_code for r in responses] == [200, 200]
        db.session.remove()
        assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(email=f"invited{trial}@example.cn")) == 1
        pages = [r.get_data(as_text=True) for r in responses]
        refused = [page for page in pages if "此邀请无效" in page or "已注册账号" in page]
        assert len(refused) == 1, f"trial {trial}: {[p[:200] for p in pages]}"
