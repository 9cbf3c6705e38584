"""China's provinces, cities and counties, as the blind copy needs them: which ones an
organization's name starts with, and every way people write the applicant's own.

The table (regions.csv, written by scripts/region_table.py from the administrative
division codes) gives each region a six-digit code: the first two digits name the
province, the first four the city. Short forms drop the suffix (朝阳区 -> 朝阳,
恩施土家族苗族自治州 -> 恩施); pinyin spellings (Chaoyang, Chao Yang) come from pypinyin
with every reading of each character, so 朝 gives both chao and zhao.
"""
import csv
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..organizations.reference import PROVINCES

_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区",
    "新区", "省", "市", "区", "县", "旗", "盟",
)  # fmt: skip
# 恩施土家族苗族自治州 -> 恩施: the peoples named before an autonomous suffix.
_PEOPLES = re.compile(r"(?:[\u4e00-\u9fff]{1,3}?族)+$")
# District short forms that are ordinary words: hidden only with their suffix (和平区, not 和平).
ORDINARY_WORDS = frozenset({
    "和平", "新华", "城关", "中山", "长安", "红旗", "解放", "人民", "胜利", "文化", "东方", "光明", "新城",
    "城区", "郊区", "矿区", "高新", "开发", "市中", "城中", "城东", "城西", "城南", "城北", "东区", "西区",
    "南区", "北区", "中区", "江北", "江南", "河东", "河西", "白云", "青山", "海港", "永定", "新兴", "龙华",
    "向阳", "前进", "金山", "普陀", "宝山", "铁东", "铁西", "平安", "吉利", "安定", "太平", "大同", "友好",
    "双桥", "东风", "团结", "建设", "新市", "海洋", "阳光", "和谐", "幸福", "五一",
})  # fmt: skip
_PROVINCE_ENGLISH = {zh: en for _code, zh, en in PROVINCES}
# Places whose usual English name is not their pinyin.
_CONVENTIONAL_ENGLISH = {
    "呼和浩特": "Hohhot", "拉萨": "Lhasa", "乌鲁木齐": "Urumqi", "哈尔滨": "Harbin", "香港": "Hong Kong",
    "澳门": "Macau", "喀什": "Kashgar", "日喀则": "Shigatse", "鄂尔多斯": "Ordos", "锡林郭勒": "Xilingol",
    "呼伦贝尔": "Hulunbuir", "伊犁哈萨克": "Ili", "伊犁": "Ili", "和田": "Hotan", "阿克苏": "Aksu", "吐鲁番": "Turpan",
    "库尔勒": "Korla", "克拉玛依": "Karamay", "林芝": "Nyingchi", "昌都": "Qamdo", "那曲": "Nagqu", "阿里": "Ngari",
    "格尔木": "Golmud", "阿勒泰": "Altay", "博尔塔拉蒙古": "Bortala", "巴音郭楞蒙古": "Bayingolin", "西安": "Xi'an",
}  # fmt: skip
_PROVINCE_BY_CODE = {code: zh for code, zh, _en in PROVINCES}


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def level(self):
        """1 province, 2 city (or prefecture), 3 county or district."""
        return 1 if self.code.endswith("0000") else 2 if self.code.endswith("00") else 3

    @property
    def short(self):
        return short_name(self.name)


def short_name(name):
    """The name without its administrative suffix, or the name when that leaves under two characters."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            core = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix.endswith("族自治区"):
                core = _PEOPLES.sub("", core) or core
            return core if len(core) >= 2 else name
    return name


def load_tables():
    """Build the lookup tables now (a job worker does, before it forks: see jobs/worker.py)."""
    _by_code(), _by_form()


@lru_cache(maxsize=1)
def _table():
    path = Path(__file__).with_name("regions.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(Region(row["code"], row["name"]) for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def _by_code():
    return {region.code: region for region in _table()}


@lru_cache(maxsize=1)
def _by_form():
    """{full or short form: [Region]}."""
    forms = {}
    for region in _table():
        for form in {region.name, region.short}:
            forms.setdefault(form, []).append(region)
    return forms


def province_region(province_code):
    """The Region of an organization's province code ('beijing'), or None."""
    zh = _PROVINCE_BY_CODE.get(province_code or "")
    if not zh:
        return None
    return next((r for r in _table() if r.level == 1 and r.name.startswith(zh)), None)


def parents(region):
    """The region and the city and province it lies in, outermost first."""
    chain = [_by_code().get(region.code[:2] + "0000"), _by_code().get(region.code[:4] + "00"), region]
    out = []
    for item in chain:
        if item is not None and item not in out:
            out.append(item)
    return out


def _inside(region, outer):
    if outer is None:
        return True
    prefix = outer.code[:2] if outer.level == 1 else outer.code[:4]
    return region.code.startswith(prefix) and region.level > outer.level


def leading_regions(name, province_code=None):
    """The regions a name starts with, outermost first, and the rest of the name.

    '北京市朝阳区社会体育指导员协会' -> ([北京市, 朝阳区], '社会体育指导员协会'); short forms count too
    (北京朝阳…). Each next region must lie inside the previous one, and the first inside the
    organization's province when it is known."""
    found, rest = [], name
    scope = province_region(province_code)
    while rest:
        best = None
        for length in range(min(len(rest), 12), 1, -1):
            candidates = _by_form().get(rest[:length], [])
            outer = found[-1] if found else None
            fitting = [r for r in candidates if _inside(r, outer) and (found or scope is None or r == scope
                                                                       or _inside(r, scope))]
            if fitting:
                best = (length, min(fitting, key=lambda r: r.level))
                break
        if best is None or best[0] >= len(rest):
            break
        found.append(best[1])
        rest = rest[best[0]:]
    return found, rest


def _pinyin_readings(text, limit=8):
    from pypinyin import Style, pinyin
    syllables = pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")
    if len(syllables) != len(text):
        return []
    return [list(combo) for combo in itertools.islice(itertools.product(*syllables), limit)]


def pinyin_forms(text):
    """Spellings of a Chinese name in pinyin: each reading as syllable lists ('chao', 'yang')."""
    return _pinyin_readings(text)


@dataclass(frozen=True)
class RegionForms:
    """Everything that names one region: Chinese forms and pinyin/English ones (as syllable tuples or words)."""

    region: Region
    chinese: tuple
    latin: tuple


def region_forms(region):
    forms = {region.name}
    if region.short != region.name and (region.level < 3 or region.short not in ORDINARY_WORDS):
        forms.add(region.short)
    latin = set()
    english = _PROVINCE_ENGLISH.get(region.short) or _PROVINCE_ENGLISH.get(region.name)
    if english:  # the official spelling: 陕西 is Shaanxi, not Shanxi
        latin.add(tuple(english.lower().split()))
    elif region.short != region.name and region.short not in ORDINARY_WORDS:
        latin.update(tuple(reading) for reading in pinyin_forms(region.short))
    conventional = _CONVENTIONAL_ENGLISH.get(region.short)
    if conventional:
        latin.add(tuple(conventional.lower().replace("'", " ").split()))
    return RegionForms(region, tuple(sorted(forms, key=len, reverse=True)), tuple(sorted(latin)))


def applicant_regions(name, province_code=None, extra_names=()):
    """The regions that place the applicant: those its name (or a short name) starts with,
    the cities and provinces they lie in, and its province."""
    regions = []
    for text in (name, *extra_names):
        found, _rest = leading_regions(text or "", province_code)
        if found:
            for region in parents(found[-1]):
                if region not in regions:
                    regions.append(region)
    province = province_region(province_code)
    if province is not None and province not in regions:
        regions.insert(0, province)
    return regions
