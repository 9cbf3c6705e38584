"""A case's thread: the department or the case's unit asks, the applicant reads it on the case page
and replies; each side is told by e-mail; nobody else (experts above all) reads it."""
import pytest

from reviewapp.extensions import db
from reviewapp.messages.models import MESSAGE_MAX, CaseMessage
from reviewapp.messages.threads import post_message
from tests.factories import sign_in_as, submit_form
from tests.messages.data import messages_world, outbox
from tests.security.world import build_path, csrf_token, build_world, client_for, probed_rules, url_values

QUESTION = "请补充2025年活动签到表的扫描件。"
ZH = {"Accept-Language": "zh"}


@pytest.fixture
def w(app):
    return messages_world()


def test_the_department_asks_and_the_applicant_reads_and_replies(app, w):
    admin = sign_in_as(app.test_client(), w.admin)
    org = sign_in_as(app.test_client(), w.org_user)
    thread = f"/messages/cases/{w.case.id}"
    case_page = admin.get(f"/cases/{w.case.id}").get_data(as_text=True)
    assert "Ask the applicant a question" in case_page and thread in case_page
    response = submit_form(admin, thread, {"body": QUESTION}, follow_redirects=True)
    assert "Your message was sent." in response.get_data(as_text=True) and QUESTION in response.get_data(as_text=True)

    [notice] = outbox("org-a@example.cn")
    assert "社区健身指导常态化" in notice.subject
    assert "the Group Department" in notice.body or "群体司" in notice.body
    assert f"https://reviewapp.example.org/messages/cases/{w.case.id}" in notice.body
    assert QUESTION not in notice.body   # the mail says who asked and where, not what

    dashboard = org.get("/dashboard").get_data(as_text=True)
    assert "New messages: 1" in dashboard and thread in dashboard
    assert "1 unread" in org.get(f"/cases/{w.case.id}").get_data(as_text=True)
    page = org.get(thread).get_data(as_text=True)
    assert QUESTION in page and "Send the reply" in page
    assert "New messages" not in org.get("/dashboard").get_data(as_text=True)   # read: the count is gone

    submit_form(org, thread, {"body": "已上传，请查收。"})
    [reply] = outbox("admin@sport.example.cn")
    assert "北京市朝阳区健身志愿者协会 replied" in reply.subject and "已上传" not in reply.body
    assert "已上传，请查收。" in admin.get(thread).get_data(as_text=True)
    assert outbox("chu@bj-sport.example.cn") == []   # the unit did not ask: it is not mailed
    # The applicant's own reply is not unread for it.
    assert "New messages" not in org.get("/dashboard").get_data(as_text=True)


def test_the_unit_asks_by_name_in_the_applicants_language(app, w):
    w.org_user.locale = "zh"
    db.session.commit()
    unit = sign_in_as(app.test_client(), w.unit_user)
    assert f"/messages/cases/{w.case.id}" in unit.get(f"/recommendation/cases/{w.case.id}").get_data(as_text=True)
    submit_form(unit, f"/messages/cases/{w.case.id}", {"body": QUESTION})
    [notice] = outbox("org-a@example.cn")
    assert "北京市体育局" in notice.body and "提出了问询" in notice.body and "Hello" not in notice.body
    org = sign_in_as(app.test_client(), w.org_user)
    page = org.get(f"/messages/cases/{w.case.id}", headers=ZH).get_data(as_text=True)
    assert QUESTION in page and "北京市体育局" in page
    submit_form(org, f"/messages/cases/{w.case.id}", {"body": "好的"})
    assert len(outbox("chu@bj-sport.example.cn")) == 1 and outbox("admin@sport.example.cn") == []


def test_a_notice_without_a_recorded_language_is_in_both(app, w):
    post_message(w.admin, w.case, QUESTION)
    db.session.commit()
    [notice] = outbox("org-a@example.cn")
    assert "您的案例" in notice.subject and "A question about your case" in notice.subject
    assert "Hello," in notice.body and "您好" in notice.body


def test_the_applicant_only_replies_and_others_are_refused(app, w):
    org = sign_in_as(app.test_client(), w.org_user)
    thread = f"/messages/cases/{w.case.id}"
    page = org.get(thread).get_data(as_text=True)
    assert "You can reply once the department or your recommending unit has asked a question." in page
    response = submit_form(org, thread, {"body": "我先说两句"})
    assert response.status_code == 422 and db.session.scalar(db.select(db.func.count(CaseMessage.id))) == 0
    # Case page: no thread card for the applicant while there is nothing to read.
    assert thread not in org.get(f"/cases/{w.case.id}").get_data(as_text=True)

    post_message(w.admin, w.case, QUESTION)
    db.session.commit()
    expert = sign_in_as(app.test_client(), w.expert)
    assert expert.get(thread).status_code == 403
    assert expert.post(thread, data={"body": "x", "csrf_token": csrf_token(expert)}).status_code == 403
    other_org = sign_in_as(app.test_client(), w.other_org.users[0])
    assert other_org.get(thread).status_code == 404
    other_unit = sign_in_as(app.test_client(), w.other_unit_user)
    assert other_unit.get(thread).status_code == 404
    assert app.test_client().get(thread).status_code == 302
    # The other organization's dashboard counts nothing of it.
    assert "New messages" not in other_org.get("/dashboard").get_data(as_text=True)


def test_a_draft_has_no_thread(app, w):
    from reviewapp.cases.workflow import CaseState
    from tests.recommendation.data import make_case
    draft = make_case(w.campaign, w.org, state=CaseState.DRAFT, unit=None)
    draft.submitted_at = None
    db.session.commit()
    admin = sign_in_as(app.test_client(), w.admin)
    assert admin.get(f"/messages/cases/{draft.id}").status_code == 404


def test_bad_input_is_refused_with_its_reason_and_nothing_is_saved(app, w):
    admin = sign_in_as(app.test_client(), w.admin)
    thread = f"/messages/cases/{w.case.id}"
    nul = submit_form(admin, thread, {"body": "请补充\x00材料"}, headers=ZH)
    assert nul.status_code == 400 and "控制字符" in nul.get_data(as_text=True)
    long_text = "很长的问题" * (MESSAGE_MAX // 5 + 1)
    response = submit_form(admin, thread, {"body": long_text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f"At most {MESSAGE_MAX} characters." in html and long_text in html
    assert submit_form(admin, thread, {"body": "   "}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(CaseMessage.id))) == 0 and outbox() == []


@pytest.mark.parametrize("principal", ["expert_assigned", "expert_other", "org_b", "unit_other"])
def test_no_page_of_an_expert_or_a_stranger_carries_a_thread(app, principal):
    """Blind review: a thread names the organization, so no response an expert can get carries it."""
    world = build_world(app)
    secret = "司里提问：请说明北京市示例体育协会的会员人数"
    post_message(world.users["admin"], world.case_a, secret)
    post_message(world.users["org_a"], world.case_a, "回复：会员三百人")
    db.session.commit()
    client = client_for(app, world, principal)
    reached = 0
    for rule in probed_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "auth.sign_out":
            continue
        response = client.get(build_path(app, rule, url_values(world, rule)))
        reached += response.status_code == 200
        assert secret.encode() not in response.data and "会员三百人".encode() not in response.data, rule.rule
    assert reached > 5
    if principal == "expert_assigned":   # the blind review page of case A was among them
        assert client.get(f"/review/{world.review_token}").status_code == 200
