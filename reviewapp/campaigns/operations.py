"""Creating and editing campaigns. Operations flush; the caller commits."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..audit import record
from ..extensions import db
from ..input_limits import parse_id
from ..timezones import local_to_utc, utc_to_local
from .children import ChildRefused, apply_criteria, apply_themes, criteria_snapshot, themes_snapshot
from .models import Campaign
from .rubric import DEFAULT_CRITERIA, DEFAULT_LEVELS, levels_to_text, parse_levels

WINDOW_FIELDS = ("submission_opens", "submission_closes", "recommendation_closes",
                 "review_opens", "review_closes")
PLAIN_FIELDS = ("year", "slug", "title_zh", "title_en", "call_text_zh", "call_text_en",
                "timezone", "reviewers_per_case", "selection_quota", "unit_quota",
                "allow_direct_submission", "allow_withdraw", "bidding_enabled", "score_min", "score_max")


class CampaignConflict(Exception):
    """Someone else saved the campaign since this form was opened."""

    message = _l("Someone else changed this campaign while you were editing. Your changes were not "
                 "saved; they are still in the form below. Reload the page to see the other changes.")


class CampaignError(Exception):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def _id(value):
    return parse_id(str(value or ""))


def values_from_form(form):
    """Plain values from a validated CampaignForm; window times become UTC."""
    data = {name: getattr(form, name).data for name in PLAIN_FIELDS}
    for name in WINDOW_FIELDS:
        data[name] = local_to_utc(getattr(form, name).data, form.timezone.data)
    data["themes"] = [
        {"id": _id(t.id.data), "name_zh": (t.name_zh.data or "").strip(), "name_en": (t.name_en.data or "").strip(),
         "merge_into": _id(t.merge_into.data)} for t in (entry.form for entry in form.themes.entries)]
    data["criteria"] = [
        {"id": _id(c.id.data), "key": c.key.data, "name_zh": c.name_zh.data, "name_en": c.name_en.data,
         "weight": c.weight.data, "description_zh": c.description_zh.data or "",
         "description_en": c.description_en.data or "",
         "levels": parse_levels(c.levels.data, data["score_min"], data["score_max"])}
        for c in (entry.form for entry in form.criteria.entries) if not c.is_blank()]
    return data


def form_data_from_campaign(campaign):
    """The values a CampaignForm starts with when editing `campaign`."""
    data = {name: getattr(campaign, name) for name in PLAIN_FIELDS}
    for name in WINDOW_FIELDS:
        data[name] = utc_to_local(getattr(campaign, name), campaign.timezone).replace(tzinfo=None)
    data["version"] = campaign.version
    data["themes"] = [{"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en} for t in campaign.themes]
    data["criteria"] = [
        {"id": c.id, "key": c.key, "name_zh": c.name_zh, "name_en": c.name_en, "weight": c.weight,
         "description_zh": c.description_zh, "description_en": c.description_en,
         "levels": levels_to_text(c.levels)} for c in campaign.criteria]
    return data


def default_criteria_form_data():
    return [dict(c, weight=Decimal(1), levels=levels_to_text(DEFAULT_LEVELS)) for c in DEFAULT_CRITERIA]


def _check_slug(slug, campaign=None):
    other = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
    if other is not None and other is not campaign:
        raise CampaignError(_l("Another campaign already uses this short name."), field="slug")


def _same_minute(saved, typed):
    """The form shows minutes: an instant with seconds (from the seed or an import) is kept
    when the admin left its minute as it was."""
    return saved is not None and typed is not None and saved.replace(second=0, microsecond=0) == typed


def _apply(campaign, values):
    """Set the campaign's fields; edit its themes and criteria in place (their ids stay)."""
    for name in PLAIN_FIELDS:
        setattr(campaign, name, values[name])
    for name in WINDOW_FIELDS:
        if not _same_minute(getattr(campaign, name), values[name]):
            setattr(campaign, name, values[name])
    try:
        merges = apply_themes(campaign, values["themes"])
        apply_criteria(campaign, values["criteria"])
    except ChildRefused as refusal:
        raise CampaignError(refusal.message, field=refusal.field)
    return merges


def create_campaign(actor, values):
    _check_slug(values["slug"])
    campaign = Campaign()
    _apply(campaign, values)
    db.session.add(campaign)
    db.session.flush()
    record(actor, "campaign.created", campaign, changes={"slug": campaign.slug})
    return campaign


def _snapshot(campaign):
    snapshot = {name: getattr(campaign, name) for name in PLAIN_FIELDS}
    snapshot.update({name: getattr(campaign, name).isoformat() for name in WINDOW_FIELDS})
    snapshot["themes"] = themes_snapshot(campaign)
    snapshot["criteria"] = criteria_snapshot(campaign)
    return snapshot


def update_campaign(actor, campaign, values, expected_version):
    """Apply `values` unless the campaign changed since `expected_version`."""
    if str(campaign.version) != str(expected_version):
        raise CampaignConflict()
    _check_slug(values["slug"], campaign)
    before = _snapshot(campaign)
    merges = _apply(campaign, values)
    after = _snapshot(campaign)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if merges:
        changes["merged_themes"] = merges
    if changes and not db.session.is_modified(campaign, include_collections=False):
        flag_modified(campaign, "title_zh")  # a theme or criterion edit moves the version too
    try:
        db.session.flush()
    except StaleDataError:
        raise CampaignConflict()
    after = _snapshot(campaign)  # new rows have their ids now
    changes.update({k: [before[k], after[k]] for k in ("themes", "criteria") if k in changes})
    if changes:
        record(actor, "campaign.updated", campaign, changes=changes)
    return campaign
