"""The world the unchanged re-save test walks: the access matrix's world (tests/security/world.py)
plus what edit forms need: an open campaign (bidding on) with a draft and a returned case of
org_a (themes, activities, a photo and a link), a submitted case for the Beijing unit, a
recommended one the expert has bid on, a draft review, an expert profile with themes, a
foreword, and multi-line text saved with bare LF (as seeds and imports write it; browsers send
CRLF back)."""
from datetime import datetime, timezone

from reviewapp.extensions import db
from tests.factories import make_campaign
from tests.security import world as security


def _row(snapshot_row, table):
    return {column.name: snapshot_row._mapping[column.name] for column in table.columns}


def build_resave_world(app):
    from reviewapp.assignment.affinity import Bid as BidLevel
    from reviewapp.campaigns.models import Theme
    from reviewapp.experts.models import Bid
    from reviewapp.cases.workflow import CaseState
    from reviewapp.review.models import Review, ReviewStatus

    w = security.build_world(app)
    w.open_campaign = make_campaign(
        year=2027, slug="2027", title_zh="2027年征集", title_en="2027 call", bidding_enabled=True,
        call_text_zh="第一段\n第二段", themes=[Theme(position=0, name_zh="体医融合", name_en="Sports and medicine"),
                                          Theme(position=1, name_zh="乡村振兴", name_en="Rural revitalization")])
    org_a = w.users["org_a"].organization
    w.draft, w.draft_photo, w.draft_activity = security._case(w.open_campaign, org_a, w.unit_beijing, "草稿案例")
    w.returned, _photo, _activity = security._case(w.open_campaign, org_a, w.unit_beijing, "退回案例")
    w.submitted, _photo, _activity = security._case(w.open_campaign, org_a, w.unit_beijing, "已提交案例")
    w.recommended, _photo, _activity = security._case(w.open_campaign, org_a, w.unit_beijing, "已推荐案例")
    w.recommended.state = CaseState.RECOMMENDED
    db.session.add(Bid(case_id=w.recommended.id, expert_id=w.users["expert_assigned"].id, level=BidLevel.EAGER))
    w.draft.state, w.draft.submitted_at = CaseState.DRAFT, None
    w.draft.summary = "第一行\n第二行"
    w.returned.state, w.submitted.state = CaseState.RETURNED, CaseState.SUBMITTED
    w.campaign.foreword_zh, w.campaign.foreword_en = "序言\n第二段", "Foreword\nsecond paragraph"
    w.profile_assigned.themes = ["体医融合"]
    db.session.add(Review(assignment_id=w.assignment_a.id, status=ReviewStatus.DRAFT,
                          scores={"organization": 7, "innovation": 8}, comments={"organization": "分工明确\n制度健全"},
                          overall_comment="总体良好", confidence="medium",
                          updated_at=datetime.now(timezone.utc)))
    db.session.commit()
    return w


# Which case (and its children) a page of each blueprint edits; each is tried in turn.
CASE_VARIANTS = {
    "cases.": lambda w: [(w.draft, w.draft_photo, w.draft_activity), (w.returned, None, None)],
    "recommendation.": lambda w: [(w.submitted, None, None)],
}


def url_variants(w, rule):
    """The URL values to open `rule` with: the access matrix's, or one per case of CASE_VARIANTS."""
    base = security.url_values(w, rule)
    for prefix, cases in CASE_VARIANTS.items():
        if rule.endpoint.startswith(prefix) and "case_id" in rule.arguments:
            variants = []
            for case, photo, activity in cases(w):
                values = {**base, "case_id": case.id}
                if "evidence_id" in values:
                    values["evidence_id"] = (photo or case.evidence[0]).id
                if "activity_id" in values:
                    values["activity_id"] = (activity or case.activities[0]).id
                variants.append(values)
            return variants
    if rule.endpoint.startswith("campaigns.") and "campaign_id" in rule.arguments:
        return [base, {**base, "campaign_id": w.open_campaign.id}]
    return [base]


# ---- every table's rows -----------------------------------------------------------

# Columns a save may move without changing anything a person saved.
def _ignored_columns(table):
    versions = set()
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table and mapper.version_id_col is not None:
            versions.add(mapper.version_id_col.name)
    return versions | {column.name for column in table.columns if column.onupdate is not None}


SKIPPED_TABLES = {"audit_entries"}  # an audit entry per save is allowed


def snapshot():
    """{table: {primary key: {column: value}}} of every table, without the ignored columns."""
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            ignored = _ignored_columns(table)
            key = [column.name for column in table.primary_key.columns]
            rows = {}
            for row in connection.execute(table.select()):
                values = _row(row, table)
                rows[tuple(values[k] for k in key)] = {k: v for k, v in values.items() if k not in ignored}
            tables[table.name] = rows
    return tables


def differences(before, after):
    """Readable lines: rows added, removed, and each changed column (before → after)."""
    lines = []
    for name, rows in after.items():
        old = before.get(name, {})
        lines += [f"{name}: row {key} added: {rows[key]}" for key in rows.keys() - old.keys()]
        lines += [f"{name}: row {key} removed: {old[key]}" for key in old.keys() - rows.keys()]
        for key in rows.keys() & old.keys():
            lines += [f"{name} {key}.{column}: {old[key][column]!r} → {value!r}"
                      for column, value in rows[key].items() if old[key][column] != value]
    return sorted(lines)
