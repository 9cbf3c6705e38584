"""Submitting: the checklist, the deadline, routing, the blind copy, the receipt and withdrawing."""
import io
import subprocess
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader

from reviewapp.cases.models import Case
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.units.models import RecommendingUnit, UnitKind
from tests.cases.conftest import complete
from tests.factories import csrf_from


def post_submit(client, case):
    page = client.get(f"/cases/{case.id}/submit").get_data(as_text=True)
    return client.post(f"/cases/{case.id}/submit", data={"csrf_token": csrf_from(page)})


def reload(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def beijing_bureau():
    unit = RecommendingUnit(name_zh="北京市体育局", name_en="Beijing Sport Bureau", kind=UnitKind.PROVINCIAL_BUREAU, province="beijing",
                            registration_order=1)
    db.session.add(unit)
    db.session.commit()
    return unit


def test_the_checklist_lists_what_is_missing_and_submission_is_refused(org_client, draft):
    page = org_client.get(f"/cases/{draft.id}/submit").get_data(as_text=True)
    for item in ("A title", "A summary", "Organization and team", "Replicable experience", "At least one theme",
                 "At least one photo", "Volunteers"):
        assert item in page
    response = post_submit(org_client, draft)
    assert response.status_code == 409 and "cannot be submitted yet" in response.get_data(as_text=True)
    assert reload(draft).state is CaseState.DRAFT


def test_submission_routes_the_case_builds_the_blind_copy_and_locks_it(app, org_client, draft):
    unit = beijing_bureau()
    complete(draft)
    response = post_submit(org_client, draft)
    assert response.status_code == 302
    case = reload(draft)
    assert case.state is CaseState.SUBMITTED and case.submitted_at is not None and case.unit_id == unit.id
    assert all(item.blind_storage_name for item in case.evidence)
    assert org_client.get(f"/cases/{case.id}/edit").status_code == 302
    assert "Download the receipt" in org_client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_submission_after_the_deadline_is_refused_with_the_dates(org_client, draft, campaign):
    beijing_bureau()
    complete(draft)
    page = org_client.get(f"/cases/{draft.id}/submit").get_data(as_text=True)
    campaign.submission_closes = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    response = org_client.post(f"/cases/{draft.id}/submit", data={"csrf_token": csrf_from(page)})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "the deadline has passed" in text
    closes = campaign.submission_closes.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    assert closes in text and "(Beijing time)" in text and "Asia/Shanghai" not in text
    assert reload(draft).state is CaseState.DRAFT


def test_the_receipt_is_a_pdf_with_the_chinese_title(app, org_client, draft, tmp_path):
    beijing_bureau()
    complete(draft)
    post_submit(org_client, draft)
    response = org_client.get(f"/cases/{draft.id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "社区健身志愿服务常态化案例" in text
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.data)
    rendered = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "社区健身志愿服务常态化案例" in rendered
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts


def test_receipt_fetches_no_urls_from_user_text(app, draft, organization_user):
    from reviewapp.cases.receipt import RefuseAllFetcher, receipt_pdf
    complete(draft)
    draft.summary = '<img src="http://127.0.0.1:9/x.png"> file:///etc/passwd'
    draft.submitted_at = datetime.now(timezone.utc)
    with app.test_request_context():
        pdf = receipt_pdf(draft)
    assert pdf.startswith(b"%PDF") and b"root:" not in pdf
    fetcher = RefuseAllFetcher()
    try:
        fetcher.fetch("https://example.org/x.png")
    except ValueError:
        pass
    assert fetcher.refused == ["https://example.org/x.png"]


def test_withdraw_before_the_deadline_and_only_if_the_campaign_allows(org_client, draft, campaign):
    beijing_bureau()
    complete(draft)
    post_submit(org_client, draft)
    page = org_client.get(f"/cases/{draft.id}").get_data(as_text=True)
    assert "Withdraw to edit" in page
    org_client.post(f"/cases/{draft.id}/withdraw", data={"csrf_token": csrf_from(page)})
    assert reload(draft).state is CaseState.DRAFT
    post_submit(org_client, draft)
    campaign = reload(draft).campaign
    campaign.allow_withdraw = False
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}").get_data(as_text=True)
    assert "Withdraw to edit" not in page
    response = org_client.post(f"/cases/{draft.id}/withdraw", data={"csrf_token": csrf_from(page)},
                               follow_redirects=True)
    assert "does not allow withdrawing" in response.get_data(as_text=True)
    assert reload(draft).state is CaseState.SUBMITTED


def test_blind_check_flags_the_organization_and_neutralizes_captions(app, org_client, draft):
    from reviewapp.cases import evidence as store
    from tests.cases.conftest import jpeg_bytes
    complete(draft)
    draft.innovation_text = "朝阳社体协会首创“健身处方”，联系电话 138-0013-8000。"
    store.add_file(None, draft, jpeg_bytes(), "朝阳社体协会合影.jpg", "朝阳社体协会志愿者合影")
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}/blind-check").get_data(as_text=True)
    org_client.post(f"/cases/{draft.id}/blind-check", data={"csrf_token": csrf_from(page)})
    page = org_client.get(f"/cases/{draft.id}/blind-check").get_data(as_text=True)
    assert "Innovation" in page and "朝阳社体协会首创" in page and "phone number" in page
    assert "Photo 2" in page and "晨练点" in page  # the clean caption is kept, the flagged one replaced
    assert "organization name" in page
