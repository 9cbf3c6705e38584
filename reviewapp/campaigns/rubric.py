"""The default rubric (seed 000's four criteria) and the text form of levels.

Levels are edited as one line per score band: `min-max | 中文 | English`.
"""
from flask_babel import lazy_gettext as _l

DEFAULT_LEVELS = [
    {"min": 0, "max": 3, "zh": "薄弱：基本未体现", "en": "Weak: barely shown"},
    {"min": 4, "max": 6, "zh": "一般：有所体现但不突出", "en": "Fair: shown but not outstanding"},
    {"min": 7, "max": 8, "zh": "良好：体现充分，有亮点", "en": "Good: well shown, with highlights"},
    {"min": 9, "max": 10, "zh": "优秀：示范性强，可复制推广", "en": "Excellent: a model others can replicate"},
]

DEFAULT_CRITERIA = [
    {"key": "organization", "name_zh": "组织健全", "name_en": "Sound organization",
     "description_zh": "组织机构和志愿者队伍健全，管理制度完善。",
     "description_en": "Sound organization and volunteer team, with clear rules of management."},
    {"key": "regularity", "name_zh": "活动经常", "name_en": "Regular activities",
     "description_zh": "志愿服务活动经常开展，持续稳定。",
     "description_en": "Volunteer activities are held often and sustained over time."},
    {"key": "innovation", "name_zh": "形式创新", "name_en": "Innovative forms",
     "description_zh": "服务形式和内容有创新，贴近群众需求。",
     "description_en": "Innovative forms and content that meet people's fitness needs."},
    {"key": "influence", "name_zh": "影响广泛", "name_en": "Wide influence",
     "description_zh": "典型突出，具有一定社会影响力，经验可借鉴、可复制、可推广。",
     "description_en": "A prominent model with social influence and experience that can be replicated."},
]


class LevelsError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def levels_to_text(levels):
    return "\n".join(f"{lv['min']}-{lv['max']} | {lv.get('zh', '')} | {lv.get('en', '')}"
                     for lv in levels)


def parse_levels(text, score_min, score_max):
    """Parse level lines; raise LevelsError naming the first bad line."""
    levels = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        try:
            low, high = (int(x) for x in parts[0].split("-", 1))
        except ValueError:
            raise LevelsError(_l("Line %(n)d: start with a score range such as 7-8.", n=number))
        if len(parts) != 3 or not (parts[1] or parts[2]):
            raise LevelsError(_l("Line %(n)d: write “range | 中文 | English”.", n=number))
        if not score_min <= low <= high <= score_max:
            raise LevelsError(_l("Line %(n)d: the range must lie within the scale %(lo)d–%(hi)d.",
                                 n=number, lo=score_min, hi=score_max))
        levels.append({"min": low, "max": high, "zh": parts[1], "en": parts[2]})
    levels.sort(key=lambda lv: lv["min"])
    for before, after in zip(levels, levels[1:]):
        if after["min"] <= before["max"]:
            raise LevelsError(_l("Score bands overlap at %(score)d.", score=after["min"]))
    return levels
