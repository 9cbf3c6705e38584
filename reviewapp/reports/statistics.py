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
    rows, stages = {}, {}
    for facts in all_facts:
        reached = stages.get(facts.state)
        if reached is None:
            reached = stages[facts.state] = stages_of(facts.state)
        if not reached:
            continue
        for key in _keys(facts, dimension):
            row = rows.get(key)
            if row is None:  # each label is made once, not once per case (5,000 translations)
                row = rows[key] = Row(key, label_of(key))
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
    """CaseFacts of every case of the campaign, and the labels of units and themes.
    Three queries of plain columns, whatever the number of cases (reading them as Case
    objects loaded each one's organization, unit and themes one by one: 5 s for 5,000)."""
    from ..campaigns.models import Theme
    from ..cases.models import case_themes
    from ..organizations.models import Organization
    from ..units.models import RecommendingUnit

    rows = db.session.execute(
        db.select(Case.id, Case.state, Case.unit_id, Organization.province, Organization.org_type)
        .join(Organization, Case.organization_id == Organization.id)
        .filter(Case.campaign_id == campaign.id).order_by(Case.id)).all()
    themes_of = {}
    for case_id, theme_id in db.session.execute(
            db.select(case_themes.c.case_id, case_themes.c.theme_id)
            .join(Theme, Theme.id == case_themes.c.theme_id).join(Case, Case.id == case_themes.c.case_id)
            .filter(Case.campaign_id == campaign.id).order_by(Theme.position)):
        themes_of.setdefault(case_id, []).append(str(theme_id))
    unit_ids = {row.unit_id for row in rows if row.unit_id is not None}
    units = {str(unit.id): pick(unit.name_zh, unit.name_en) for unit in db.session.execute(
        db.select(RecommendingUnit.id, RecommendingUnit.name_zh, RecommendingUnit.name_en)
        .filter(RecommendingUnit.id.in_(unit_ids)))} if unit_ids else {}
    used = {theme for ids in themes_of.values() for theme in ids}
    themes = {str(theme.id): pick(theme.name_zh, theme.name_en) for theme in campaign.themes if str(theme.id) in used}
    facts = [CaseFacts(row.state, row.province, str(row.unit_id) if row.unit_id else "",
                       tuple(themes_of.get(row.id, ())), row.org_type) for row in rows]
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
