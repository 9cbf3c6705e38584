"""Mail to a filtered group: templates with checked placeholders, a preview with the count, a
confirmed send through the job queue, each recipient mailed once even on a double click."""
import re
import time

import pytest

from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.messages.group_mail import deliver
from reviewapp.messages.models import GroupMailing, MailTemplate
from tests.factories import make_campaign, make_user, sign_in_as, submit_form
from tests.messages.data import outbox
from tests.recommendation.data import make_case, make_org
from tests.security.world import csrf_token

TEXTS = {"subject_zh": "请尽快提交：{case_title}", "subject_en": "Please submit {case_title}",
         "body_zh": "{organization}：\n您的案例“{case_title}”尚未提交，截止时间{deadline}。\n{link}",
         "body_en": "Dear {organization},\nyour case {case_title} closes on {deadline}.\n{link}"}


@pytest.fixture
def group(app):
    campaign = make_campaign()
    beijing = [make_org(f"北京市第{n}健身协会", email=f"bj{n}@example.cn") for n in range(2)]
    shanghai = make_org("上海市徐汇区体育协会", province="shanghai", email="sh@example.cn")
    drafts = [make_case(campaign, org, state=CaseState.DRAFT, title=f"草稿{n}") for n, org in enumerate(beijing)]
    make_case(campaign, shanghai, state=CaseState.DRAFT, title="上海草稿")
    make_case(campaign, beijing[0], state=CaseState.SUBMITTED, title="已提交")
    beijing[1].users[0].locale = "en"
    db.session.commit()
    admin = sign_in_as(app.test_client(), make_user("admin"))
    return campaign, admin, drafts


def _preview(admin, campaign, **overrides):
    data = {"campaign_id": str(campaign.id), "state": "draft", "province": "beijing", **TEXTS, **overrides}
    return submit_form(admin, "/messages/group", data, action="/messages/group/preview")


def _hidden(html):
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


def test_a_template_with_an_unknown_placeholder_is_refused_with_a_clear_reason(app, group):
    _campaign, admin, _drafts = group
    bad = submit_form(admin, "/messages/templates", {"name": "催交", **TEXTS, "body_en": "Dear {name}, {case_title}"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Unknown placeholder {name}. Use only {organization}, {case_title}" in html
    assert db.session.scalar(db.select(db.func.count(MailTemplate.id))) == 0
    zh = submit_form(admin, "/messages/templates", {"name": "催交", **TEXTS, "subject_zh": "{截止}"},
                     headers={"Accept-Language": "zh"})
    assert "未知的占位符{截止}。只能使用{organization}、{case_title}" in zh.get_data(as_text=True)
    saved = submit_form(admin, "/messages/templates", {"name": "催交", **TEXTS}, follow_redirects=True)
    assert "The template is saved." in saved.get_data(as_text=True)
    template = db.session.scalar(db.select(MailTemplate))
    edit = submit_form(admin, f"/messages/templates/{template.id}", {"name": "催交", **TEXTS, "subject_en": "Now: {deadline}"},
                       follow_redirects=True)
    assert "Now: {deadline}" in edit.get_data(as_text=True)
    compose = admin.get(f"/messages/group?template={template.id}").get_data(as_text=True)
    assert "请尽快提交：{case_title}" in compose and "Now: {deadline}" in compose


def test_preview_counts_and_fills_in_then_the_send_mails_each_once(app, group):
    campaign, admin, drafts = group
    preview = _preview(admin, campaign)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "This e-mails 2 organizations (2 messages, one per case and account). It cannot be undone." in html
    assert 'data-confirm="This e-mails 2 organizations' in html
    assert "北京市第0健身协会：" in html and "草稿0" in html and "E-mail 2 organizations" in html
    assert outbox() == [] and db.session.scalar(db.select(db.func.count(GroupMailing.id))) == 0

    form = _hidden(html)
    sent = admin.post("/messages/group/send", data=form, follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "The mail to 2 organizations is being sent." in page and "so far: 2." in page
    mails = {mail.recipient: mail for mail in outbox()}
    assert sorted(mails) == ["bj0@example.cn", "bj1@example.cn"]      # not Shanghai, not the submitted case
    chinese_and_english = mails["bj0@example.cn"]
    assert chinese_and_english.subject == "请尽快提交：草稿0 / Please submit 草稿0"
    assert "北京市第0健身协会：" in chinese_and_english.body and "Dear 北京市第0健身协会," in chinese_and_english.body
    assert f"https://reviewapp.example.org/cases/{drafts[0].id}" in chinese_and_english.body
    assert "（北京时间）" in chinese_and_english.body and "(Beijing time)" in chinese_and_english.body
    english = mails["bj1@example.cn"]                                  # chose English: English only
    assert english.subject == "Please submit 草稿1" and "截止" not in english.body

    # A double click (or the same confirmation sent again) sends nothing more.
    again = admin.post("/messages/group/send", data=form, follow_redirects=True)
    assert "This mail was already sent once; it is not sent again." in again.get_data(as_text=True)
    assert len(outbox()) == 2 and db.session.scalar(db.select(db.func.count(GroupMailing.id))) == 1
    # The job run again (after an interruption, say) skips what it delivered.
    mailing = db.session.scalar(db.select(GroupMailing))
    assert deliver(mailing.job, lambda done, total=None: db.session.commit()) == {"sent": 0}
    assert len(outbox()) == 2


def test_a_group_that_changed_since_the_preview_is_not_sent(app, group):
    campaign, admin, _drafts = group
    form = _hidden(_preview(admin, campaign).get_data(as_text=True))
    make_case(campaign, make_org("北京市新来的协会", email="new@example.cn"), state=CaseState.DRAFT)
    response = admin.post("/messages/group/send", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "it now has 3 organizations" in html
    assert "This e-mails 3 organizations" in html and outbox() == []


def test_an_unknown_placeholder_or_a_tampered_text_is_never_sent(app, group):
    campaign, admin, _drafts = group
    refused = _preview(admin, campaign, body_en="Dear {organisation}")
    assert refused.status_code == 422 and "Unknown placeholder {organisation}." in refused.get_data(as_text=True)
    form = _hidden(_preview(admin, campaign).get_data(as_text=True))
    response = admin.post("/messages/group/send", data={**form, "body_zh": "{case.__class__}"})
    assert response.status_code == 302 and outbox() == []


def test_nobody_but_the_administrator_mails_a_group(app, group):
    campaign, _admin, _drafts = group
    for role in ("expert", "organization", "unit"):
        client = sign_in_as(app.test_client(), make_user(role, email=f"{role}@else.example.cn"))
        token = csrf_token(client)
        for path in ("/messages/group", "/messages/templates"):
            assert client.get(path).status_code == 403, (role, path)
        response = client.post("/messages/group/send", data={"csrf_token": token, "campaign_id": campaign.id, **TEXTS})
        assert response.status_code == 403
    assert outbox() == []


def test_a_template_survives_bad_input(app, group):
    """Bounded by its columns (PostgreSQL refuses what SQLite would store): a subject past 200
    characters and a name past 120 are refused in their fields, a NUL before any view."""
    _campaign, admin, _drafts = group
    long = submit_form(admin, "/messages/templates", {**TEXTS, "name": "名" * 121, "subject_zh": "题" * 201})
    html = long.get_data(as_text=True)
    assert long.status_code == 422 and "At most 200 characters." in html and "At most 120 characters." in html
    nul = submit_form(admin, "/messages/templates", {**TEXTS, "name": "催交\x00"}, headers={"Accept-Language": "zh"})
    assert nul.status_code == 400 and "控制字符" in nul.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MailTemplate.id))) == 0
    fits = submit_form(admin, "/messages/templates", {**TEXTS, "name": "名" * 120, "subject_zh": "题" * 200})
    assert fits.status_code == 302 and db.session.scalar(db.select(MailTemplate)).subject_zh == "题" * 200


def test_two_clicks_at_the_same_instant_send_once(app, group):
    from tests.races import at_once
    campaign, admin, _drafts = group
    form = _hidden(_preview(admin, campaign).get_data(as_text=True))
    first, second = at_once(lambda: admin.post("/messages/group/send", data=form),
                            lambda: admin.post("/messages/group/send", data=form))
    mailing = db.session.scalar(db.select(GroupMailing))
    assert {first.status_code, second.status_code} == {302}
    assert first.headers["Location"] == second.headers["Location"] == f"/messages/mailings/{mailing.id}"
    assert db.session.scalar(db.select(db.func.count(GroupMailing.id))) == 1
    assert sorted(mail.recipient for mail in outbox()) == ["bj0@example.cn", "bj1@example.cn"]


def test_the_password_is_asked_again_before_a_group_mail(app, group):
    """Irreversible, like announcing results: after REAUTH_MINUTES without the password the group mail
    page asks for it first, and a send coming back from that confirmation lands on the group mail page."""
    campaign, admin, _drafts = group
    form = _hidden(_preview(admin, campaign).get_data(as_text=True))
    app.config["REAUTH_MINUTES"] = 0
    with admin.session_transaction() as session:
        session["confirmed_at"] = 1
    response = admin.get("/messages/group")
    assert response.status_code == 302 and "/auth/confirm-password" in response.headers["Location"]
    sent = admin.post("/messages/group/send", data=form, headers={"Referer": "http://localhost/messages/group/preview"})
    assert sent.status_code == 302 and "/auth/confirm-password" in sent.headers["Location"] and outbox() == []
    app.config["REAUTH_MINUTES"] = 10
    with admin.session_transaction() as session:
        session["confirmed_at"] = time.time()   # the password just entered on the confirmation page
    back = admin.get("/messages/group/preview")
    assert back.status_code == 200 and "Choose the organizations by campaign" in back.get_data(as_text=True)
