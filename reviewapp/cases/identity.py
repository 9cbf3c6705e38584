"""Find places where text names the organization behind a case: its name, contact person, phone, e-mail or website.

Matching works on Chinese (no word boundaries, stray spaces between characters
tolerated) and English (case-insensitive, whole words). Text is compared after
NFKC normalisation, so full-width digits and letters match too; reported
positions and snippets refer to the original text. The result is advisory: a
person decides whether a flagged passage really gives the organization away.
"""

import re
import unicodedata
from dataclasses import dataclass

SNIPPET_RADIUS = 20

_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "中国", "中华", "全国",
)  # fmt: skip
_PROVINCE_PREFIX = re.compile(
    "^(?:" + "|".join(_PROVINCES) + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
)
_CITY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,7}?(?:市|自治州|盟|地区)")
_DISTRICT_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,5}?(?:区|县|旗)")
_ORGANIZATION_WORDS = (
    "股份有限公司", "有限责任公司", "有限公司", "公司", "联合会", "促进会", "研究会", "委员会", "基金会", "协会",
    "总会", "学会", "俱乐部", "中心", "志愿服务总队", "志愿服务大队", "志愿服务队", "志愿者服务队", "志愿队",
    "服务队", "服务站", "工作站",
)  # fmt: skip
_CHINESE_SUFFIX = re.compile("(?:" + "|".join(_ORGANIZATION_WORDS) + ")$")
_ENGLISH_SUFFIX = re.compile(
    r"[\s,]*(?:co\.?,?\s*ltd\.?|company\s+limited|limited|ltd\.?|inc\.?|corp\.?|association|committee"
    r"|federation|foundation|society|council|club|cent(?:er|re)|volunteer\s+(?:service\s+)?team|team)$"
)
_ENGLISH_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:china|chinese|national|beijing|tianjin|shanghai|chongqing|hebei|shanxi|liaoning|jilin"
    r"|heilongjiang|jiangsu|zhejiang|anhui|fujian|jiangxi|shandong|henan|hubei|hunan|guangdong|hainan|sichuan"
    r"|guizhou|yunnan|shaanxi|gansu|qinghai|inner\s+mongolia|guangxi|tibet|ningxia|xinjiang|hong\s+kong|macau"
    r"|macao)\s+(?:province\s+|provincial\s+|municipal\s+|city\s+)?)"
)
# Words every case in this collection uses; a name variant made only of them identifies nobody.
_GENERIC_TERMS = (
    "全民健身", "志愿服务", "志愿者", "志愿", "体育", "健身", "社会体育指导员", "指导员", "老年人", "残疾人",
    "新时代文明实践", "文明实践", "社区", "服务", "运动", "群众", "中国", "中华", "全国", "省", "市",
    "sports", "sport", "fitness", "volunteer", "volunteers", "service", "services", "national", "china",
    "chinese", "association", "the", "of", "and", "for",
)  # fmt: skip
_PUBLIC_MAIL_DOMAINS = {
    "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "139.com", "189.cn",
    "foxmail.com", "aliyun.com", "gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
}  # fmt: skip
_GENERIC_DOMAIN_LABELS = {"sports", "sport", "china", "volunteer", "fitness", "mail", "email"}
_PHONE_SEPARATORS = r"[\s\-.()/]*"


@dataclass(frozen=True)
class Identity:
    """Who submitted a case, as the blind check needs to know it."""

    organization: str = ""
    short_names: tuple[str, ...] = ()
    contact_person: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdentityMention:
    """One place in a text that names the submitter; ``start``/``end`` index the original text."""

    field: str  # organization, contact_person, phone, email or website
    matched: str
    start: int
    end: int
    snippet: str


def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold, character by character, with a map from folded to original positions."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for folded_char in unicodedata.normalize("NFKC", char).casefold():
            folded.append(folded_char)
            origin.append(index)
    return "".join(folded), origin


def _normalize(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value).casefold()).strip()


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _is_distinctive(variant: str) -> bool:
    """A name form long enough to search for that still says something once place names,
    generic words (体育, 志愿者, Association...) and legal suffixes are taken out."""
    cjk_total = sum(1 for char in variant if _is_cjk(char))
    if cjk_total < 4 and len(variant) - cjk_total < 6:
        return False
    rest = variant
    for prefix in (_PROVINCE_PREFIX, _CITY_PREFIX, _DISTRICT_PREFIX, _ENGLISH_PREFIX):
        match = prefix.match(rest + " " if prefix is _ENGLISH_PREFIX else rest)
        if match:
            rest = rest[match.end() :]
    for term in sorted(_GENERIC_TERMS + _ORGANIZATION_WORDS, key=len, reverse=True):
        rest = rest.replace(term, " ")
    rest = _ENGLISH_SUFFIX.sub("", rest)
    rest = re.sub(r"[\s\W_]+", "", rest)
    cjk = sum(1 for char in rest if _is_cjk(char))
    return cjk >= 2 or len(rest) - cjk >= 4


def _strip_prefixes(name: str) -> list[str]:
    stripped, current = [], name
    for prefix in (_PROVINCE_PREFIX, _CITY_PREFIX, _DISTRICT_PREFIX):
        match = prefix.match(current)
        if match and match.end() < len(current):
            current = current[match.end() :]
            stripped.append(current)
    english = _ENGLISH_PREFIX.match(name)
    if english and english.end() < len(name):
        stripped.append(name[english.end() :])
    return stripped


def _strip_suffixes(name: str) -> list[str]:
    stripped, current = [], name
    for _ in range(2):
        match = _CHINESE_SUFFIX.search(current) or _ENGLISH_SUFFIX.search(current)
        if not match or match.start() == 0:
            break
        current = current[: match.start()].strip(" ,")
        stripped.append(current)
    return stripped


def organization_name_variants(name: str, short_names: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The full name, its distinctive forms without legal suffix or place prefix, and the given short names."""
    full = _normalize(name)
    variants = set()
    if full:
        variants.add(full)
        for shorter in _strip_suffixes(full):
            variants.add(shorter)
            variants.update(_strip_prefixes(shorter))
        for shorter in _strip_prefixes(full):
            variants.add(shorter)
            variants.update(_strip_suffixes(shorter))
        variants = {full} | {variant for variant in variants if _is_distinctive(variant)}
    variants.update(_normalize(short) for short in short_names if len(_normalize(short)) >= 2)
    return sorted(variants, key=len, reverse=True)


def _text_pattern(value: str) -> str:
    """Regex for a folded name: flexible whitespace, stray spaces between Chinese characters, whole English words."""
    pieces = []
    for index, char in enumerate(value):
        if char == " ":
            pieces.append(r"[\s\-_]+")
            continue
        if index and value[index - 1] != " " and (_is_cjk(char) or _is_cjk(value[index - 1])):
            pieces.append(r"\s*")
        pieces.append(re.escape(char))
    pattern = "".join(pieces)
    if value[:1].isascii() and value[:1].isalnum():
        pattern = r"(?<![a-z0-9])" + pattern
    if value[-1:].isascii() and value[-1:].isalnum():
        pattern += r"(?![a-z0-9])"
    return pattern


def normalize_phone(phone: str) -> str:
    """Digits of a Chinese phone number without country code or trunk 0: '+86 138-0013-8000' -> '13800138000'."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) in (12, 13):
        digits = digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def _phone_patterns(phone: str) -> list[str]:
    digits = normalize_phone(phone)
    if len(digits) < 7:
        return []
    country = r"(?:(?:\+|00)\s*86" + _PHONE_SEPARATORS + ")?"
    is_mobile = digits.startswith("1") and len(digits) == 11
    trunk = "" if is_mobile else "0?" + _PHONE_SEPARATORS
    patterns = [country + trunk + _PHONE_SEPARATORS.join(digits)]
    if not is_mobile and len(digits) >= 9:
        local = digits[2:] if digits.startswith(("10", "2")) else digits[3:]
        patterns.append(_PHONE_SEPARATORS.join(local))
    return [r"(?<!\d)" + pattern + r"(?!\d)" for pattern in patterns]


def _domain_of(address: str) -> str:
    address = _normalize(address)
    address = re.sub(r"^[a-z][a-z0-9+.-]*://", "", address)
    address = re.split(r"[/?#:]", address, maxsplit=1)[0]
    return address.removeprefix("www.").strip(".")


def _domain_patterns(domain: str) -> list[str]:
    if "." not in domain:
        return []
    patterns = [r"(?<![a-z0-9-])" + re.escape(domain) + r"(?![a-z0-9-])"]
    label = domain.split(".")[0]
    if len(label) >= 5 and label not in _GENERIC_DOMAIN_LABELS:
        patterns.append(r"(?<![a-z0-9-])" + re.escape(label) + r"(?![a-z0-9-])")
    return patterns


def _email_patterns(email: str) -> list[str]:
    local, at, domain = _normalize(email).partition("@")
    if not at or not local or not domain:
        return []
    # People write addresses as "name(at)domain" or "name#domain" to dodge spam robots.
    separator = r"\s*(?:@|\(at\)|\[at\]|\sat\s|#)\s*"
    patterns = [r"(?<![a-z0-9._%+-])" + re.escape(local) + separator + re.escape(domain) + r"(?![a-z0-9-])"]
    if domain not in _PUBLIC_MAIL_DOMAINS:
        patterns.extend(_domain_patterns(domain))
    return patterns


def _patterns_for(identity: Identity) -> list[tuple[str, str]]:
    patterns = [
        ("organization", _text_pattern(variant))
        for variant in organization_name_variants(identity.organization, identity.short_names)
    ]
    person = _normalize(identity.contact_person)
    if person:
        patterns.append(("contact_person", _text_pattern(person)))
        words = person.split(" ")
        if len(words) == 2:
            patterns.append(("contact_person", _text_pattern(f"{words[1]} {words[0]}")))
    patterns += [("phone", pattern) for phone in identity.phones for pattern in _phone_patterns(phone)]
    # Websites before e-mails: a bare domain found by both is reported as the website.
    for site in identity.websites:
        patterns += [("website", pattern) for pattern in _domain_patterns(_domain_of(site))]
    patterns += [("email", pattern) for email in identity.emails for pattern in _email_patterns(email)]
    return patterns


def _snippet(text: str, start: int, end: int) -> str:
    left, right = max(0, start - SNIPPET_RADIUS), min(len(text), end + SNIPPET_RADIUS)
    body = re.sub(r"\s+", " ", text[left:right]).strip()
    return ("…" if left else "") + body + ("…" if right < len(text) else "")


def find_identity_mentions(text: str, identity: Identity) -> list[IdentityMention]:
    """Every place in ``text`` that names the organization, its contact person, phone, e-mail or website.

    Overlapping hits are reported once, as the longest one; the list is in text order.
    """
    if not text:
        return []
    folded, origin = _fold(text)
    hits = []
    for field, pattern in _patterns_for(identity):
        for match in re.finditer(pattern, folded):
            if match.end() > match.start():
                hits.append((origin[match.start()], origin[match.end() - 1] + 1, field))
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    mentions, covered_until = [], -1
    for start, end, field in hits:
        if end <= covered_until:
            continue
        covered_until = max(covered_until, end)
        mentions.append(IdentityMention(field, text[start:end], start, end, _snippet(text, start, end)))
    return mentions
