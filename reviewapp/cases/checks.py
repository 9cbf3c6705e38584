"""What a case still lacks before submission, and where it still names its organization.

`missing_items` is the submission checklist; `identity_of` and
`narrative_mentions` feed the blind check; `file_identity_flags` is what is
stored per evidence file; `blind_caption` is the caption experts see.
"""
from flask_babel import lazy_gettext as _l

from .blind import Identity, extract_text, find_identity_mentions
from .reference import FIGURES, NARRATIVE_SECTIONS

SUMMARY_MAX = 300
NEUTRAL_CAPTIONS = {"photo": _l("Photo %(n)d"), "pdf": _l("Document %(n)d"),
                    "office": _l("Document %(n)d"), "link": _l("Video link %(n)d")}


def missing_items(case):
    """Translated descriptions of what the case still needs; empty when it may be submitted."""
    missing = []
    if not case.title.strip():
        missing.append(_l("A title"))
    if not case.summary.strip():
        missing.append(_l("A summary"))
    elif len(case.summary) > SUMMARY_MAX:
        missing.append(_l("A summary of at most %(n)d characters", n=SUMMARY_MAX))
    for attribute, label in NARRATIVE_SECTIONS:
        if not getattr(case, attribute).strip():
            missing.append(_l("The section “%(section)s”", section=label))
    if not case.themes:
        missing.append(_l("At least one theme"))
    for attribute, label in FIGURES:
        if getattr(case, attribute) is None:
            missing.append(_l("The figure “%(figure)s”", figure=label))
    if not case.service_places:
        missing.append(_l("Where the service happens (at least one of the six entries)"))
    if not case.volunteer_categories:
        missing.append(_l("At least one volunteer category"))
    if not case.contact_person.strip():
        missing.append(_l("A contact person"))
    if not any(item.kind == "photo" for item in case.evidence):
        missing.append(_l("At least one photo"))
    if not case.activities:
        missing.append(_l("At least one row in the activity log"))
    return missing


def identity_of(case):
    """Everything that identifies the applicant, as the identity finder wants it."""
    organization = case.organization
    short_names = tuple(line.strip() for line in (organization.short_names or "").splitlines() if line.strip())
    unit = case.unit or organization.unit
    contact = case.contact_person.strip() or organization.contact_person
    from ..organizations.people import organization_people
    people = organization_people(organization)
    return Identity(
        organization=organization.name, short_names=short_names, province=organization.province or "",
        credit_code=organization.credit_code or "",
        unit_names=tuple(name for name in ((unit.name_zh, unit.name_en) if unit else ()) if name),
        contact_person=contact,
        people=tuple(sorted({p.name.strip() for p in people if p.name.strip() and p.name.strip() != contact})),
        phones=tuple(dict.fromkeys(p for p in (organization.mobile, case.contact_phone, *(u.phone for u in people))
                                   if p)),
        emails=tuple(dict.fromkeys(e.lower() for e in (organization.email, *(u.email for u in people)) if e)),
        websites=tuple(w for w in (organization.website,) if w))


def _mentions(text, identity, extra_person=None):
    found = find_identity_mentions(text or "", identity)
    if extra_person and extra_person != identity.contact_person:
        other = Identity(contact_person=extra_person)
        known = {(m.start, m.end) for m in found}
        found += [m for m in find_identity_mentions(text or "", other) if (m.start, m.end) not in known]
    return found


def narrative_mentions(case, identity=None):
    """[(field label, [IdentityMention])] for the title, summary and narrative sections that name the applicant."""
    identity = identity or identity_of(case)
    extra = case.organization.contact_person
    fields = [(_l("Title"), case.title), (_l("Summary"), case.summary)]
    fields += [(label, getattr(case, attribute)) for attribute, label in NARRATIVE_SECTIONS]
    result = []
    for label, text in fields:
        found = _mentions(text, identity, extra)
        if found:
            result.append((label, found))
    return result


def _flag(source, mention):
    return {"source": source, "field": mention.field, "matched": mention.matched, "snippet": mention.snippet}


def link_withheld(url, identity, redact):
    """True when the expert view withholds this link: the address names the applicant, or
    would lose part of itself to the blind text (its region, unit or credit code)."""
    url = url or ""
    return bool(find_identity_mentions(url, identity)) or (redact is not None and redact(url) != url)


def file_identity_flags(evidence, identity, blind_bytes=None, extra_person=None, redact=None):
    """JSON-able flags for one evidence item: its caption, its file name, its link, and the text of
    its blind copy (what experts get: metadata is gone, page and form text stay).

    `redact`: the case's blind-text redactor (blind_text.Redactor); a link it would change is
    flagged, because the expert view withholds it."""
    flags = [_flag("caption", m) for m in _mentions(evidence.caption, identity, extra_person)]
    flags += [_flag("file_name", m) for m in _mentions(evidence.original_name, identity, extra_person)]
    if evidence.url:
        found = _mentions(evidence.url, identity, extra_person)
        flags += [_flag("link", m) for m in found]
        if not found and link_withheld(evidence.url, identity, redact):
            flags.append({"source": "link", "field": "region", "matched": evidence.url,
                          "snippet": redact(evidence.url)})
    if blind_bytes is not None and evidence.kind in ("pdf", "office"):
        try:
            text = extract_text(blind_bytes, evidence.kind)
        except Exception:  # a document whose text cannot be read has nothing to flag
            text = ""
        flags += [_flag("text", m) for m in _mentions(text, identity, extra_person)][:50]
    return flags


def blind_caption(evidence, number):
    """The applicant's caption if it passed the identity check, else a neutral one (“Photo 1”)."""
    if evidence.caption and not any(flag["source"] == "caption" for flag in evidence.identity_flags or []):
        return evidence.caption
    return NEUTRAL_CAPTIONS.get(evidence.kind, NEUTRAL_CAPTIONS["pdf"]) % {"n": number}


def blind_captions(case):
    """{evidence id: caption experts see}, numbering each kind from 1."""
    counters, captions = {}, {}
    for item in case.evidence:
        kind = "pdf" if item.kind == "office" else item.kind
        counters[kind] = counters.get(kind, 0) + 1
        captions[item.id] = blind_caption(item, counters[kind])
    return captions


SOURCE_LABELS = {"caption": _l("caption"), "file_name": _l("file name"), "text": _l("document text"),
                 "link": _l("link")}
FIELD_LABELS = {"organization": _l("organization name"), "contact_person": _l("contact person"),
                "colleague": _l("a colleague's name"),
                "phone": _l("phone number"), "email": _l("e-mail address"), "website": _l("web address"),
                "credit_code": _l("credit code"), "unit": _l("recommending unit"),
                "region": _l("your province, city or district")}


def redactor_of(case):
    """The blind text of `case` as experts read it (see blind_text.Redactor): the identity and
    what only the view hides, the unit's names, the registered contact, credit code and e-mail."""
    from .blind_text import redactor_for
    organization = case.organization
    unit = case.unit or organization.unit
    terms = [unit.name_zh, unit.name_en] if unit is not None else []
    terms += [organization.contact_person, organization.credit_code, organization.email]
    from ..organizations.people import organization_people
    terms += [person.email for person in organization_people(organization)]
    return redactor_for(identity_of(case), tuple(t for t in terms if t and len(t.strip()) >= 2))
