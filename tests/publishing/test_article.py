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
