"""A published case exported as one self-contained HTML article."""
import base64
import re

from reviewapp.extensions import db
from tests.factories import sign_in_as
from tests.publishing.data import GPS_MARKER, announce, make_publishing_campaign


def test_article_is_self_contained(app, login_as):
    data = make_publishing_campaign()
    data.selected_zh.summary = "简介<script>alert(1)</script>"
    db.session.commit()
    client, admin = login_as("admin")
    announce(data, admin)
    response = client.get(f"/publishing/cases/{data.selected_zh.id}/article.html")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    html = response.get_data(as_text=True)
    gallery = f"https://reviewapp.example.org/gallery/cases/{data.selected_zh.id}"
    assert html.count(gallery) == 1
    rest = html.replace(gallery, "")
    assert "http://" not in rest and "https://" not in rest
    assert "//" not in re.sub(r"data:image/jpeg;base64,[A-Za-z0-9+/=]+", "", rest)  # no scheme-relative URL
    sources = re.findall(r'src="([^"]*)"', rest)
    assert len(sources) == 2 and all(src.startswith("data:image/jpeg;base64,") for src in sources)
    assert "<script" not in rest and "href=" not in rest and "<link" not in rest and "url(" not in rest
    for src in sources:
        assert GPS_MARKER not in base64.b64decode(src.split(",", 1)[1])
    assert data.selected_zh.title in html and "八段锦" in html and "&lt;script&gt;alert(1)" in html


def test_article_export_is_for_admins_and_published_cases_only(app, login_as):
    data = make_publishing_campaign()
    client, admin = login_as("admin")
    assert client.get(f"/publishing/cases/{data.selected_zh.id}/article.html").status_code == 404
    announce(data, admin)
    assert client.get(f"/publishing/cases/{data.not_selected.id}/article.html").status_code == 404
    owner = sign_in_as(app.test_client(), data.beijing)
    assert owner.get(f"/publishing/cases/{data.selected_zh.id}/article.html").status_code == 403
    anonymous = app.test_client().get(f"/publishing/cases/{data.selected_zh.id}/article.html")
    assert anonymous.status_code == 302


def test_the_wechat_zip_holds_the_article_and_its_photos_as_files(app, login_as):
    import io
    import zipfile

    from PIL import Image

    data = make_publishing_campaign()
    client, admin = login_as("admin")
    announce(data, admin)
    response = client.get(f"/publishing/cases/{data.selected_zh.id}/article.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["article.html", "images/1.jpg", "images/2.jpg"]
    html = archive.read("article.html").decode("utf-8")
    assert re.findall(r'src="([^"]*)"', html) == ["images/1.jpg", "images/2.jpg"] and "data:" not in html
    for name in ("images/1.jpg", "images/2.jpg"):
        photo = archive.read(name)
        assert GPS_MARKER not in photo and Image.open(io.BytesIO(photo)).format == "JPEG"
    assert client.get(f"/publishing/cases/{data.not_selected.id}/article.zip").status_code == 404
    owner = sign_in_as(app.test_client(), data.beijing)
    assert owner.get(f"/publishing/cases/{data.selected_zh.id}/article.zip").status_code == 403


def test_a_published_case_offers_share_links_and_its_qr_code_and_loads_no_third_party_script(app, login_as, client):
    import io
    from urllib.parse import quote

    from PIL import Image

    data = make_publishing_campaign()
    _client, admin = login_as("admin")
    announce(data, admin)
    case_id = data.selected_zh.id
    html = client.get(f"/gallery/cases/{case_id}").get_data(as_text=True)
    address = f"https://reviewapp.example.org/gallery/cases/{case_id}"
    assert "https://service.weibo.com/share/share.php?url=" + quote(address, safe="") in html
    assert f'src="/gallery/cases/{case_id}/qr.png"' in html and "Scan with WeChat" in html
    assert 'og:url" content="' + address in html                     # the share preview stays
    assert not re.findall(r'<script[^>]+src="https?://', html)       # no third-party script
    qr = client.get(f"/gallery/cases/{case_id}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    image = Image.open(io.BytesIO(qr.data))
    assert image.width >= 100 and set(image.convert("L").getdata()) <= {0, 255}   # crisp modules
    assert client.get(f"/gallery/cases/{data.not_selected.id}/qr.png").status_code == 404
    assert client.get(f"/gallery/cases/{data.submitted.id}/qr.png").status_code == 404
