"""Expert profiles name their themes of expertise in Chinese, as campaigns name them, so that
expertise carries over from year to year. When an administrator renames a campaign's theme,
the profiles that named it follow, or the experts would silently lose their affinity for it."""
from sqlalchemy import select

from ..extensions import db
from .models import ExpertProfile


def follow_theme_renames(renames):
    """Apply {old Chinese name: new one} to every profile that names an old one. The old name
    stays too while another campaign still has a theme called so (the profile is shared)."""
    from ..campaigns.models import Theme  # campaigns call this module: import late

    renames = {old: new for old, new in renames.items() if old and new and old != new}
    if not renames:
        return 0
    db.session.flush()
    still_used = set(db.session.scalars(select(Theme.name_zh).where(Theme.name_zh.in_(renames))))
    changed = 0
    for profile in db.session.scalars(select(ExpertProfile)):
        themes = list(profile.themes or [])
        if not any(name in renames for name in themes):
            continue
        updated = []
        for name in themes:
            if name in renames and name not in still_used:
                name = renames[name]
            updated.append(name)
        updated += [renames[name] for name in themes if name in renames and name in still_used]
        profile.themes = list(dict.fromkeys(updated))
        changed += 1
    return changed
