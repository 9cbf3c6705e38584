"""Payloads in every user-written field, every page of every principal: escaped everywhere, never evaluated.

Every GET route of the URL map is opened by every principal the access policy
lets in (case A's objects, as in the access matrix); HTML is parsed and must
hold no element or attribute that came from a payload; PDFs (the receipt, the
publishing PDFs) are read with pdftotext and must show the payload as text.
"""
import re

from tests.security.policy import rule_for
from tests.security.world import PRINCIPALS, build_path, build_world, client_for, probed_rules, url_values
from tests.security.xss import EVALUATED, findings_in_html, pdf_text, plant

MARKER = re.compile(r"X\d\dX|XCOMMENTX|https://v\.example\.com/watch\?v=")


def _crawl(app, world, tmp_path):
    """{principal: {path: (mimetype, text)}} of every GET page each principal may open."""
    pages = {}
    for principal in PRINCIPALS:
        client = client_for(app, world, principal)
        seen = pages.setdefault(principal, {})
        for rule in probed_rules(app):
            if "GET" not in rule.methods or rule_for(rule.endpoint).outcome(principal) != "ok":
                continue
            path = build_path(app, rule, url_values(world, rule))
            response = client.get(path, headers={"Accept-Language": "en"})
            if response.mimetype == "text/html" and 200 <= response.status_code < 300:
                seen[path] = ("html", response.get_data(as_text=True))
            elif response.mimetype == "application/pdf" and response.status_code == 200:
                seen[path] = ("pdf", pdf_text(response.data, tmp_path))
            assert response.status_code < 500, (principal, path)
    return pages


def test_payloads_are_escaped_on_every_page_and_in_every_pdf(app, tmp_path):
    world = build_world(app)
    fields = plant(world)
    pages = _crawl(app, world, tmp_path)
    problems, shown, html_pages, pdfs = [], set(), 0, 0
    for principal, by_path in pages.items():
        for path, (kind, text) in by_path.items():
            shown.update(MARKER.findall(text))
            if kind == "html":
                html_pages += 1
                problems += [f"{principal} {path}: {finding}" for finding in findings_in_html(text)]
            else:
                pdfs += 1
                problems += [f"{principal} {path}: PDF shows {e!r}" for e in EVALUATED if e in text]
    print(f"XSS: {len(fields)} fields, {html_pages} HTML pages and {pdfs} PDFs read")
    assert not problems, "\n".join(problems[:40])
    # The crawl is not vacuous: the receipt shows the payload as plain text...
    receipt = pages["org_a"][f"/cases/{world.case_a.id}/receipt.pdf"][1]
    assert "<script>alert(1)</script>" in receipt and "TPL{{7*7}}END" in receipt
    # ...and the payloads of the fields below are on at least one page.
    expected_visible = {"Case.title", "Case.summary", "Case.organization_text", "ActivityLogEntry.name",
                        "ActivityLogEntry.remarks", "Evidence.caption", "Evidence.url", "Organization.name",
                        "User.name", "ExpertProfile.name", "ExpertProfile.affiliation", "Campaign.title_en",
                        "Campaign.call_text_en", "Invitation.name", "Conflict.note", "AuditEntry.reason"}
    visible = {fields[marker] for marker in shown if marker in fields}
    visible |= {"Evidence.url"} if "https://v.example.com/watch?v=" in shown else set()
    assert expected_visible <= visible, f"never rendered: {sorted(expected_visible - visible)}"
    assert html_pages >= 100 and pdfs >= 2
