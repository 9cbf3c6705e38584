"""Conflicts of interest of a whole campaign at once, as a boolean matrix.

The same rules and the same waivers as experts/queries.active_conflict_pairs
(which checks one pair at a time with experts/conflicts.detect), computed by
set membership: provinces and mail domains become integer codes compared as
arrays, affiliations are matched name against name once per distinct pair of
spellings (not once per case and expert). tests/assignment/test_conflict_sets.py
compares both on random pools, so a rule added there and not here fails a test.
"""
from types import SimpleNamespace

import numpy as np
from scipy.sparse import csr_matrix

from ..experts.conflicts import MIN_CONTAINED_LENGTH, PUBLIC_MAIL_DOMAINS, _normal, mail_domain
from ..experts.models import Conflict, ConflictSource
from ..extensions import db


def _codes(left, right):
    """Integer codes of two lists of strings over one vocabulary; '' and None get -1."""
    vocabulary = {}
    def code(values):
        return np.array([vocabulary.setdefault(v, len(vocabulary)) if v else -1 for v in values],
                        dtype=np.int64).reshape(-1)
    return code(left), code(right)


def equal_codes(case_values, expert_values):
    """(cases, experts) mask: the two values are equal and not empty."""
    mine, theirs = _codes(case_values, expert_values)
    return (mine[:, None] == theirs[None, :]) & (mine[:, None] >= 0)


def _occurrences(needles, haystack_items):
    """{needle index: set of item indices containing it}, by searching one joined string."""
    joined = "\x00".join(haystack_items)
    starts = np.cumsum([0] + [len(item) + 1 for item in haystack_items])
    found = {}
    for n, needle in enumerate(needles):
        if len(needle) < MIN_CONTAINED_LENGTH:
            continue
        at = joined.find(needle)
        while at >= 0:
            found.setdefault(n, set()).add(int(np.searchsorted(starts, at, side="right") - 1))
            at = joined.find(needle, at + 1)
    return found


def name_matches(org_names, expert_names):
    """(orgs, experts) mask of experts/conflicts.names_match between any name of the
    organization (a tuple) and the expert's affiliation (a string)."""
    spellings = sorted({_normal(n) for names in org_names for n in names} - {""})
    theirs = sorted({_normal(n) for n in expert_names} - {""})
    o_index = {s: i for i, s in enumerate(spellings)}
    a_index = {s: i for i, s in enumerate(theirs)}
    match = np.zeros((len(spellings), len(theirs)), dtype=bool)
    for s, i in o_index.items():
        if s in a_index:
            match[i, a_index[s]] = True
    # The shorter one (at least MIN_CONTAINED_LENGTH long) inside the longer one.
    for a, orgs in _occurrences(theirs, spellings).items():
        match[list(orgs), a] = True
    for o, experts in _occurrences(spellings, theirs).items():
        match[o, list(experts)] = True
    # Each organization has a few names: OR the match rows of its spellings (a sparse product).
    org_rows, name_cols = [], []
    for row, names in enumerate(org_names):
        for n in {_normal(n) for n in names} - {""}:
            org_rows.append(row)
            name_cols.append(o_index[n])
    incidence = csr_matrix((np.ones(len(org_rows), dtype=np.float32), (org_rows, name_cols)),
                           shape=(len(org_names), len(spellings)))
    per_org = np.asarray(incidence @ match.astype(np.float32)) > 0 if spellings and theirs else \
        np.zeros((len(org_names), len(theirs)), dtype=bool)
    expert_col = np.array([a_index.get(_normal(n), -1) for n in expert_names], dtype=np.int64)
    out = np.zeros((len(org_names), len(expert_names)), dtype=bool)
    has = expert_col >= 0
    out[:, has] = per_org[:, expert_col[has]]
    return out


def detected_mask(orgs, case_org, experts):
    """Conflicts the rules detect. ``orgs``: list of (province, names tuple, email) per
    distinct organization; ``case_org``: each case's index into ``orgs``; ``experts``:
    list of (province, affiliation, email)."""
    provinces = equal_codes([o[0] for o in orgs], [e[0] for e in experts])
    names = name_matches([o[1] for o in orgs], [e[1] for e in experts])
    domains = [mail_domain(o[2]) for o in orgs]
    theirs = [mail_domain(e[2]) for e in experts]
    same_domain = equal_codes([d if d not in PUBLIC_MAIL_DOMAINS else "" for d in domains],
                              [d if d not in PUBLIC_MAIL_DOMAINS else "" for d in theirs])
    return (provinces | names | same_domain)[case_org]


def active_conflict_mask(cases, experts):
    """(cases, experts) mask of the pairs that must not be assigned (as active_conflict_pairs).

    ``cases``: objects with id, org_province, org_names (tuple), org_email; ``experts``:
    objects with id (user id), name, province, affiliation, email. A handful of queries,
    whatever the number of pairs."""
    from ..conflicts.queries import applicant_conflict_pairs, ended_pairs

    org_key = {}
    orgs, case_org = [], np.empty(len(cases), dtype=np.int64)
    for i, case in enumerate(cases):
        key = (case.org_province, case.org_names, case.org_email)
        if key not in org_key:
            org_key[key] = len(orgs)
            orgs.append(key)
        case_org[i] = org_key[key]
    mask = detected_mask(orgs, case_org, [(e.province, e.affiliation, e.email) for e in experts])
    case_index = {case.id: i for i, case in enumerate(cases)}
    expert_index = {e.id: j for j, e in enumerate(experts)}
    if not cases or not experts:
        return mask
    # Accepted applicant declarations are detected conflicts too (waivable like the others).
    people = [(SimpleNamespace(id=e.id, name=e.name), SimpleNamespace(
        name=e.name, affiliation=e.affiliation, email=e.email)) for e in experts]
    for case_id, expert_id in applicant_conflict_pairs([SimpleNamespace(id=c.id) for c in cases], people):
        mask[case_index[case_id], expert_index[expert_id]] = True
    case_ids = list(case_index)
    rows = db.session.execute(db.select(Conflict.case_id, Conflict.expert_id, Conflict.source, Conflict.waived_at)
                              .filter(Conflict.case_id.in_(case_ids))).all()
    for case_id, expert_id, source, waived_at in rows:
        i, j = case_index.get(case_id), expert_index.get(expert_id)
        if i is None or j is None:
            continue
        # A row is a declaration or a waiver; a waiver of a rule that no longer applies says nothing.
        mask[i, j] = waived_at is None and (bool(mask[i, j]) or source is not ConflictSource.AUTOMATIC)
    for case_id, expert_id in ended_pairs(case_ids):
        if case_id in case_index and expert_id in expert_index:
            mask[case_index[case_id], expert_index[expert_id]] = True
    return mask

