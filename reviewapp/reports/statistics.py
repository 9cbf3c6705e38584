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
class Group:
    """The number of a campaign's cases in one state sharing one value of a dimension (plain data)."""
    state: CaseState
    key: str           # the dimension's value; "" for none (direct submission, no theme)
    count: int


@dataclass
class Row:
    key: str
    label: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(STAGES, 0))


def stages_of(state):
    return [stage for stage, states in REACHED.items() if state in states]


def tabulate(groups, label_of=lambda key: key, order=None):
    """Rows (one per key of `groups`) counting the cases at each stage; drafts are left out."""
    rows = {}
    for group in groups:
        reached = stages_of(group.state)
        if not reached:
            continue
        row = rows.get(group.key)
        if row is None:  # each label is made once
            row = rows[group.key] = Row(group.key, label_of(group.key))
        for stage in reached:
            row.counts[stage] += group.count
    position = {key: index for index, key in enumerate(order or ())}
    return sorted(rows.values(), key=lambda row: (row.key == "", position.get(row.key, len(position)),
                                                  -row.counts["submitted"], row.label))


def totals(groups):
    """The cases at each stage, from the groups of one dimension that counts every case once."""
    counts = dict.fromkeys(STAGES, 0)
    for group in groups:
        for stage in stages_of(group.state):
            counts[stage] += group.count
    return counts


def groups_of(campaign):
    """{dimension: [Group]} of the campaign's submitted cases, counted by the database: two
    GROUP BY queries of a few dozen rows, whatever the number of cases (reading every case's
    facts and counting them here cost 50 ms a view at 5,000 cases)."""
    from ..cases.models import case_themes
    from ..organizations.models import Organization

    submitted = (Case.campaign_id == campaign.id, Case.state != S.DRAFT)
    by_case = db.session.execute(
        db.select(Case.state, Case.unit_id, Organization.province, Organization.org_type, db.func.count())
        .join(Organization, Case.organization_id == Organization.id).filter(*submitted)
        .group_by(Case.state, Case.unit_id, Organization.province, Organization.org_type)).all()
    # A case counts under each of its themes; one without a theme under "" (the outer join's NULL).
    by_theme = db.session.execute(
        db.select(Case.state, case_themes.c.theme_id, db.func.count())
        .outerjoin(case_themes, case_themes.c.case_id == Case.id).filter(*submitted)
        .group_by(Case.state, case_themes.c.theme_id)).all()
    return {
        "province": [Group(state, province or "", n) for state, _unit, province, _type, n in by_case],
        "unit": [Group(state, str(unit) if unit else "", n) for state, unit, _province, _type, n in by_case],
        "theme": [Group(state, str(theme) if theme else "", n) for state, theme, n in by_theme],
        "org_type": [Group(state, org_type or "", n) for state, _unit, _province, org_type, n in by_case],
    }


def _unit_names(groups):
    from ..units.models import RecommendingUnit

    unit_ids = {int(group.key) for group in groups if group.key}
    return {str(unit.id): pick(unit.name_zh, unit.name_en) for unit in db.session.execute(
        db.select(RecommendingUnit.id, RecommendingUnit.name_zh, RecommendingUnit.name_en)
        .filter(RecommendingUnit.id.in_(unit_ids)))} if unit_ids else {}


def _labeller(names, missing_label):
    return lambda key: names(key) if key else str(missing_label)


def campaign_statistics(campaign):
    """{"totals": {...}, "tables": [(dimension, label, [Row])]} for the campaign."""
    groups = groups_of(campaign)
    units = _unit_names(groups["unit"])
    themes = {str(theme.id): pick(theme.name_zh, theme.name_en) for theme in campaign.themes}
    missing = {"province": _l("Unknown"), "unit": _l("Direct submission"), "theme": _l("No theme"),
               "org_type": _l("Unknown")}

    tables = []
    for dimension, label in DIMENSIONS.items():
        names, order = {
            "province": (lambda key: str(province_label(key)) or key, [code for code, _zh, _en in PROVINCES]),
            "unit": (lambda key: units.get(key, key), sorted(units, key=units.get)),
            "theme": (lambda key: themes.get(key, key), [str(theme.id) for theme in campaign.themes]),
            "org_type": (lambda key: str(org_type_label(key)) or key, [code for code, _l_ in ORG_TYPES]),
        }[dimension]
        rows = tabulate(groups[dimension], _labeller(names, missing[dimension]), order)
        tables.append((dimension, label, rows))
    return {"totals": totals(groups["unit"]), "tables": tables}
