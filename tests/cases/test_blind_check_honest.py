"""The applicant's blind check tells the truth: it judges what experts get (the blind copy), flags
the credit code and the recommending unit, agrees with the expert view on links, and the submit
page never says all is clear while a file is flagged."""
import re

from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.units.models import RecommendingUnit, UnitKind
from tests.cases.test_blind import build_package, relationships
from tests.cases.test_blind_file_classes import REL, R_NS, W_NS, WORD_MAIN, under_review_with_expert
from tests.cases.test_evidence_routes import upload
from tests.factories import csrf_from

ORG = "北京市示例体育协会"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def docx(body, creator=""):
    document = f"<w:document {W_NS} {R_NS}><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{creator}</dc:creator>'
            f"<cp:lastModifiedBy>{creator}</cp:lastModifiedBy></cp:coreProperties>")
    return build_package(
        {"word/document.xml": document, "docProps/core.xml": core,
         "word/_rels/document.xml.rels": relationships()},
        {"word/document.xml": WORD_MAIN, "docProps/core.xml": "openxmlformats-package.core-properties+xml"},
        [(REL + "officeDocument", "word/document.xml"),
         (CORE_REL, "docProps/core.xml")])


def flags_of(name):
    item = db.session.scalar(db.select(Evidence).filter_by(original_name=name))
    return [(flag["source"], flag["field"]) for flag in item.identity_flags]


def test_metadata_that_the_blind_copy_drops_is_not_reported_as_document_text(app, org_client, draft):
    upload(org_client, draft, ("a.docx", docx("社区健身指导年度总结", creator=ORG)),
           ("b.docx", docx(f"{ORG}年度总结")))
    assert flags_of("a.docx") == []                       # only its (removed) author named the applicant
    assert flags_of("b.docx") == [("text", "organization")]   # its text does, and experts read it
    # Checking again reads the blind copies too.
    page = org_client.get(f"/cases/{draft.id}/blind-check").get_data(as_text=True)
    org_client.post(f"/cases/{draft.id}/blind-check", data={"csrf_token": csrf_from(page)})
    db.session.expire_all()
    assert flags_of("a.docx") == [] and flags_of("b.docx") == [("text", "organization")]


def test_the_credit_code_and_the_recommending_unit_are_flagged(app, org_client, draft):
    unit = RecommendingUnit(registration_order=1, kind=UnitKind.PROVINCIAL_BUREAU, name_zh="北京市体育局",
                            name_en="Beijing Municipal Sports Bureau", province="beijing")
    db.session.add(unit)
    draft.unit = unit
    code = draft.organization.credit_code
    draft.organization_text = f"本会统一社会信用代码 {code[:8]} {code[8:]}，由北京市体育局指导。"
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}/blind-check").get_data(as_text=True)
    assert "(credit code)" in page and "(recommending unit)" in page


def test_links_flagged_in_the_check_are_exactly_those_the_expert_view_withholds(app, org_client, draft):
    links = ["https://www.bilibili.com/video/BV1xx411c7mD",           # shown
             "https://v.qq.com/x/page/beijing-chenlian.html",          # the applicant's region
             "https://www.example.cn/shili/video",                     # its name in pinyin
             "https://www.example.cn/13800138000"]                     # its phone
    for url in links:
        page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
        org_client.post(f"/cases/{draft.id}/evidence/link", data={"csrf_token": csrf_from(page), "url": url,
                                                                 "caption": "活动视频"})
    items = db.session.scalars(db.select(Evidence).filter_by(case_id=draft.id, kind="link")
                               .order_by(Evidence.position)).all()
    assert [item.url for item in items] == links
    flagged = {item.url for item in items if item.identity_flags}
    expert, token = under_review_with_expert(draft)
    from tests.factories import sign_in_as
    page = sign_in_as(app.test_client(), expert).get(f"/review/{token}").get_data(as_text=True)
    shown = {url for url in links if url in page}
    assert flagged == set(links) - shown and shown == {links[0]}


def test_the_submit_page_never_says_all_is_clear_while_a_file_is_flagged(app, org_client, draft):
    upload(org_client, draft, (f"{ORG}年度报告.docx", docx("社区健身指导年度总结")))
    page = org_client.get(f"/cases/{draft.id}/submit").get_data(as_text=True)
    assert "Files and links that still name your organization or its contacts (1)" in page
    assert "Neither your text nor your files" not in page
    assert not re.search(r'class="ok">[^<]*does not name', page)
    db.session.delete(db.session.scalar(db.select(Evidence)))
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}/submit").get_data(as_text=True)
    assert "Neither your text nor your files and links name your organization or its contacts." in page
