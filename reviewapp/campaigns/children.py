"""A campaign's themes and rubric criteria, edited in place.

Rows keep their ids across saves: cases link to themes (case_themes) and
reviews score criteria by key, so a save that rebuilt the rows would drop
every case's themes. A theme that cases use is removed only by moving its
cases into another theme; a criterion that reviews score keeps its key and
cannot be removed.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, literal, select

from ..experts.themes import follow_theme_renames
from ..extensions import db
from .models import Criterion, Theme

CRITERION_FIELDS = ("key", "name_zh", "name_en", "weight", "description_zh", "description_en", "levels")


class ChildRefused(Exception):
    def __init__(self, message, field):
        super().__init__(str(message))
        self.message, self.field = message, field


def _case_themes():
    from ..cases.models import case_themes  # cases import campaigns: import late
    return case_themes


def cases_with_theme(theme_id):
    links = _case_themes()
    return db.session.scalar(select(func.count()).select_from(links).where(links.c.theme_id == theme_id))


def _rows_by_id(rows, saved):
    by_id = {row.id: row for row in saved}
    return [(by_id.pop(row["id"], None), row) for row in rows], by_id


def apply_themes(campaign, rows):
    """Make campaign.themes match `rows` ({id, name_zh, name_en, merge_into}; a blank row with
    an id removes that theme); return the merges made as [{from, into, cases}]."""
    matched, missing = _rows_by_id(rows, campaign.themes)
    kept = [(theme, row) for theme, row in matched if row["name_zh"] or row["name_en"]]
    removed = [(theme, row["merge_into"]) for theme, row in matched
               if theme is not None and not (row["name_zh"] or row["name_en"])]
    removed += [(theme, None) for theme in missing.values()]
    targets = {theme.id: theme for theme, _row in kept if theme is not None}
    moves = []
    for theme, target_id in removed:
        count = cases_with_theme(theme.id)
        if count and target_id is None:
            raise ChildRefused(_l("“%(theme)s” is the theme of %(count)d cases, so it cannot be removed. Keep it, "
                                  "or choose under “If removed, move its cases to” the theme they should move to.",
                                  theme=theme.name, count=count), "themes")
        if count and target_id not in targets:
            raise ChildRefused(_l("The cases of “%(theme)s” can only move to a theme that stays.",
                                  theme=theme.name), "themes")
        moves.append((theme, targets.get(target_id), count))
    merges = [_merge(theme, target, count) for theme, target, count in moves]
    themes, renames = [], {}
    for position, (theme, row) in enumerate(kept):
        if theme is not None and theme.name_zh != row["name_zh"]:
            renames[theme.name_zh] = row["name_zh"]
        theme = theme or Theme()
        theme.position, theme.name_zh, theme.name_en = position, row["name_zh"], row["name_en"]
        themes.append(theme)
    campaign.themes = themes
    follow_theme_renames(renames)
    return [merge for merge in merges if merge]


def _merge(theme, target, count):
    """Link the theme's cases to `target` (once each), then drop the theme's links."""
    links = _case_themes()
    if count:
        already = select(links.c.case_id).where(links.c.theme_id == target.id)
        db.session.execute(insert(links).from_select(
            ["case_id", "theme_id"], select(links.c.case_id, literal(target.id)).where(
                links.c.theme_id == theme.id, links.c.case_id.not_in(already))))
    db.session.execute(delete(links).where(links.c.theme_id == theme.id))
    return {"from": theme.name_zh, "into": target.name_zh, "cases": count} if count else None


def reviews_scoring(campaign, key):
    """How many of the campaign's reviews (drafts included) hold a score under `key`."""
    from ..assignment.models import ReviewAssignment
    from ..review.models import Review
    scores = db.session.scalars(
        select(Review.scores).join(ReviewAssignment, Review.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.campaign_id == campaign.id))
    return sum(1 for values in scores if (values or {}).get(key) is not None)


def apply_criteria(campaign, rows):
    """Make campaign.criteria match `rows` (dicts of CRITERION_FIELDS plus id), in place."""
    matched, missing = _rows_by_id(rows, campaign.criteria)
    for criterion, row in matched:
        renamed = criterion is not None and criterion.key != row["key"]
        if renamed and (count := reviews_scoring(campaign, criterion.key)):
            raise ChildRefused(_l("The key of “%(name)s” cannot change: %(count)d reviews score against it.",
                                  name=criterion.name, count=count), "criteria")
    for criterion in missing.values():
        if count := reviews_scoring(campaign, criterion.key):
            raise ChildRefused(_l("“%(name)s” cannot be removed: %(count)d reviews score against it.",
                                  name=criterion.name, count=count), "criteria")
    criteria = []
    for position, (criterion, row) in enumerate(matched):
        criterion = criterion or Criterion()
        criterion.position = position
        for name in CRITERION_FIELDS:
            setattr(criterion, name, row[name])
        criteria.append(criterion)
    campaign.criteria = criteria


def themes_snapshot(campaign):
    return [[t.id, t.name_zh, t.name_en] for t in campaign.themes]


def criteria_snapshot(campaign):
    return [[c.id, c.key, c.name_zh, c.name_en, str(c.weight), c.description_zh, c.description_en, c.levels]
            for c in campaign.criteria]
