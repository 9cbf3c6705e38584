"""Find places where text names the organization behind a case: its name, contact person, phone, e-mail or website.

Matching works on Chinese (no word boundaries, stray spaces between characters
tolerated) and English (case-insensitive, whole words). Text is compared after
NFKC normalisation (full-width digits and letters match too) with zero-width
characters, soft hyphens and other invisible format characters removed, so
朝阳\u200b区 and 王 丽 are found; reported positions and snippets refer to the
original text. A Chinese name is searched in every form its structure allows
(org_names: region prefixes dropped level by level, usual abbreviations) and its
distinctive part also in pinyin. The result is advisory: a person decides whether
a flagged passage really gives the organization away.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
    province: str = ""  # the organization's province code: it decides which 朝阳区 a name starts with
    credit_code: str = ""  # the unified social credit code (18 characters)
    unit_names: tuple[str, ...] = ()  # the recommending unit, in Chinese and English
    contact_person: str = ""
    # The organization's other people (its users, past and present): as identifying as the contact.
    people: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdentityMention:
    """One place in a text that names the submitter; ``start``/``end`` index the original text."""

    field: str  # organization, contact_person, colleague, phone, email or website
    matched: str
    start: int
    end: int
    snippet: str


def _invisible(char: str) -> bool:
    """Zero-width spaces and joiners, soft hyphens, word joiners, BOMs: characters that
    split a name for a search but not for a reader."""
    return unicodedata.category(char) == "Cf"


_FOLDED: dict[str, str] = {}  # character -> its folded form (a memo: NFKC one character at a time is slow)


@lru_cache(maxsize=16)  # the redactor and the identity finder fold the same text in turn
def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold, character by character, invisible characters dropped and whitespace
    beside a Chinese character removed (王 丽, a name broken over a line), with a map from
    folded to original positions. Names then match as plain strings, which is fast."""
    folded, origin = [], []
    for index, char in enumerate(text):
        replacement = _FOLDED.get(char)
        if replacement is None:
            replacement = _FOLDED[char] = "" if _invisible(char) else unicodedata.normalize("NFKC", char).casefold()
        if len(replacement) == 1:
            folded.append(replacement)
            origin.append(index)
        else:
            folded.extend(replacement)
            origin.extend([index] * len(replacement))
    keep = _keep_mask(folded)
    if all(keep):
        return "".join(folded), origin
    return "".join(c for c, k in zip(folded, keep) if k), [o for o, k in zip(origin, keep) if k]


def _keep_mask(chars: list[str]) -> list[bool]:
    """False for each whitespace character in a run that touches a Chinese character."""
    keep = [True] * len(chars)
    spaces = [i for i, char in enumerate(chars) if char.isspace()]
    index, done = 0, -1
    for index in spaces:
        if index <= done:
            continue
        end = index
        while end < len(chars) and chars[end].isspace():
            end += 1
        before = chars[index - 1] if index else ""
        after = chars[end] if end < len(chars) else ""
        if _is_cjk(before) or _is_cjk(after):
            keep[index:end] = [False] * (end - index)
        done = end - 1
    return keep


def _normalize(value: str) -> str:
    value = "".join(char for char in value if not _invisible(char))
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


def _latin_variants(full: str) -> set[str]:
    variants = {full}
    for shorter in _strip_suffixes(full):
        variants.add(shorter)
        variants.update(_strip_prefixes(shorter))
    for shorter in _strip_prefixes(full):
        variants.add(shorter)
        variants.update(_strip_suffixes(shorter))
    return {full} | {variant for variant in variants if _is_distinctive(variant)}


def organization_name_variants(
    name: str, short_names: tuple[str, ...] | list[str] = (), province: str = ""
) -> list[str]:
    """The full name and every form its structure gives (org_names.chinese_variants for
    Chinese names, legal suffix and place prefix dropped for English ones), and the given
    short names with theirs. Forms made only of generic words are left out."""
    from .org_names import chinese_variants, is_generic

    variants = set()
    for index, given in enumerate((name, *short_names)):
        full = _normalize(given)
        if len(full) < 2:
            continue
        if any(_is_cjk(char) for char in full):
            found = set(chinese_variants(full, province))
        else:
            found = _latin_variants(full)
        if index and is_generic(full):
            found.discard(full)  # a "short name" such as 社体协会 names every such association
        variants |= found
    return sorted(variants, key=lambda variant: (-len(variant), variant))


def organization_pinyin(name: str, province: str = "") -> list[tuple[str, ...]]:
    """Pinyin spellings (syllables) of the distinctive part of a Chinese name: 示例 -> ('shi', 'li')."""
    from .org_names import pinyin_variants

    return pinyin_variants(_normalize(name), province) if any(_is_cjk(char) for char in name) else []


def syllables_pattern(syllables: tuple[str, ...]) -> str:
    """A pinyin word written together, spaced or hyphenated, as a whole word: Chaoyang, Chao Yang, chao-yang."""
    return r"(?<![a-z0-9])" + r"[\s\-'’]?".join(map(re.escape, syllables)) + r"(?![a-z0-9])"


def _text_pattern(value: str) -> str:
    """Regex for a folded name, to run on _fold's text: Chinese as a plain string (_fold took
    the stray spaces out), flexible whitespace and hyphens between English words, whole words."""
    chars = list(value)
    value = "".join(c for c, k in zip(chars, _keep_mask(chars)) if k)
    pieces = []
    for char in value:
        if char == " ":
            pieces.append(r"[\s\-_]+")
            continue
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


@lru_cache(maxsize=256)
def _compiled_patterns(identity: Identity) -> tuple[tuple[str, re.Pattern], ...]:
    """The identity's patterns, built once: a Chinese name has dozens of forms."""
    return tuple((field, re.compile(pattern)) for field, pattern in _patterns_for(identity))


def _patterns_for(identity: Identity) -> list[tuple[str, str]]:
    variants = organization_name_variants(identity.organization, identity.short_names, identity.province)
    patterns = [("organization", "|".join(_text_pattern(variant) for variant in variants))] if variants else []
    patterns += [("organization", syllables_pattern(syllables))
                 for syllables in organization_pinyin(identity.organization, identity.province)]
    people = [("contact_person", identity.contact_person)] + [("colleague", name) for name in identity.people]
    for field, name in people:
        person = _normalize(name)
        if person:
            patterns.append((field, _text_pattern(person)))
            words = person.split(" ")
            if len(words) == 2:
                patterns.append((field, _text_pattern(f"{words[1]} {words[0]}")))
    patterns += [("phone", pattern) for phone in identity.phones for pattern in _phone_patterns(phone)]
    # Websites before e-mails: a bare domain found by both is reported as the website.
    for site in identity.websites:
        patterns += [("website", pattern) for pattern in _domain_patterns(_domain_of(site))]
    patterns += [("email", pattern) for email in identity.emails for pattern in _email_patterns(email)]
    code = re.sub(r"[\s\-]", "", _normalize(identity.credit_code))
    if len(code) >= 15:  # written with or without spaces and hyphens between its parts
        patterns.append(("credit_code", r"(?<![a-z0-9])" + r"[\s\-]*".join(map(re.escape, code)) + r"(?![a-z0-9])"))
    units = [_normalize(name) for name in identity.unit_names if len(_normalize(name)) >= 4]
    if units:
        patterns.append(("unit", "|".join(_text_pattern(name) for name in sorted(units, key=len, reverse=True))))
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
    for field, pattern in _compiled_patterns(identity):
        for match in pattern.finditer(folded):
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
