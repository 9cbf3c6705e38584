"""Editing a case: start, save, validation that keeps text, autosave, and two tabs that conflict."""
from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from tests.factories import csrf_from, start_token_from


def form_data(client, case, **values):
    html = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "version": str(db.session.get(Case, case.id).version),
            "title": "社区健身", "summary": "", "contact_person": "王丽"}
    data.update(values)
    return data


def reload(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_dashboard_offers_to_start_a_case_and_starting_opens_the_form(org_client, campaign):
    page = org_client.get("/dashboard").get_data(as_text=True)
    assert f"/cases/start/{campaign.id}" in page
    response = org_client.post(f"/cases/start/{campaign.id}",
                               data={"csrf_token": csrf_from(page), "start_token": start_token_from(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    case = db.session.scalar(db.select(Case))
    assert case.state is CaseState.DRAFT and case.contact_person == "王丽"
    listing = org_client.get("/dashboard").get_data(as_text=True)
    assert f"/cases/{case.id}/edit" in listing and "Draft" in listing


def test_starting_a_case_after_the_deadline_is_refused(app, org_client, campaign):
    from datetime import datetime, timedelta, timezone
    campaign.submission_closes = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()
    page = org_client.get("/dashboard").get_data(as_text=True)
    assert f"/cases/start/{campaign.id}" not in page
    response = org_client.post(f"/cases/start/{campaign.id}", follow_redirects=True,
                               data={"csrf_token": csrf_from(page), "start_token": "a-token-of-an-older-page"})
    assert "deadline has passed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_explicit_save_stores_the_text_and_reopening_shows_it(org_client, draft, campaign):
    theme = campaign.themes[0]
    data = form_data(org_client, draft, title="银龄健身", summary="老年人带老年人。", organization_text="三级网络",
                     themes=str(theme.id), volunteers="320", service_places=["parks", "communities"])
    response = org_client.post(f"/cases/{draft.id}/edit", data=data)
    assert response.status_code == 302
    case = reload(draft)
    assert (case.title, case.summary, case.volunteers) == ("银龄健身", "老年人带老年人。", 320)
    assert [t.id for t in case.themes] == [theme.id] and case.service_places == ["parks", "communities"]
    page = org_client.get(f"/cases/{draft.id}/edit").get_data(as_text=True)
    assert "银龄健身" in page and "三级网络" in page and f'value="{case.version}"' in page


def test_summary_length_is_counted_in_characters_and_failed_validation_keeps_the_text(org_client, draft):
    ok = form_data(org_client, draft, summary="字" * 300)
    assert org_client.post(f"/cases/{draft.id}/edit", data=ok).status_code == 302
    too_long = form_data(org_client, draft, summary="字" * 301, organization_text="辛苦写下的一段话")
    response = org_client.post(f"/cases/{draft.id}/edit", data=too_long)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "At most 300 characters" in page and "字" * 301 in page and "辛苦写下的一段话" in page
    assert reload(draft).summary == "字" * 300


def test_autosave_saves_through_json_and_increments_the_version(org_client, draft):
    data = form_data(org_client, draft, title="自动保存的标题")
    before = reload(draft).version
    response = org_client.post(f"/cases/{draft.id}/autosave", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["ok"] is True
    case = reload(draft)
    assert case.title == "自动保存的标题" and case.version == before + 1 == response.json["version"]
    data.update(title="再次保存", version=str(response.json["version"]))
    again = org_client.post(f"/cases/{draft.id}/autosave", data=data)
    assert again.json["ok"] and reload(draft).version == before + 2


def test_autosave_reports_invalid_fields_without_saving(org_client, draft):
    data = form_data(org_client, draft, summary="x" * 301)
    response = org_client.post(f"/cases/{draft.id}/autosave", data=data)
    assert response.status_code == 422 and "summary" in response.json["errors"]
    assert reload(draft).summary == ""


def test_second_tab_is_refused_and_keeps_its_text(org_client, draft):
    first = form_data(org_client, draft, title="第一个标签页")
    second = form_data(org_client, draft, title="第二个标签页", organization_text="第二个标签页写的长段落")
    assert first["version"] == second["version"]
    assert org_client.post(f"/cases/{draft.id}/autosave", data=first).json["ok"]
    refused = org_client.post(f"/cases/{draft.id}/edit", data=second)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "saved in another tab" in page and "第二个标签页写的长段落" in page
    assert reload(draft).title == "第一个标签页"
    json_refused = org_client.post(f"/cases/{draft.id}/autosave", data=second)
    assert json_refused.status_code == 409 and json_refused.json["conflict"] is True


def test_edit_page_carries_counters_and_the_autosave_script(org_client, draft):
    page = org_client.get(f"/cases/{draft.id}/edit").get_data(as_text=True)
    assert 'data-count-max="300"' in page and "js/cases.js" in page
    assert "each Chinese character counts as one" in page
    assert "<script>" not in page and "onclick" not in page and "style=" not in page


def test_a_submitted_case_is_read_only_for_the_organization(org_client, draft):
    data = form_data(org_client, draft, title="提交后的修改")
    draft = reload(draft)
    draft.state = CaseState.SUBMITTED
    db.session.commit()
    response = org_client.post(f"/cases/{draft.id}/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{draft.id}")
    assert org_client.post(f"/cases/{draft.id}/autosave", data=data).status_code == 409
    assert reload(draft).title == ""


def test_every_hint_of_the_form_is_in_the_page_language(org_client, draft):
    """Hints joined from two translated parts follow each request's language."""
    chinese = org_client.get(f"/cases/{draft.id}/edit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    english = org_client.get(f"/cases/{draft.id}/edit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "What the case is, in a few sentences." in english
    assert "What the case is, in a few sentences." not in chinese
    assert "each Chinese character counts as one" not in chinese
