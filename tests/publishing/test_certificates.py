"""Certificates a ministry would sign (#20 item 7): the issuing authority, date and seal set per
campaign and printed; an unchanged save keeps the seal; a refused seal says why; a revoked
certificate's verification page says so, with the date and reason, in both languages."""
import io
import subprocess
from datetime import date

from PIL import Image
from pypdf import PdfReader

from reviewapp.audit import AuditEntry
from reviewapp.extensions import db
from reviewapp.publishing.models import Certificate
from tests.factories import csrf_from, make_user, sign_in_as
from tests.publishing.data import announce, make_publishing_campaign


def _seal_png():
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    for x in range(40, 360):
        for y in (40, 41, 358, 359):
            image.putpixel((x, y), (200, 20, 20, 255))
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def _settings(admin, campaign, **fields):
    page = admin.get(f"/publishing/campaigns/{campaign.id}").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "authority_zh": "国家体育总局群众体育司",
            "authority_en": "Department of Mass Sports, General Administration of Sport of China",
            "issue_date": "2026-12-01"}
    data.update(fields)
    return admin.post(f"/publishing/campaigns/{campaign.id}/certificate-settings", data=data,
                      content_type="multipart/form-data", follow_redirects=True)


def _pdf_text(client, certificate, tmp_path):
    response = client.get(f"/publishing/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, PdfReader(io.BytesIO(response.data))


def test_authority_date_and_seal_are_printed_and_an_unchanged_save_keeps_the_seal(app, login_as, tmp_path):
    data = make_publishing_campaign()
    admin, admin_user = login_as("admin")
    response = _settings(admin, data.campaign, seal=(io.BytesIO(_seal_png()), "公章.png"))
    assert "certificate settings are saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert data.campaign.certificate_seal_name and data.campaign.certificate_date == date(2026, 12, 1)
    announce(data, admin_user)
    certificate = db.session.scalars(db.select(Certificate).filter_by(case_id=data.selected_zh.id)).one()
    text, reader = _pdf_text(admin, certificate, tmp_path)
    assert "国家体育总局群众体育司" in text and "2026年12月1日" in text and "1 December 2026" in text
    assert "has been selected as an excellent case of the" in text.replace("\n", " ")
    assert "““" not in text and "””" not in text
    images = [name for page in reader.pages for name in page.images]
    assert len(images) == 2, images                   # the QR code and the seal
    # Saved again unchanged (no file chosen): the seal stays.
    seal = data.campaign.certificate_seal_name
    _settings(admin, data.campaign)
    db.session.expire_all()
    assert data.campaign.certificate_seal_name == seal
    _settings(admin, data.campaign, remove_seal="y")
    db.session.expire_all()
    assert data.campaign.certificate_seal_name is None


def test_a_seal_that_is_not_an_image_is_refused_with_the_reason_and_nothing_changes(app, login_as):
    data = make_publishing_campaign()
    admin, _admin_user = login_as("admin")
    response = _settings(admin, data.campaign, authority_zh="某某单位",
                         seal=(io.BytesIO(b"<svg onload=alert(1)></svg>"), "seal.png"))
    assert response.status_code == 400
    assert "The seal must be a PNG or JPEG image." in response.get_data(as_text=True)
    db.session.expire_all()
    assert data.campaign.certificate_authority_zh == "" and data.campaign.certificate_seal_name is None


def test_a_revoked_certificate_says_so_on_its_verification_page(app, login_as, client):
    data = make_publishing_campaign()
    admin, admin_user = login_as("admin")
    announce(data, admin_user)
    certificate = db.session.scalars(db.select(Certificate).filter_by(case_id=data.selected_zh.id)).one()
    page = admin.get(f"/publishing/campaigns/{data.campaign.id}").get_data(as_text=True)
    refused = admin.post(f"/publishing/certificates/{certificate.id}/revoke",
                         data={"csrf_token": csrf_from(page), "reason": "  "}, follow_redirects=True)
    assert "This field is required." in refused.get_data(as_text=True)
    done = admin.post(f"/publishing/certificates/{certificate.id}/revoke",
                      data={"csrf_token": csrf_from(page), "reason": "案例材料经核查存在不实内容"}, follow_redirects=True)
    assert "The certificate is revoked" in done.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="certificate.revoked")).reason == "案例材料经核查存在不实内容"
    english = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "This certificate was revoked." in english and "案例材料经核查存在不实内容" in english
    assert "This certificate is genuine." not in english
    chinese = client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "此证书已被撤销" in chinese


def test_only_administrators_change_certificate_settings_or_revoke(app):
    data = make_publishing_campaign()
    announce(data, make_user("admin"))
    certificate = db.session.scalars(db.select(Certificate)).first()
    owner = sign_in_as(app.test_client(), data.beijing)
    page = owner.get("/dashboard").get_data(as_text=True)
    token = csrf_from(page)
    assert owner.post(f"/publishing/certificates/{certificate.id}/revoke",
                      data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert owner.post(f"/publishing/campaigns/{data.campaign.id}/certificate-settings",
                      data={"csrf_token": token}).status_code == 403
