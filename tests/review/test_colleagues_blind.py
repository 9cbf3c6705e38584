"""Every colleague of the applicant is as identifying as its contact person: their names, e-mail
addresses and telephones are flagged to the applicant and never reach an expert."""
from reviewapp.auth.models import Role, User
from reviewapp.cases import evidence as store
from reviewapp.cases.checks import narrative_mentions
from reviewapp.extensions import db
from tests.factories import jpeg_bytes, sign_in_as

from .conftest import token
from .test_blind_crawler import _leaks, crawl

COLLEAGUE = {"name": "赵敏", "email": "zhao.min@163.com", "phone": "139-1111-2222"}
NEEDLES = ["赵敏", "zhao.min@163.com", "13911112222", "139-1111-2222", "孙磊", "sun.lei@qq.com", "钱立", "qian.li@126.com"]


def _add_colleagues(setup):
    colleague = User(email=COLLEAGUE["email"], name=COLLEAGUE["name"], phone=COLLEAGUE["phone"],
                     role=Role.ORGANIZATION, organization_id=setup.organization.id)
    # A former colleague (removed since) wrote evidence too.
    former = User(email="sun.lei@qq.com", name="孙磊", role=Role.ORGANIZATION, organization_id=setup.organization.id)
    db.session.add_all([colleague, former])
    db.session.commit()
    from reviewapp.organizations.members import leave, remove_colleague
    remove_colleague(setup.org_user, former)
    left = User(email="qian.li@126.com", name="钱立", role=Role.ORGANIZATION, organization_id=setup.organization.id)
    db.session.add(left)
    db.session.flush()
    leave(left)
    case = setup.case
    case.organization_text += "项目由赵敏（zhao.min@163.com，电话139-1111-2222）统筹，孙磊（sun.lei@qq.com）协助，钱立（qian.li@126.com）记录。"
    case.innovation_text += "Contact 赵敏 at zhao.min@163.com or 13911112222."
    store.add_file(None, case, jpeg_bytes(color=(10, 200, 10)), "赵敏拍摄.jpg", "赵敏带队晨练")
    db.session.commit()


def test_the_applicant_is_told_of_each_colleague_named(app, setup):
    _add_colleagues(setup)
    found = {(m.field, m.matched) for _label, mentions in narrative_mentions(setup.case) for m in mentions}
    assert {("colleague", "赵敏"), ("colleague", "孙磊"), ("colleague", "钱立")} <= found
    assert ("email", "zhao.min@163.com") in found and ("email", "sun.lei@qq.com") in found
    assert any(field == "phone" and "1111" in matched for field, matched in found)
    page = sign_in_as(app.test_client(), setup.org_user).get(f"/cases/{setup.case.id}/blind-check")
    assert page.status_code == 200 and "a colleague's name" in page.get_data(as_text=True)
    photo = setup.case.evidence[-1]
    assert {(f["source"], f["field"]) for f in photo.identity_flags} >= {("caption", "colleague"),
                                                                          ("file_name", "colleague")}


def test_no_colleague_reaches_an_expert(app, setup, expert_client):
    _add_colleagues(setup)
    mine = token(setup.assignments[0])
    responses = crawl(expert_client, ["/dashboard", "/review/", f"/review/{mine}"])
    page = responses[f"/review/{mine}"].get_data(as_text=True)
    assert responses[f"/review/{mine}"].status_code == 200 and "统筹" in page     # the text is there, the names not
    leaks = {url: _leaks(r, NEEDLES) for url, r in responses.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
