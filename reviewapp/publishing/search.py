"""The gallery's full-text search: substring matching on a normalized text.

Normalization is NFKC (full-width letters and digits become ASCII) plus
case folding, applied both to the stored text and to the query, so a plain
LIKE '%term%' finds Chinese substrings and English words, case-insensitively,
on SQLite and PostgreSQL alike.
"""
import re
import unicodedata

from ..extensions import db
from .models import PublishedCase

_SPACE = re.compile(r"\s+")
MAX_TERMS = 6


def normalize(text):
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def case_search_text(case):
    from ..cases.reference import NARRATIVE_SECTIONS
    parts = [case.title, case.summary, case.organization.name,
             *(getattr(case, attribute) for attribute, _label in NARRATIVE_SECTIONS),
             *(f"{theme.name_zh} {theme.name_en}" for theme in case.themes)]
    return normalize(" ".join(part or "" for part in parts))


def index_case(case):
    """Create or refresh the gallery entry (search text) of a published case."""
    entry = db.session.get(PublishedCase, case.id)
    if entry is None:
        entry = PublishedCase(case_id=case.id, campaign_id=case.campaign_id)
        db.session.add(entry)
    entry.search_text = case_search_text(case)
    return entry


def query_terms(query):
    """The normalized words of a search box (at most MAX_TERMS)."""
    return [term for term in normalize(query).split(" ") if term][:MAX_TERMS]


def matching(select, terms):
    """`select` (joined to PublishedCase) narrowed to entries containing every term."""
    for term in terms:
        select = select.filter(PublishedCase.search_text.contains(term, autoescape=True))
    return select
