"""The blind text against a corpus of real-shaped organization names and the short forms people write.

Every short form below was written by hand, the way applicants and newspapers shorten
such names (region levels dropped, suffixes dropped, the usual abbreviations), not taken
from the variant generator, so a form the generator misses is a leak here. Each is
embedded plainly, spaced out, split by a zero-width space, by a soft hyphen and (in
English) in full-width letters. Generic words (sports, organization types, events, common
words) must stay exactly as written. The test reports leaks and over-redactions as two
counts; both must be 0.
"""
import unicodedata

import pytest

from reviewapp.cases.blind_text import REDACTED, Redactor
from reviewapp.cases.identity import Identity

# (name, province code, short forms and region names an expert must not read)
CORPUS = [
    ("北京市朝阳区社会体育指导员协会", "beijing",
     ["朝阳区社会体育指导员协会", "朝阳区社体协会", "北京朝阳社会体育指导员协会", "朝阳社体协", "朝阳区社体协",
      "北京市朝阳区", "朝阳区", "Chaoyang District", "Beijing"]),
    ("临汾市尧都区健身气功协会", "shanxi",
     ["尧都区健身气功协会", "尧都健身气功协会", "临汾尧都健身气功协会", "尧都区气功协会", "临汾市", "尧都", "Linfen",
      "Yaodu District", "山西省"]),
    ("四川省成都市武侯区老年人体育协会", "sichuan",
     ["武侯区老年人体育协会", "成都武侯老体协", "武侯区老体协", "成都市武侯区老年体协", "Wuhou", "Chengdu", "Sichuan"]),
    ("杭州市西湖区阳光健身志愿者协会", "zhejiang",
     ["西湖阳光健身志愿者协会", "阳光健身志愿者协会", "西湖区阳光健身志协", "杭州西湖区", "Hangzhou"]),
    ("上海市浦东新区社区体育协会", "shanghai", ["浦东新区社区体育协会", "浦东社区体协", "浦东新区社区体协", "Pudong"]),
    ("广州市天河区全民健身志愿服务队", "guangdong",
     ["天河区全民健身志愿服务队", "天河全民健身志愿队", "广州天河健身志愿队", "Tianhe", "Guangzhou"]),
    ("深圳市南山区绿道健步走俱乐部", "guangdong", ["南山区绿道健步走俱乐部", "南山绿道健步走俱乐部", "绿道健步走俱乐部"]),
    ("武汉市江岸区太极拳协会", "hubei", ["江岸区太极拳协会", "江岸太极协会", "武汉江岸太极拳协会", "Jiang'an"]),
    ("南京市鼓楼区社会体育指导员协会", "jiangsu", ["鼓楼区社体协会", "南京鼓楼社体协", "鼓楼社会体育指导员协会"]),
    ("西安市雁塔区健身气功协会", "shaanxi", ["雁塔区健身气功协会", "雁塔气功协会", "西安雁塔健身气功协会", "Shaanxi"]),
    ("长沙市岳麓区登山协会", "hunan", ["岳麓区登山协会", "岳麓登协", "长沙岳麓登山协会", "Yuelu"]),
    ("郑州市金水区老年人体育协会", "henan", ["金水区老体协", "金水老年体协", "郑州金水老年人体育协会"]),
    ("济南市历下区乒乓球协会", "shandong", ["历下区乒协", "历下乒乓球协会", "济南历下乒协", "Lixia"]),
    ("沈阳市和平区柔力球协会", "liaoning", ["和平区柔力球协会", "沈阳和平区柔力球协会", "沈阳和平柔力球协会", "和平区"]),
    ("哈尔滨市南岗区冰雪运动协会", "heilongjiang", ["南岗区冰雪运动协会", "南岗冰雪运动协会", "哈尔滨南岗区冰雪运动协会"]),
    ("成都市锦江区社区健身志愿服务队", "sichuan",
     ["锦江区社区健身志愿服务队", "锦江社区健身志愿队", "成都锦江社区健身志愿服务队"]),
    ("重庆市渝中区全民健身协会", "chongqing", ["渝中区全民健身协会", "渝中全民健身协会", "重庆渝中全民健身协会", "Yuzhong"]),
    ("天津市河西区广场舞协会", "tianjin", ["河西区广场舞协会", "天津河西广场舞协会", "天津市河西区"]),
    ("苏州市姑苏区银杏健身队", "jiangsu", ["姑苏区银杏健身队", "银杏健身队", "姑苏银杏健身队", "Gusu"]),
    ("青岛市市南区海风帆船俱乐部", "shandong", ["市南区海风帆船俱乐部", "海风帆船俱乐部", "海风帆船", "Qingdao"]),
    ("昆明市五华区彩云志愿服务队", "yunnan", ["五华区彩云志愿服务队", "彩云志愿服务队", "彩云志愿队", "五华彩云志愿队"]),
    ("贵阳市南明区苗岭健步走协会", "guizhou", ["南明区苗岭健步走协会", "苗岭健步走协会", "南明苗岭健步走协会"]),
    ("南宁市青秀区邕城太极拳协会", "guangxi", ["青秀区邕城太极拳协会", "邕城太极拳协会", "邕城太极协会"]),
    ("兰州市城关区黄河健身志愿者协会", "gansu", ["城关区黄河健身志愿者协会", "黄河健身志愿者协会", "黄河健身志协"]),
    ("乌鲁木齐市天山区天池徒步俱乐部", "xinjiang", ["天山区天池徒步俱乐部", "天池徒步俱乐部", "乌鲁木齐天山天池徒步俱乐部"]),
    ("呼和浩特市新城区草原健身协会", "inner_mongolia", ["新城区草原健身协会", "草原健身协会", "Hohhot", "Inner Mongolia"]),
    ("福州市鼓楼区闽都健身气功协会", "fujian", ["鼓楼区闽都健身气功协会", "闽都健身气功协会", "闽都气功协会"]),
    ("合肥市蜀山区社会体育指导员协会", "anhui", ["蜀山区社体协会", "合肥蜀山社体协", "蜀山社会体育指导员协会", "Shushan"]),
    ("石家庄市长安区门球协会", "hebei", ["长安区门球协会", "石家庄长安区门协", "长安区门协", "Shijiazhuang"]),
    ("太原市小店区晋阳太极拳协会", "shanxi", ["小店区晋阳太极拳协会", "晋阳太极拳协会", "晋阳太极协会", "Taiyuan"]),
    ("浙江省体育总会", "zhejiang", ["浙江体育总会", "浙江省体总", "浙体总", "Zhejiang"]),
    ("海口市美兰区椰风广场舞队", "hainan", ["美兰区椰风广场舞队", "椰风广场舞队", "美兰椰风广场舞队", "Meilan"]),
    ("拉萨市城关区雪域志愿服务队", "tibet", ["城关区雪域志愿服务队", "雪域志愿服务队", "雪域志愿队", "拉萨", "Lhasa"]),
    ("大连市中山区星海冬泳俱乐部", "liaoning", ["中山区星海冬泳俱乐部", "星海冬泳俱乐部", "星海冬泳", "Dalian"]),
    ("北京市海淀区清风健身志愿者协会", "beijing",
     ["海淀区清风健身志愿者协会", "清风健身志愿者协会", "清风健身志协", "Qingfeng", "Qing Feng", "Haidian"]),
]
# Names in English the applicant gave as short names.
GIVEN = {"北京市海淀区清风健身志愿者协会": ("Qingfeng Fitness Volunteers Association",)}
ENGLISH_FORMS = {"北京市海淀区清风健身志愿者协会": ["Qingfeng Fitness Volunteers"]}

GENERIC = [
    "太极等健身气功功法", "北京冬奥会", "杭州亚运会", "成都大运会", "北京2022年冬奥会", "在公园晨练点开展八段锦教学",
    "协会", "志愿服务队", "志愿队", "社会体育指导员", "老年人体育协会", "全民健身志愿服务", "广场舞", "健步走",
    "太极拳", "乒乓球", "门球", "冬泳", "柔力球", "登山", "冰雪运动", "阳光", "快乐健身", "彩云", "黄河", "草原",
    "健康中国", "社区居民", "体育总会", "社体协会", "志愿者协会", "全民健身日", "俱乐部", "健身气功协会", "太极拳协会",
    "Volunteer Service Team", "Fitness Qigong", "Tai Chi", "the Winter Olympics in Beijing 2022", "association",
]  # fmt: skip

BEFORE, AFTER = "据了解，", "多次获奖。"


def _spellings(form):
    """The form as written plainly, spaced out, split by invisible characters, in full width."""
    if form.isascii():
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in form)
        return [form, form.upper(), wide, form[:3] + "\u00ad" + form[3:]]
    return [form, " ".join(form), form[:2] + "\u200b" + form[2:], form[:2] + "\u00ad" + form[2:],
            form[:1] + "\u2060" + form[1:]]


def _folded(text):
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _visible(text):
    """What a reader sees: invisible characters left beside a mark carry nothing."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _redactor(name, province):
    return Redactor(Identity(organization=name, province=province, short_names=GIVEN.get(name, ())))


def count_leaks_and_over_redactions():
    leaks, over = [], []
    for name, province, forms in CORPUS:
        redact = _redactor(name, province)
        for form in [name, *forms, *ENGLISH_FORMS.get(name, [])]:
            for spelling in _spellings(form):
                text = BEFORE + spelling + AFTER
                seen = redact(text)
                if _folded(form) in _folded(seen):
                    leaks.append((name, spelling, seen))
                elif _visible(seen) != BEFORE + REDACTED + AFTER:
                    over.append((name, spelling, seen))
        for generic in GENERIC:
            seen = redact(f"我们开展{generic}活动。")
            if seen != f"我们开展{generic}活动。":
                over.append((name, generic, seen))
    return leaks, over


def test_corpus_has_no_leaks_and_no_over_redactions():
    assert len(CORPUS) >= 30 and sum(len(forms) for _n, _p, forms in CORPUS) >= 120
    leaks, over = count_leaks_and_over_redactions()
    print(f"\nblind names corpus: {len(CORPUS)} names, leaks {len(leaks)}, over-redactions {len(over)}")
    assert (len(leaks), len(over)) == (0, 0), {"leaks": leaks[:20], "over-redactions": over[:20]}


def test_redaction_maps_back_to_the_original_positions():
    redact = _redactor("北京市朝阳区社会体育指导员协会", "beijing")
    text = "朝阳\u200b区社体协会在北京冬奥会期间组织王 丽等人，Chaoyang District 的晨练点。"
    assert redact(text) == f"{REDACTED}在北京冬奥会期间组织王 丽等人，{REDACTED} 的晨练点。"
    # Region and name side by side are one mark, not two (■■■市■■■ gave the level away).
    assert redact("北京市 朝阳区社体协会成立于2010年") == f"{REDACTED}成立于2010年"
    assert redact("第一段北京市\n朝阳区第二段") == f"第一段{REDACTED}\n{REDACTED}第二段"


@pytest.mark.parametrize("person", ["王丽", "王 丽", "王\u200b丽", "王\u00ad丽", "王　丽"])
def test_contact_person_in_any_spelling(person):
    redact = Redactor(Identity(organization="北京市示例体育协会", province="beijing", contact_person="王丽"))
    assert redact(f"联系人{person}。") == f"联系人{REDACTED}。"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_INVISIBLE = st.sampled_from(["", " ", "\u200b", "\u00ad", "\u2060", "\u3000", "\ufeff"])


@st.composite
def _mixed_text(draw):
    """Generic words, and the applicant's short forms with invisible characters or spaces inside."""
    name, province, forms = draw(st.sampled_from(CORPUS))
    pieces, hidden = [], []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            form = draw(st.sampled_from([name, *forms]))
            if not form.isascii():
                at = draw(st.integers(1, len(form) - 1))
                form = form[:at] + draw(_INVISIBLE) + form[at:]
            hidden.append(form)
            pieces.append(form)
        else:
            pieces.append(draw(st.sampled_from(GENERIC)))
        pieces.append(draw(st.sampled_from(["，", "。", "；", "\n", "、", "和"])))
    return name, province, pieces, hidden


@settings(max_examples=150, deadline=None)
@given(_mixed_text())
def test_any_mix_of_short_forms_and_generic_words(case):
    """No short form survives in any mix, and every generic word stays exactly as written."""
    name, province, pieces, hidden = case
    seen = _redactor(name, province)("".join(pieces))
    assert not [form for form in hidden if _folded(form) in _folded(seen)], seen
    remaining = _visible(seen)
    for piece in pieces:
        if piece in GENERIC and not any(_folded(piece) in _folded(form) for form in hidden):
            assert piece in remaining, (piece, seen)
