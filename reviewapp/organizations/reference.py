"""Reference lists: organization types (seed 000) and provinces."""
from flask_babel import lazy_gettext as _l

from ..i18n import pick

ORG_TYPES = [
    ("sports_association", _l("Individual sports association")),
    ("mass_sports_association", _l("Mass sports association")),
    ("instructors_association", _l("Social sports instructors association")),
    ("other_sports_organization", _l("Other sports social organization")),
    ("volunteer_association", _l("Volunteer association or volunteer service federation")),
    ("civilization_practice_team", _l("Fitness volunteer team of a New Era Civilization Practice Center")),
    ("school_group", _l("School volunteer group")),
    ("government_group", _l("Volunteer group of a government organ or institution")),
    ("enterprise_group", _l("Enterprise volunteer group")),
    ("other_social_group", _l("Other social group")),
    ("social_service_organization", _l("Social service organization")),
    ("foundation", _l("Foundation")),
]
ORG_TYPE_LABELS = dict(ORG_TYPES)

# code, Chinese, English: the 31 provincial-level divisions of the mainland
# plus the Xinjiang Production and Construction Corps, which reports as one.
PROVINCES = [
    ("beijing", "北京", "Beijing"), ("tianjin", "天津", "Tianjin"),
    ("hebei", "河北", "Hebei"), ("shanxi", "山西", "Shanxi"),
    ("inner_mongolia", "内蒙古", "Inner Mongolia"), ("liaoning", "辽宁", "Liaoning"),
    ("jilin", "吉林", "Jilin"), ("heilongjiang", "黑龙江", "Heilongjiang"),
    ("shanghai", "上海", "Shanghai"), ("jiangsu", "江苏", "Jiangsu"),
    ("zhejiang", "浙江", "Zhejiang"), ("anhui", "安徽", "Anhui"),
    ("fujian", "福建", "Fujian"), ("jiangxi", "江西", "Jiangxi"),
    ("shandong", "山东", "Shandong"), ("henan", "河南", "Henan"),
    ("hubei", "湖北", "Hubei"), ("hunan", "湖南", "Hunan"),
    ("guangdong", "广东", "Guangdong"), ("guangxi", "广西", "Guangxi"),
    ("hainan", "海南", "Hainan"), ("chongqing", "重庆", "Chongqing"),
    ("sichuan", "四川", "Sichuan"), ("guizhou", "贵州", "Guizhou"),
    ("yunnan", "云南", "Yunnan"), ("tibet", "西藏", "Tibet"),
    ("shaanxi", "陕西", "Shaanxi"), ("gansu", "甘肃", "Gansu"),
    ("qinghai", "青海", "Qinghai"), ("ningxia", "宁夏", "Ningxia"),
    ("xinjiang", "新疆", "Xinjiang"), ("xpcc", "新疆生产建设兵团", "Xinjiang Production and Construction Corps"),
]
_PROVINCE_NAMES = {code: (zh, en) for code, zh, en in PROVINCES}
PROVINCE_CODES = [code for code, _zh, _en in PROVINCES]


def province_label(code):
    names = _PROVINCE_NAMES.get(code)
    return pick(*names) if names else ""


def province_choices():
    return [(code, pick(zh, en)) for code, zh, en in PROVINCES]


def org_type_label(code):
    return ORG_TYPE_LABELS.get(code, "")


def org_type_choices():
    return [(code, label) for code, label in ORG_TYPES]


def province_of_unit_name(name_en):
    """The province code a provincial bureau's English name refers to, or None."""
    lowered = name_en.lower()
    for code, _zh, en in PROVINCES:
        if lowered.startswith(en.lower() + " "):
            return code
    return None
