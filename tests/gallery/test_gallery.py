"""The public gallery: only published cases, filters, search in Chinese and English, share previews."""
import io
import re
from types import SimpleNamespace

from PIL import Image

from tests.factories import make_user
from tests.publishing.data import GPS_MARKER, announce, make_publishing_campaign


def published(app):
    data = make_publishing_campaign()
    announce(data, make_user("admin"))
    return data


def titles(response):
    return re.findall(r'class="gallery-card-title">([^<]+)<', response.get_data(as_text=True))


def test_the_gallery_lists_only_published_cases_without_sign_in(app, client):
    data = published(app)
    response = client.get("/gallery/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted([data.selected_zh.title, data.selected_en.title])
    page = response.get_data(as_text=True)
    for hidden in (data.not_selected, data.submitted, data.draft):
        assert hidden.title not in page


def test_nothing_of_an_unpublished_case_is_reachable(app, client):
    data = published(app)
    for case in (data.not_selected, data.submitted, data.draft):
        assert client.get(f"/gallery/cases/{case.id}").status_code == 404
    photo = data.not_selected.evidence[0]
    assert client.get(f"/gallery/photos/{photo.id}.jpg").status_code == 404
    assert client.get(f"/gallery/photos/{photo.id}/thumbnail.jpg").status_code == 404
    assert client.get("/gallery/photos/999999.jpg").status_code == 404


def test_a_selected_case_is_not_public_before_the_results_are_announced(app, client):
    data = make_publishing_campaign()
    assert client.get(f"/gallery/cases/{data.selected_zh.id}").status_code == 404
    assert titles(client.get("/gallery/")) == []


def test_case_page_shows_the_story_and_stripped_photos_but_no_scores(app, client):
    data = published(app)
    response = client.get(f"/gallery/cases/{data.selected_zh.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert data.selected_zh.title in page and "八段锦" in page and data.beijing.organization.name in page
    visible = page.replace("reviewapp", "")  # the host name of the test's PUBLIC_BASE_URL
    for word in ("score", "Score", "评分", "得分", "review", "Review", "评审", "expert", "Expert", "专家"):
        assert word not in visible, word
    photo = data.selected_zh.evidence[0]
    image = client.get(f"/gallery/photos/{photo.id}.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert GPS_MARKER not in image.data
    with Image.open(io.BytesIO(image.data)) as opened:
        assert 0x8825 not in opened.getexif()  # no GPS block
    assert client.get(f"/gallery/photos/{photo.id}/thumbnail.jpg").status_code == 200


def test_share_previews_use_absolute_public_urls(app, client):
    data = published(app)
    page = client.get(f"/gallery/cases/{data.selected_zh.id}").get_data(as_text=True)
    base = "https://reviewapp.example.org"
    assert f'<meta property="og:title" content="{data.selected_zh.title}">' in page
    image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert image.startswith(f"{base}/gallery/photos/") and image.endswith(".jpg")
    assert f'<meta property="og:url" content="{base}/gallery/cases/{data.selected_zh.id}">' in page
    assert 'name="viewport"' in page


def test_search_finds_chinese_substrings_and_english_words_case_insensitively(app, client):
    data = published(app)
    assert titles(client.get("/gallery/", query_string={"q": "健身指导常"})) == [data.selected_zh.title]
    assert titles(client.get("/gallery/", query_string={"q": "walking"})) == [data.selected_en.title]
    assert titles(client.get("/gallery/", query_string={"q": "ＷＡＬＫＩＮＧ clubs"})) == [data.selected_en.title]
    assert titles(client.get("/gallery/", query_string={"q": "朝阳区"})) == [data.selected_zh.title]  # organization
    assert titles(client.get("/gallery/", query_string={"q": "校园体育"})) == []  # not published
    assert titles(client.get("/gallery/", query_string={"q": "100%_"})) == []


def test_filters_by_year_theme_province_and_organization_type(app, client):
    data = published(app)
    assert titles(client.get("/gallery/?province=shanghai")) == [data.selected_en.title]
    assert titles(client.get("/gallery/?theme=体医融合")) == [data.selected_zh.title]
    assert sorted(titles(client.get("/gallery/?theme=为老服务"))) == sorted(
        [data.selected_zh.title, data.selected_en.title])
    assert titles(client.get("/gallery/?org_type=volunteer_association")) == [data.selected_en.title]
    assert len(titles(client.get("/gallery/?year=2026"))) == 2
    assert titles(client.get("/gallery/?year=2019")) == []


def test_the_lists_reused_between_requests_follow_publication(app, client):
    """The gallery's search results and cards are reused between requests, under a stamp
    that publication changes: announcing the results shows them at once."""
    data = make_publishing_campaign()
    assert titles(client.get("/gallery/")) == []
    announce(data, make_user("admin"))
    assert sorted(titles(client.get("/gallery/"))) == sorted([data.selected_zh.title, data.selected_en.title])
    chinese = client.get("/gallery/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    english = client.get("/gallery/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    meta = lambda html: re.findall(r'class="gallery-card-meta">([^<]+)<', html)  # noqa: E731
    assert meta(chinese) and meta(chinese) != meta(english)   # each language has its own cards
    assert all(re.search(r"[\u4e00-\u9fff]", m.split(" · ")[1]) for m in meta(chinese))
    assert all(not re.search(r"[\u4e00-\u9fff]", m.split(" · ")[1]) for m in meta(english))


def test_a_publication_reaches_every_worker_within_the_stamps_age(app, client, monkeypatch):
    """Each worker trusts the publication stamp it read for STAMP_MAX_AGE; the worker
    that publishes forgets its own at once."""
    from reviewapp import cache, create_app
    from reviewapp.gallery import queries
    monkeypatch.setattr(queries, "STAMP_MAX_AGE", 0.5)
    # The caches' clock stands still until the test moves it: a slow machine cannot age the stamp.
    clock = [1000.0]
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       INSTANCE_DIR=app.config["INSTANCE_DIR"], UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    other.test_client_class = type(client)
    other_worker = other.test_client()
    data = make_publishing_campaign()
    assert titles(client.get("/gallery/")) == titles(other_worker.get("/gallery/")) == []

    announce(data, make_user("admin"))  # published by this worker
    expected = sorted([data.selected_zh.title, data.selected_en.title])
    assert sorted(titles(client.get("/gallery/"))) == expected
    assert titles(other_worker.get("/gallery/")) == []  # its stamp is less than 0.5 s old
    clock[0] += 0.6
    assert sorted(titles(other_worker.get("/gallery/"))) == expected
    with other.app_context():
        from reviewapp.extensions import db
        db.engine.dispose()
