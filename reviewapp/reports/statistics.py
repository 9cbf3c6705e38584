"""Counting a campaign's cases at each stage, by dimension.

A case counts at every stage it has reached: a selected case was also
submitted, recommended and reviewed. Cases sent straight to review (direct
submission) count as recommended. Drafts are not submissions. A case with two
themes counts under both, so theme totals may exceed the number of cases.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..i18n import pick
from ..organizations.reference import ORG_TYPES, PROVINCES, org_type_label, province_label

S = CaseState
REACHED = {
    "submitted": frozenset(set(S) - {S.DRAFT}),
    "recommended": frozenset({S.RECOMMENDED, S.UNDER_REVIEW, S.REVIEWED, S.SELECTED, S.NOT_SELECTED,
                              S.PUBLISHED}),
    "reviewed": frozenset({S.REVIEWED, S.SELECTED, S.NOT_SELECTED, S.PUBLISHED}),
    "selected": frozenset({S.SELECTED, S.PUBLISHED}),
}
STAGES = tuple(REACHED)
STAGE_LABELS = {"submitted": _l("Submitted"), "recommended": _l("Recommended"),
                "reviewed": _l("Reviewed"), "selected": _l("Selected")}
DIMENSIONS = {"province": _l("Province"), "unit": _l("Recommending unit"), "theme": _l("Theme"),
              "org_type": _l("Organization type")}


@dataclass(frozen=True)
class CaseFacts:
    """What the statistics need of one case (plain data)."""
    state: CaseState
    province: str
    unit: str          # "" for direct submission
    themes: tuple
    org_type: str


@dataclass
class Row:
    key: str
    label: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(STAGES, 0))


def stages_of(state):
    return [stage for stage, states in REACHED.items() if state in states]


def _keys(facts, dimension):
    if dimension == "theme":
        return facts.themes or ("",)
    return (getattr(facts, dimension),)


def tabulate(all_facts, dimension, label_of=lambda key: key, order=None):
    """Rows (one per value of `dimension`) counting the cases at each stage; drafts are left out."""
    rows = {}
    for facts in all_facts:
        reached = stages_of(facts.state)
        if not reached:
            continue
        for key in _keys(facts, dimension):
            row = rows.setdefault(key, Row(key, label_of(key)))
            for stage in reached:
                row.counts[stage] += 1
    position = {key: index for index, key in enumerate(order or ())}
    return sorted(rows.values(), key=lambda row: (row.key == "", position.get(row.key, len(position)),
                                                  -row.counts["submitted"], row.label))


def totals(all_facts):
    counts = dict.fromkeys(STAGES, 0)
    for facts in all_facts:
        for stage in stages_of(facts.state):
            counts[stage] += 1
    return counts


def facts_of(campaign):
    """CaseFacts of every case of the campaign, and the labels of units and themes."""
    cases = db.session.scalars(db.select(Case).filter(Case.campaign_id == campaign.id)).all()
    units = {}
    themes = {}
    facts = []
    for case in cases:
        if case.unit is not None:
            units[str(case.unit_id)] = pick(case.unit.name_zh, case.unit.name_en)
        for theme in case.themes:
            themes[str(theme.id)] = pick(theme.name_zh, theme.name_en)
        facts.append(CaseFacts(case.state, case.organization.province,
                               str(case.unit_id) if case.unit_id else "",
                               tuple(str(theme.id) for theme in case.themes), case.organization.org_type))
    theme_order = [str(theme.id) for theme in campaign.themes]
    return facts, units, themes, theme_order


def _labeller(names, missing_label):
    return lambda key: names(key) if key else str(missing_label)


def campaign_statistics(campaign):
    """{"totals": {...}, "tables": [(dimension, label, [Row])]} for the campaign."""
    facts, units, themes, theme_order = facts_of(campaign)
    missing = {"province": _l("Unknown"), "unit": _l("Direct submission"), "theme": _l("No theme"),
               "org_type": _l("Unknown")}

    tables = []
    for dimension, label in DIMENSIONS.items():
        names, order = {
            "province": (lambda key: str(province_label(key)) or key, [code for code, _zh, _en in PROVINCES]),
            "unit": (lambda key: units.get(key, key), sorted(units, key=units.get)),
            "theme": (lambda key: themes.get(key, key), theme_order),
            "org_type": (lambda key: str(org_type_label(key)) or key, [code for code, _l_ in ORG_TYPES]),
        }[dimension]
        rows = tabulate(facts, dimension, _labeller(names, missing[dimension]), order)
        tables.append((dimension, label, rows))
    return {"totals": totals(facts), "tables": tables}
