"""Input the database cannot take is refused with the reason before a view sees it (reviewapp/input_limits.py).

PostgreSQL refuses a NUL in text and an integer past its column where SQLite stores both, so
these run on both databases."""
import pytest

from tests.factories import csrf_from, make_campaign, make_organization, sign_in_as

ZH = {"Accept-Language": "zh"}


@pytest.fixture
def organization_user(app):
    return make_organization()


@pytest.fixture
def draft(app, organization_user):
    from reviewapp.cases.models import Case
    from reviewapp.extensions import db

    case = Case(campaign=make_campaign(), organization=organization_user.organization, contact_person="王丽")
    db.session.add(case)
    db.session.commit()
    return case


def test_a_nul_in_the_anonymous_gallery_search_is_a_translated_400(client):
    response = client.get("/gallery/?q=%00", headers=ZH)
    assert response.status_code == 400
    assert "控制字符" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/gallery/cases/99999999999", "/gallery/cases/2147483648",
                                  "/jobs/9223372036854775808.json"])
def test_an_id_past_the_integer_column_is_a_404(client, path):
    assert client.get(path, headers=ZH).status_code == 404


def test_the_largest_id_the_column_holds_is_looked_up(client):
    assert client.get("/gallery/cases/2147483647", headers=ZH).status_code == 404


def test_autosave_with_a_nul_says_why_in_json_and_saves_nothing(app, draft, organization_user):
    from reviewapp.cases.models import Case
    from reviewapp.extensions import db

    client = sign_in_as(app.test_client(), organization_user)
    token = csrf_from(client.get(f"/cases/{draft.id}/edit").get_data(as_text=True))
    response = client.post(f"/cases/{draft.id}/autosave", headers={**ZH, "Accept": "application/json"},
                           data={"csrf_token": token, "version": str(draft.version), "title": "晨练\x00点"})
    assert response.status_code == 400
    assert "控制字符" in response.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Case, draft.id).title != "晨练\x00点"


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "x\x0bx", "\ufffe"])
def test_control_characters_are_found(text):
    from reviewapp.input_limits import has_control_characters
    assert has_control_characters(text)


@pytest.mark.parametrize("text", ["", "第一行\r\n第二行\t制表", "=1+1", "😀 emoji"])
def test_text_with_line_breaks_tabs_and_emoji_passes(text):
    from reviewapp.input_limits import has_control_characters
    assert not has_control_characters(text)


def test_a_very_long_password_is_judged_not_a_server_error(client):
    token = csrf_from(client.get("/auth/register", headers=ZH).get_data(as_text=True))
    response = client.post("/auth/register", headers=ZH, data={
        "csrf_token": token, "name": "协会", "password": "长" * 100_000, "confirm": "长" * 100_000})
    assert response.status_code < 500


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_campaign_window_at_the_ends_of_the_calendar_is_refused_with_the_range(app, moment):
    from tests.foundation.html_forms import form_posting_to
    from tests.factories import make_user

    client = sign_in_as(app.test_client(), make_user("admin"))
    campaign = make_campaign()
    page = f"/campaigns/{campaign.id}/edit"
    form = form_posting_to(client.get(page).get_data(as_text=True), page, page)
    response = client.post(page, data=form.data(submission_opens=moment), headers=ZH)
    assert response.status_code in (200, 422)
    assert "2000 年至 2100 年" in response.get_data(as_text=True)
