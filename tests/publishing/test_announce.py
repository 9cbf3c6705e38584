"""Announcing the results: states, mail in each organization's language, certificates and verification."""
import subprocess

from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.mail.models import OutboxMessage
from reviewapp.publishing.models import Certificate
from tests.factories import sign_in_as, submit_form
from tests.publishing.data import announce, make_publishing_campaign


def test_announcing_publishes_selected_cases_and_mails_every_organization(app, login_as):
    data = make_publishing_campaign()
    client, _admin = login_as("admin")
    page = f"/publishing/campaigns/{data.campaign.id}"
    response = submit_form(client, page, {}, action=f"{page}/announce", follow_redirects=True)
    assert response.status_code == 200
    for case in (data.selected_zh, data.selected_en, data.not_selected, data.submitted, data.draft):
        db.session.refresh(case)
    assert data.selected_zh.state is CaseState.PUBLISHED and data.selected_en.state is CaseState.PUBLISHED
    assert data.not_selected.state is CaseState.NOT_SELECTED and data.submitted.state is CaseState.SUBMITTED
    db.session.refresh(data.campaign)
    assert data.campaign.published_at is not None

    mails = {m.recipient: m for m in db.session.scalars(db.select(OutboxMessage))}
    assert set(mails) == {"bj@example.cn", "sh@example.cn", "zj@example.cn"}
    # Each in its own language (the Shanghai account chose English; Beijing none: both).
    assert data.campaign.title_zh in mails["bj@example.cn"].subject
    assert data.campaign.title_en in mails["sh@example.cn"].subject
    assert data.campaign.title_zh in mails["zj@example.cn"].body
    assert data.selected_en.title in mails["sh@example.cn"].body
    assert f"/gallery/cases/{data.selected_en.id}" in mails["sh@example.cn"].body
    zhejiang = mails["zj@example.cn"].body
    assert data.not_selected.title in zhejiang and data.submitted.title in zhejiang
    assert "/gallery/cases/" not in zhejiang
    assert data.draft.title not in mails["bj@example.cn"].body

    again = submit_form(client, page, {}, action=f"{page}/announce", follow_redirects=True)
    assert "already been published" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 3


def test_certificates_verify_and_reach_only_their_organization(app, login_as, client, tmp_path):
    from tests.factories import make_user
    data = make_publishing_campaign()
    announce(data, make_user("admin"))
    certificates = db.session.scalars(db.select(Certificate)).all()
    assert {c.case_id for c in certificates} == {data.selected_zh.id, data.selected_en.id}
    mine = next(c for c in certificates if c.case_id == data.selected_zh.id)
    assert len(mine.code) >= 20

    genuine = client.get(f"/verify/{mine.code}")
    assert genuine.status_code == 200
    text = genuine.get_data(as_text=True)
    assert data.beijing.organization.name in text and data.selected_zh.title in text
    for forged in (mine.code[:-1] + ("A" if mine.code[-1] != "A" else "B"), "x" * 22, "1", "%27--"):
        assert client.get(f"/verify/{forged}").status_code == 404

    owner = sign_in_as(app.test_client(), data.beijing)
    dashboard = owner.get("/dashboard").get_data(as_text=True)
    assert f"/publishing/certificates/{mine.id}.pdf" in dashboard
    pdf = owner.get(f"/publishing/certificates/{mine.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf.data)
    printed = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
    assert data.selected_zh.title in printed and mine.code in printed
    other = sign_in_as(app.test_client(), data.zhejiang)
    assert other.get(f"/publishing/certificates/{mine.id}.pdf").status_code == 404
    assert "/publishing/certificates/" not in other.get("/dashboard").get_data(as_text=True)


def test_case_pdf_for_the_admin_and_the_owner_of_a_published_case(app, login_as):
    data = make_publishing_campaign()
    client, admin = login_as("admin")
    assert client.get(f"/publishing/cases/{data.selected_zh.id}/case.pdf").data.startswith(b"%PDF")
    owner = sign_in_as(app.test_client(), data.beijing)
    assert owner.get(f"/publishing/cases/{data.selected_zh.id}/case.pdf").status_code == 404  # not yet
    announce(data, admin)
    assert owner.get(f"/publishing/cases/{data.selected_zh.id}/case.pdf").status_code == 200
    assert owner.get(f"/publishing/cases/{data.selected_en.id}/case.pdf").status_code == 404


def test_a_mail_without_a_known_language_is_bilingual_and_not_selected_mail_has_no_certificate(app, login_as):
    data = make_publishing_campaign()
    data.zhejiang.locale = None  # nobody ever chose a language for this account
    db.session.commit()
    client, _admin = login_as("admin")
    page = f"/publishing/campaigns/{data.campaign.id}"
    submit_form(client, page, {}, action=f"{page}/announce", follow_redirects=True)
    mails = {m.recipient: m for m in db.session.scalars(db.select(OutboxMessage))}

    zhejiang = mails["zj@example.cn"]  # one not selected, one only submitted
    assert data.campaign.title_zh in zhejiang.subject and data.campaign.title_en in zhejiang.subject
    assert "本次未入选" in zhejiang.body and "Not selected this time" in zhejiang.body
    assert "证书" not in zhejiang.body and "certificate" not in zhejiang.body.lower()
    shanghai = mails["sh@example.cn"]  # English, and selected: its certificate is mentioned
    assert "certificate" in shanghai.body and "感谢" not in shanghai.body


def test_a_language_chosen_before_signing_in_becomes_the_accounts(app):
    from reviewapp.auth.models import User
    from tests.factories import PASSWORD, csrf_from, make_organization

    make_organization(name="Hong Kong Runners", email="hk@example.org")
    client = app.test_client()
    html = client.get("/auth/sign-in").get_data(as_text=True)
    client.post("/auth/language", data={"csrf_token": csrf_from(html), "locale": "en", "next": "/auth/sign-in"})
    response = submit_form(client, "/auth/sign-in", {"email": "hk@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(db.select(User.locale).filter_by(email="hk@example.org")) == "en"
