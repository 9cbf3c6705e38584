"""No response an expert can obtain names the applicant: a crawler follows every link from the
expert's pages and searches every body, header and PDF metadata for the applicant's identity."""
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from pypdf import PdfReader

from reviewapp.auth.models import User
from reviewapp.extensions import db
from tests.factories import csrf_from

from .conftest import identity_strings, token

LINK = re.compile(r'(?:href|src|action)="([^"#]+)')


def _pdf_texts(data):
    """The PDF's document information and XMP metadata, decoded (UTF-16 strings included)."""
    reader = PdfReader(io.BytesIO(data))
    texts = [str(value) for value in (reader.metadata or {}).values()]
    xmp = reader.xmp_metadata
    if xmp is not None:
        texts.append(xmp.xml_doc.toxml() if hasattr(xmp, "xml_doc") else str(xmp))
    return texts


def _without_app_phrases(text):
    """The text less the app's own words that contain a place name: the campaign's time zone is
    named "Beijing time / 北京时间" on every page, which says nothing about who applied."""
    from flask_babel import force_locale

    from reviewapp.timezones import zone_label
    for language in ("zh", "en"):
        with force_locale(language):
            text = text.replace(str(zone_label("Asia/Shanghai")), "")
    return text


def _leaks(response, needles):
    texts = [_without_app_phrases(response.get_data().decode("utf-8", errors="replace"))]
    texts += [f"{name}: {value}" for name, value in response.headers.items()]
    if response.mimetype == "application/pdf":
        texts += _pdf_texts(response.get_data())
    found = []
    for text in texts:
        for needle in needles:
            if needle.lower() in text.lower():
                found.append(needle)
    return found


def crawl(client, starts):
    """GET every same-app URL reachable from `starts`; return {url: response}."""
    seen, queue, responses = set(), deque(starts), {}
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        responses[url] = response
        if response.mimetype == "text/html":
            for link in LINK.findall(response.get_data(as_text=True)):
                target = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc and parts.netloc != "localhost":
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path.startswith(("/static/", "/auth/sign-out", "/auth/language")):
                    continue
                queue.append(path)
        elif response.status_code in (301, 302, 303) and response.headers.get("Location", "").startswith("/"):
            queue.append(response.headers["Location"])
    return responses


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_identity_reaches_an_expert(app, setup, expert_client, locale):
    expert = db.session.get(User, setup.experts[0].id)
    expert.locale = locale
    db.session.commit()
    mine = token(setup.assignments[0])
    starts = ["/dashboard", "/review/", f"/review/{mine}", f"/review/{token(setup.other_assignment)}",
              "/review/not-a-token", f"/review/{mine}/files/99/view", f"/review/{mine}/files/1/download",
              f"/review/{mine}/files/2/download", f"/review/feedback/{setup.case.id}"]
    responses = crawl(expert_client, starts)
    # The crawl reached the review page, both evidence files and the error pages.
    statuses = {url: r.status_code for url, r in responses.items()}
    assert statuses[f"/review/{mine}"] == 200
    assert any(r.mimetype == "application/pdf" and r.status_code == 200 for r in responses.values())
    assert any(r.mimetype.startswith("image/") and r.status_code == 200 for r in responses.values())
    assert 404 in statuses.values() and 405 in statuses.values()
    # The JSON endpoint (autosave) and a refused save are part of what an expert gets.
    html = responses[f"/review/{mine}"].get_data(as_text=True)
    csrf = csrf_from(html)
    responses["autosave"] = expert_client.post(f"/review/{mine}/autosave", data={
        "csrf_token": csrf, "version": "0", "score-innovation": "7"}, headers={"Accept": "application/json"})
    responses["stale"] = expert_client.post(f"/review/{mine}/autosave", data={
        "csrf_token": csrf, "version": "0"}, headers={"Accept": "application/json"})
    responses["refused submit"] = expert_client.post(f"/review/{mine}", data={
        "csrf_token": csrf, "version": "0", "action": "submit"})
    assert responses["autosave"].json["ok"] and responses["stale"].status_code == 409
    needles = identity_strings(setup)
    leaks = {url: _leaks(r, needles) for url, r in responses.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    assert len(responses) >= 12


def test_downloads_have_neutral_names_and_safe_headers(app, setup, expert_client):
    mine = token(setup.assignments[0])
    photo = expert_client.get(f"/review/{mine}/files/1/download")
    assert photo.headers["Content-Disposition"] == "attachment; filename=photo-1.jpg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert photo.headers["Content-Security-Policy"].startswith("sandbox")
    pdf = expert_client.get(f"/review/{mine}/files/2/view")
    assert pdf.mimetype == "application/pdf" and "evidence-2.pdf" in pdf.headers["Content-Disposition"]
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    metadata = PdfReader(io.BytesIO(pdf.get_data())).metadata or {}
    assert not any(key in metadata for key in ("/Author", "/Company", "/Title"))


def test_links_are_behind_a_warning_and_identifying_ones_withheld(app, setup, expert_client):
    from .conftest import LEAKY_LINK, SAFE_LINK
    page = expert_client.get(f"/review/{token(setup.assignments[0])}").get_data(as_text=True)
    assert SAFE_LINK in page and LEAKY_LINK not in page
    assert 'rel="noopener noreferrer nofollow"' in page
    assert "withheld, because the address names the applicant" in page
    # Narrative mentions of the applicant are masked, and the activity log's host unit never shown.
    assert "■■■每周三次" in page


def test_evidence_responses_carry_no_upload_time(app, setup, expert_client):
    """A file's mtime is its upload time: no Last-Modified, and If-Modified-Since cannot probe it."""
    mine = token(setup.assignments[0])
    for path in (f"/review/{mine}/files/1/view", f"/review/{mine}/files/1/download", f"/review/{mine}/files/2/view",
                 f"/review/{mine}/files/1/thumbnail"):
        response = expert_client.get(path)
        assert response.status_code == 200, path
        assert "Last-Modified" not in response.headers and "ETag" not in response.headers, path
        for stamp in ("Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"):
            probe = expert_client.get(path, headers={"If-Modified-Since": stamp})
            assert probe.status_code == 200 and probe.get_data() == response.get_data(), (path, stamp)
    # Ranges still work (PDF viewers ask for parts), judged by size alone.
    part = expert_client.get(f"/review/{mine}/files/2/view", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.get_data()) == 10 and part.get_data().startswith(b"%PDF-")


def _generated_needles(setup):
    """Every short form the variant generator makes of the applicant's name, its pinyin, and every
    form of its regions: each must be invisible to the expert, however the applicant spelled it."""
    from reviewapp.cases.blind_text import Redactor
    from reviewapp.cases.checks import identity_of
    from reviewapp.cases.identity import organization_name_variants, organization_pinyin
    from reviewapp.cases.regions import region_forms

    identity = identity_of(setup.case)
    chinese = organization_name_variants(identity.organization, identity.short_names, identity.province)
    latin = [" ".join(syllables) for syllables in organization_pinyin(identity.organization, identity.province)]
    for region in Redactor(identity).regions:
        forms = region_forms(region)
        chinese += list(forms.chinese)
        latin += [" ".join(syllables) for syllables in forms.latin]
    return sorted(set(chinese)), sorted(set(latin))


def _folded_texts(response):
    from reviewapp.cases.identity import _fold
    texts = [_without_app_phrases(response.get_data().decode("utf-8", errors="replace"))]
    texts += [f"{name}: {value}" for name, value in response.headers.items()]
    if response.mimetype == "application/pdf":
        texts += _pdf_texts(response.get_data())
    return [_fold(text)[0] for text in texts]


def test_no_generated_short_form_reaches_an_expert(app, setup, expert_client):
    """The narrative names the applicant in every generated form, spelled plainly, spaced out and
    split by zero-width spaces and soft hyphens; the crawler searches every response for each form."""
    from reviewapp.cases.identity import _fold
    chinese, latin = _generated_needles(setup)
    assert len(chinese) >= 8 and "示例体协" in chinese and "朝阳区" in chinese and "beijing" in latin
    spelled = []
    for form in chinese:
        spelled += [form, " ".join(form), form[:1] + "\u200b" + form[1:], form[:2] + "\u00ad" + form[2:]]
    spelled += [form.title() for form in latin] + [form.replace(" ", "").upper() for form in latin]
    case = setup.case
    case.title = "、".join(spelled[:12])
    case.summary = "，".join(spelled[12:30]) or case.summary
    case.organization_text = "。".join(f"{form}多次获奖" for form in spelled)
    case.influence_text = " ".join(f"{form} did it." for form in latin)
    case.version = (case.version or 0) + 1
    db.session.commit()
    mine = token(setup.assignments[0])
    responses = crawl(expert_client, ["/experts/cases", "/review/", f"/review/{mine}"])
    assert responses[f"/review/{mine}"].status_code == 200 and responses["/experts/cases"].status_code == 200
    page = responses[f"/review/{mine}"].get_data(as_text=True)
    assert "多次获奖" in page and "■■■" in page
    patterns = [re.compile(re.escape(_fold(form)[0])) for form in chinese]
    patterns += [re.compile(r"(?<![a-z0-9])" + r"[\s\-]?".join(map(re.escape, form.split())) + r"(?![a-z0-9])")
                 for form in latin]
    leaks = {}
    for url, response in responses.items():
        for text in _folded_texts(response):
            found = [pattern.pattern for pattern in patterns if pattern.search(text)]
            if found:
                leaks.setdefault(url, set()).update(found)
    assert leaks == {}
    # Nor does any link name a case by its sequential id (the pool list's forms carry opaque tokens).
    case_ids = {setup.case.id, setup.other_case.id}
    by_id = [link for r in responses.values() if r.mimetype == "text/html"
             for link in LINK.findall(r.get_data(as_text=True))
             if any(re.search(rf"/cases/{case_id}(?:/|$)", link) for case_id in case_ids)]
    assert by_id == [] and any("/may-know" in link for r in responses.values() if r.mimetype == "text/html"
                               for link in LINK.findall(r.get_data(as_text=True)))
