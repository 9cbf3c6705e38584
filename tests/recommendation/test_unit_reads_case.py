"""The recommending unit reads the whole case as submitted: texts, activity log and every
evidence file, on its screening page and on the case's own pages; other units are refused."""
from io import BytesIO

from openpyxl import load_workbook

from reviewapp.cases.models import Case, Evidence
from reviewapp.extensions import db
from tests.factories import jpeg_bytes, sign_in_as, submit_form
from tests.recommendation.data import make_unit, make_unit_user, submitted_case_with_evidence


def file_urls(case):
    """Every URL that serves one of the case's stored files."""
    urls = []
    for item in case.evidence:
        if item.kind == "link":
            continue
        base = f"/cases/{case.id}/evidence/{item.id}"
        urls += [f"{base}/view", f"{base}/download", f"{base}/blind"]
        if item.thumbnail_name:
            urls.append(f"{base}/thumbnail")
    return urls


PAGES = ("", "/evidence", "/activities", "/activities.xlsx")


def test_the_routed_unit_reaches_every_page_and_evidence_file(app):
    case, _org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    kinds = sorted(item.kind for item in case.evidence)
    assert kinds == ["link", "pdf", "photo"]
    for path in PAGES:
        assert unit.get(f"/cases/{case.id}{path}").status_code == 200, path
    for url in file_urls(case):
        response = unit.get(url)
        assert response.status_code == 200 and response.data, url
    photo = next(item for item in case.evidence if item.kind == "photo")
    pdf = next(item for item in case.evidence if item.kind == "pdf")
    assert unit.get(f"/cases/{case.id}/evidence/{pdf.id}/view").data.startswith(b"%PDF")
    assert unit.get(f"/cases/{case.id}/evidence/{photo.id}/download").data[:2] == b"\xff\xd8"

    for page in (f"/recommendation/cases/{case.id}", f"/cases/{case.id}"):
        html = unit.get(page).get_data(as_text=True)
        # The inline viewer: the photo's thumbnail, the PDF in a frame, the video link, the log.
        assert f'src="/cases/{case.id}/evidence/{photo.id}/thumbnail"' in html
        assert f'<iframe class="review-pdf" src="/cases/{case.id}/evidence/{pdf.id}/view"' in html
        assert "https://v.example.com/watch?v=42" in html and "活动视频" in html
        assert "八段锦教学" in html and "太极拳进社区" in html and "朝阳区社体协会" in html
        assert "活动总结报告" in html and "晨练点" in html
        assert "Communities and villages" in html and "Social sports instructors" in html
    evidence_page = unit.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    assert all(url.rsplit("/", 1)[0] in evidence_page for url in file_urls(case))
    sheet = load_workbook(BytesIO(unit.get(f"/cases/{case.id}/activities.xlsx").data)).active
    names = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert names.index("八段锦教学") < names.index("太极拳进社区")


def test_other_units_are_refused_every_page_and_file(app):
    case, _org, _unit_user = submitted_case_with_evidence(app)
    other = sign_in_as(app.test_client(), make_unit_user(make_unit("上海市体育局", "shanghai")))
    for path in PAGES:
        assert other.get(f"/cases/{case.id}{path}").status_code == 403, path
    for url in file_urls(case):
        assert other.get(url).status_code == 403, url
    # A number that is no case at all looks the same to a unit: nothing to learn from it.
    assert other.get(f"/cases/{case.id + 1000}").status_code == 403
    assert other.get(f"/recommendation/cases/{case.id}").status_code == 404


def test_after_a_return_the_unit_reads_the_files_it_returned_not_the_new_ones(app):
    case, org, unit_user = submitted_case_with_evidence(app)
    unit = sign_in_as(app.test_client(), unit_user)
    page = f"/recommendation/cases/{case.id}"
    assert submit_form(unit, page, {"reason": "请补充照片。"}, action=f"{page}/return").status_code == 302
    photo_id = next(item.id for item in case.evidence if item.kind == "photo")
    evidence_page = f"/cases/{case.id}/evidence"
    submit_form(org, evidence_page, {}, action=f"{evidence_page}/{photo_id}/delete")
    upload = submit_form(org, evidence_page, {"files": [(BytesIO(jpeg_bytes(color=(9, 9, 9))), "新照片.jpg")],
                                              "caption": "新增的照片"}, content_type="multipart/form-data")
    assert upload.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(db.select(Evidence).filter_by(caption="新增的照片"))
    assert db.session.get(Evidence, photo_id) is None and new is not None

    html = unit.get(evidence_page).get_data(as_text=True)
    assert "新增的照片" not in html and "晨练点" in html and "removed this file" in html
    for suffix in ("view", "download", "thumbnail"):
        assert unit.get(f"{evidence_page}/{new.id}/{suffix}").status_code == 404
    # The applicant still reads its own new file.
    assert org.get(f"{evidence_page}/{new.id}/view").status_code == 200

    submit_form(org, f"/cases/{case.id}/submit", {})
    db.session.expire_all()
    assert unit.get(f"{evidence_page}/{new.id}/view").status_code == 200
    assert "新增的照片" in unit.get(evidence_page).get_data(as_text=True)
    assert db.session.get(Case, case.id).state.value == "submitted"
