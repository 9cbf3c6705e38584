"""XSS payloads, how to plant them in every user-written field of the world, and how to spot one that fired."""
import subprocess
from html.parser import HTMLParser

# Pieces of one payload, most important first; a short field takes as many as fit.
PIECES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><b onmouseover='alert(1)'>",
    "</textarea><svg onload=alert(1)>",
    "TPL{{7*7}}END",
    "TPL${7*7}END",
    "javascript:alert(1)",
    "\u2028\u2029</title><iframe src=javascript:alert(1)>",
    "TPL#{7*7}END",
]
# What a template engine that evaluated user text would print.
EVALUATED = ["TPL49END"]
URL_PAYLOAD = "https://v.example.com/watch?v=\"><svg/onload=alert(1)>'"


def payload(marker, limit):
    text = marker
    for piece in PIECES:
        if len(text) + len(piece) <= limit:
            text += piece
    return text


class Finder(HTMLParser):
    """Records every element or attribute that could only have come from a payload."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        source = attributes.get("src") or attributes.get("data") or ""
        if tag == "script" and not source.startswith("/static/"):
            self.findings.append(f"<{tag} {attrs}>")
        if tag in ("iframe", "object", "embed", "frame") and not (source.startswith("/") and
                                                                  not source.startswith("//")):
            self.findings.append(f"<{tag} {attrs}>")
        if tag == "img" and attributes.get("src") == "x":
            self.findings.append(f"<img {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag}> with {name}={value!r}")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and value and \
                    value.strip().lower().replace("\u2028", "").startswith("javascript:"):
                self.findings.append(f"<{tag}> with {name}={value!r}")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        for evaluated in EVALUATED:
            if evaluated in data:
                self.findings.append(f"template evaluated: {evaluated!r}")


def findings_in_html(html):
    finder = Finder()
    finder.feed(html)
    finder.close()
    for evaluated in EVALUATED:
        if evaluated in html and f"template evaluated: {evaluated!r}" not in finder.findings:
            finder.findings.append(f"template evaluated: {evaluated!r}")
    return finder.findings


def pdf_text(data, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def plant(world):
    """Put a marked payload in every text field users write; returns {marker: description}."""
    from reviewapp.audit.models import AuditEntry
    from reviewapp.cases import evidence as store
    from reviewapp.experts.models import Conflict, ConflictSource
    from reviewapp.extensions import db
    from reviewapp.review.models import Review, ReviewStatus

    fields = {}

    def put(obj, attribute, limit):
        marker = f"X{len(fields):02d}X"
        fields[marker] = f"{type(obj).__name__}.{attribute}"
        setattr(obj, attribute, payload(marker, limit))

    users = world.users
    for case in (world.case_a, world.case_b, world.old_case):
        for attribute, limit in (("title", 200), ("summary", 300), ("organization_text", 2000),
                                 ("activities_text", 2000), ("innovation_text", 2000), ("influence_text", 2000),
                                 ("experience_text", 2000), ("contact_person", 80), ("contact_phone", 40)):
            put(case, attribute, limit)
        for entry in case.activities:
            for attribute, limit in (("host_unit", 200), ("name", 200), ("summary", 2000), ("held_on_text", 100),
                                     ("contact_person", 80), ("contact_details", 120), ("remarks", 2000)):
                put(entry, attribute, limit)
        for item in case.evidence:
            put(item, "caption", 300)
            if item.kind != "link":
                put(item, "original_name", 255)
        link = store.add_link(None, case, URL_PAYLOAD, "")
        fields[URL_PAYLOAD[:30]] = "Evidence.url"
        link.caption = ""
    for principal in ("org_a", "org_b"):
        organization = users[principal].organization
        for attribute, limit in (("name", 200), ("short_names", 500), ("contact_person", 80), ("website", 300)):
            put(organization, attribute, limit)
    for principal, user in users.items():
        if user is not None:
            put(user, "name", 120)
    for profile in (world.profile_assigned, world.profile_other):
        put(profile, "name", 120)
        put(profile, "affiliation", 200)
    for campaign in (world.campaign, world.old_campaign):
        for attribute, limit in (("title_zh", 200), ("title_en", 200), ("call_text_zh", 3000),
                                 ("call_text_en", 3000), ("foreword_zh", 3000), ("foreword_en", 3000)):
            put(campaign, attribute, limit)
        for theme in campaign.themes:
            put(theme, "name_zh", 100)
            put(theme, "name_en", 100)
    put(world.invitation, "name", 120)
    conflict = Conflict(case_id=world.case_a.id, expert_id=users["expert_other"].id, source=ConflictSource.ADMIN,
                        declared_by_id=users["admin"].id)
    put(conflict, "note", 2000)
    put(conflict, "waiver_reason", 2000)
    db.session.add(conflict)
    reason = AuditEntry(actor_id=users["unit_case"].id, action="case.returned", object_type="Case",
                        object_id=world.case_a.id)
    put(reason, "reason", 2000)
    db.session.add(reason)
    review = Review(assignment_id=world.assignment_a.id, status=ReviewStatus.DRAFT, scores={}, comments={})
    put(review, "overall_comment", 2000)
    review.comments = {"organization": payload("XCOMMENTX", 2000)}
    fields["XCOMMENTX"] = "Review.comments"
    db.session.add(review)
    db.session.commit()
    return fields
