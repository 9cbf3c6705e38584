"""Admins create and edit campaigns; concurrent edits never silently overwrite."""
import re
from datetime import datetime, timezone

from reviewapp.audit import AuditEntry
from reviewapp.campaigns.models import Campaign
from reviewapp.extensions import db
from tests.factories import csrf_from, make_campaign, submit_form

CRITERION = {"key": "organization", "name_zh": "组织健全", "name_en": "Sound organization",
             "weight": "2", "description_zh": "", "description_en": "",
             "levels": "0-4 | 较弱 | Weak\n5-10 | 较好 | Good"}


def campaign_form(**overrides):
    data = {
        "year": "2027", "slug": "2027", "title_zh": "2027年优秀案例征集", "title_en": "2027 Cases",
        "call_text_zh": "通知", "call_text_en": "Call", "timezone": "Asia/Shanghai",
        "submission_opens": "2027-05-01T00:00", "submission_closes": "2027-07-01T00:00",
        "recommendation_closes": "2027-07-15T00:00", "review_opens": "2027-07-20T09:00",
        "review_closes": "2027-08-20T18:00", "reviewers_per_case": "3", "selection_quota": "130",
        "unit_quota": "10", "score_min": "0", "score_max": "10",
        "themes-0-name_zh": "体医融合", "themes-0-name_en": "Sports and medicine",
        "themes-1-name_zh": "乡村振兴", "themes-1-name_en": "Rural revitalization",
    }
    data.update({f"criteria-0-{k}": v for k, v in CRITERION.items()})
    data.update(overrides)
    return data


def test_admin_creates_a_campaign_with_local_deadlines(app, login_as):
    admin, _ = login_as("admin")
    assert "组织健全" in admin.get("/campaigns/new").get_data(as_text=True)  # default rubric offered
    response = submit_form(admin, "/campaigns/new", campaign_form())
    assert response.status_code == 302
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="2027"))
    assert campaign.submission_closes == datetime(2027, 6, 30, 16, 0, tzinfo=timezone.utc)
    assert [t.name_en for t in campaign.themes] == ["Sports and medicine", "Rural revitalization"]
    assert campaign.criteria[0].levels[1] == {"min": 5, "max": 10, "zh": "较好", "en": "Good"}
    page = admin.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "2027-07-01 00:00" in page and "Sound organization" in page
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="campaign.created")) is not None


def test_invalid_campaign_keeps_what_was_typed(app, login_as):
    admin, _ = login_as("admin")
    response = submit_form(admin, "/campaigns/new", campaign_form(
        submission_closes="2027-04-01T00:00", **{"criteria-0-levels": "0-12 | 太高 | Too high"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Must be after" in page
    assert "within the scale 0–10" in page
    assert "2027年优秀案例征集" in page and "0-12 | 太高 | Too high" in page
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_second_editor_is_refused_and_keeps_their_text(app, login_as):
    campaign = make_campaign()
    admin, _ = login_as("admin")
    page = f"/campaigns/{campaign.id}/edit"
    first = admin.get(page).get_data(as_text=True)
    second = admin.get(page).get_data(as_text=True)
    version = campaign.version

    def post(html, title):
        form = campaign_form(slug="2026", title_zh=title, version=str(version))
        return admin.post(page, data={**form, "csrf_token": csrf_from(html)})

    assert post(first, "第一位编辑的标题").status_code == 302
    response = post(second, "第二位编辑的标题")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this campaign" in text
    assert "第二位编辑的标题" in text
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title_zh == "第一位编辑的标题"


def test_the_call_is_public(app, client):
    campaign = make_campaign()
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "2026 Excellent Cases" in page and "Sound organization" in page


def test_non_admins_cannot_edit(app, login_as):
    campaign = make_campaign()
    for role in ("organization", "unit", "expert"):
        client, _ = login_as(role, email=f"{role}@example.cn")
        assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403
        assert client.post(f"/campaigns/{campaign.id}/edit", data={}).status_code in (400, 403)


def test_campaign_switches_are_saved(app, login_as):
    admin, _ = login_as("admin")
    submit_form(admin, "/campaigns/new", campaign_form(bidding_enabled="y", allow_direct_submission="y"))
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="2027"))
    assert campaign.bidding_enabled and campaign.allow_direct_submission
    assert not campaign.allow_withdraw  # an unticked box means no
    page = admin.get(f"/campaigns/{campaign.id}/edit").get_data(as_text=True)
    tag = lambda name: re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)  # noqa: E731
    assert "checked" in tag("bidding_enabled") and "checked" not in tag("allow_withdraw")
