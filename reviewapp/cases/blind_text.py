"""Text as experts read it: every mention of the applicant, and of its region, replaced by one mark.

What is hidden (the review page's banner says the same):
- the organization's name in every form (identity.organization_name_variants), its
  contact person, phone numbers, e-mail and web addresses (find_identity_mentions);
- further terms the caller knows: its recommending unit's names, its credit code;
- the names of its own province, city and district or county (regions.applicant_regions),
  with or without their suffix, in Chinese, English and pinyin (北京市, 北京, Beijing;
  朝阳区, 朝阳, Chaoyang). Other places are shown as written, and so are well-known
  events that carry a city's name (北京冬奥会, 杭州亚运会): they tell nothing about who wrote.

Matching ignores zero-width characters, soft hyphens, width and stray spaces (see
identity._fold); positions map back to the original text, so what is replaced is exactly
what the reader saw. Neighbouring marks (北京市 + 朝阳区) merge into one.
"""
import bisect
import re
import unicodedata
from functools import lru_cache

from .identity import Identity, _fold, _text_pattern, find_identity_mentions, syllables_pattern
from .org_names import EVENTS
from .regions import applicant_regions, region_forms

REDACTED = "■■■"
# Events named after a host city in English as well.
_ENGLISH_EVENTS = ("beijing 2022", "beijing 2008", "beijing olympics", "beijing winter olympics",
                   "beijing paralympics", "hangzhou asian games", "chengdu universiade", "harbin asian winter games")


_ENGLISH_LEVEL = (r"(?:[\s\-]+(?:special\s+administrative\s+region|autonomous\s+(?:region|prefecture|county)"
                  r"|new\s+(?:area|district)|province|municipality|prefecture|district|county|city|banner|league)"
                  r"(?![a-z0-9]))?")


@lru_cache(maxsize=1)
def _event_pattern():
    alternatives = [_text_pattern(event) for event in sorted(EVENTS, key=len, reverse=True)]
    alternatives += [_text_pattern(event) for event in _ENGLISH_EVENTS]
    return re.compile("|".join(alternatives))


def region_patterns(regions):
    """One compiled pattern for every Chinese and pinyin/English form of `regions`, or None."""
    chinese, latin = set(), set()
    for region in regions:
        forms = region_forms(region)
        chinese.update(forms.chinese)
        latin.update(forms.latin)
    alternatives = [_text_pattern(form) for form in sorted(chinese, key=len, reverse=True)]
    # "Chaoyang District" is hidden whole, as 朝阳区 is.
    alternatives += [syllables_pattern(syllables) + _ENGLISH_LEVEL
                     for syllables in sorted(latin, key=len, reverse=True)]
    return re.compile("|".join(alternatives)) if alternatives else None


def terms_pattern(terms):
    """One compiled pattern for further exact terms (unit names, credit code), or None."""
    folded = sorted({_fold(term.strip())[0] for term in terms if term and len(term.strip()) >= 2},
                    key=len, reverse=True)
    folded = [re.sub(r"\s+", " ", term) for term in folded]
    return re.compile("|".join(_text_pattern(term) for term in folded)) if folded else None


class Redactor:
    """text -> text with the applicant and its region replaced by REDACTED."""

    def __init__(self, identity: Identity, extra_terms=(), regions=None):
        self.identity = identity
        if regions is None:
            regions = applicant_regions(identity.organization, identity.province, identity.short_names)
        self.regions = regions
        self._regions = region_patterns(regions)
        self._terms = terms_pattern(extra_terms)

    def spans(self, text):
        """[(start, end)] of the original text to hide, merged, in order."""
        if not text:
            return []
        spans = [(m.start, m.end) for m in find_identity_mentions(text, self.identity)]
        folded, origin = _fold(text)

        def found(pattern):
            return [(origin[m.start()], origin[m.end() - 1] + 1)
                    for m in pattern.finditer(folded) if m.end() > m.start()]

        if self._terms is not None:
            spans += found(self._terms)
        if self._regions is not None:
            events = found(_event_pattern())  # in text order, not overlapping
            starts = [start for start, _end in events]
            for span in found(self._regions):
                at = bisect.bisect_right(starts, span[0]) - 1
                if at < 0 or span[1] > events[at][1]:
                    spans.append(span)
        return _merge(text, spans)

    def __call__(self, text):
        text = text or ""
        out, at = [], 0
        for start, end in self.spans(text):
            out.append(text[at:start])
            out.append(REDACTED)
            at = end
        out.append(text[at:])
        return "".join(out)


@lru_cache(maxsize=1024)
def redactor_for(identity: Identity, extra_terms: tuple = ()) -> "Redactor":
    """A Redactor built once per identity: the experts' pool list draws one per case on every visit."""
    return Redactor(identity, extra_terms)


def _merge(text, spans):
    """Overlapping spans, and spans apart only by spaces or invisible characters (not a line break), become one."""
    merged = []
    for start, end in sorted(spans):
        gap = text[merged[-1][1]:start] if merged else ""
        if merged and (start <= merged[-1][1] or all(c in " \t\u3000" or unicodedata.category(c) == "Cf" for c in gap)):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
