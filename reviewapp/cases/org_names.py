"""The ways people write a Chinese organization's name, built from the name's structure.

A name is read as [regions][body][form]: 北京市|朝阳区 + 社会体育指导员 + 协会. Variants keep
the innermost region and drop the outer ones one level at a time, each with or without
its suffix (北京朝阳…, 朝阳区…, 朝阳…), and write the form in its usual abbreviations
(社会体育指导员协会 -> 社体协会 / 社体协, 体育总会 -> 体总). A variant without any region
must still say something: its body, once sports, organization types and the field's
common words are taken out, keeps at least two characters. So 健身气功, 太极, 协会 or
志愿服务队 on their own are never a variant, while 阳光健身志愿者协会 is.
"""
from .regions import leading_regions, short_name

# The form at the end of a name, longest first, with its usual written forms. An empty
# form means the name is also written without it.
FORMS = {
    "社会体育指导员协会": ("社会体育指导员协会", "社体协会", "社体协", "社指协会", "社指协", "社会体育指导员"),
    "社会体育指导员总队": ("社会体育指导员总队", "社体总队", "社会体育指导员"),
    "社会体育指导员志愿服务队": ("社会体育指导员志愿服务队", "社体志愿服务队", "社体志愿队", "社会体育指导员"),
    "社会体育指导中心": ("社会体育指导中心", "社体中心", "社体指导中心"),
    "全民健身志愿服务队": ("全民健身志愿服务队", "全民健身志愿队", "健身志愿队"),
    "全民健身服务中心": ("全民健身服务中心", "全民健身中心"),
    "老年人体育协会": ("老年人体育协会", "老年体协", "老体协"),
    "残疾人体育协会": ("残疾人体育协会", "残疾人体协", "残体协"),
    "青年志愿者协会": ("青年志愿者协会", "青志协"),
    "志愿者协会": ("志愿者协会", "志协", "志愿者"),
    "志愿者联合会": ("志愿者联合会", "志联", "志愿者"),
    "志愿服务总队": ("志愿服务总队", "志愿总队", "志愿服务队", ""),
    "志愿服务大队": ("志愿服务大队", "志愿大队", "志愿服务队", ""),
    "志愿服务队": ("志愿服务队", "志愿队", "服务队", "志愿服务", ""),
    "志愿者服务队": ("志愿者服务队", "志愿者队", "志愿队", "志愿者", ""),
    "志愿服务协会": ("志愿服务协会", "志愿协会", "志协"),
    "体育总会": ("体育总会", "体总"),
    "体育协会": ("体育协会", "体协"),
    "体育联合会": ("体育联合会", "体联"),
    "健身气功协会": ("健身气功协会", "气功协会", "健身气功协", "健身气功"),
    "太极拳协会": ("太极拳协会", "太极协会", "太极拳"),
    "体育舞蹈协会": ("体育舞蹈协会", "体舞协会", "体舞协"),
    "登山协会": ("登山协会", "登协", "登山"),
    "足球协会": ("足球协会", "足协", "足球"),
    "篮球协会": ("篮球协会", "篮协", "篮球"),
    "排球协会": ("排球协会", "排协", "排球"),
    "田径协会": ("田径协会", "田协", "田径"),
    "游泳协会": ("游泳协会", "泳协", "游泳"),
    "乒乓球协会": ("乒乓球协会", "乒协", "乒乓球"),
    "羽毛球协会": ("羽毛球协会", "羽协", "羽毛球"),
    "网球协会": ("网球协会", "网协", "网球"),
    "武术协会": ("武术协会", "武协", "武术"),
    "门球协会": ("门球协会", "门协", "门球"),
    "棋类协会": ("棋类协会", "棋协"),
    "股份有限公司": ("股份有限公司", "公司", ""),
    "有限责任公司": ("有限责任公司", "有限公司", "公司", ""),
    "有限公司": ("有限公司", "公司", ""),
    "俱乐部": ("俱乐部", ""),
    "联合会": ("联合会", ""),
    "促进会": ("促进会", ""),
    "研究会": ("研究会", ""),
    "委员会": ("委员会", ""),
    "基金会": ("基金会", ""),
    "服务中心": ("服务中心", "中心", ""),
    "服务站": ("服务站", ""),
    "工作站": ("工作站", ""),
    "服务队": ("服务队", "队", ""),
    "志愿队": ("志愿队", "队", ""),
    "协会": ("协会", "协", ""),
    "总会": ("总会", ""),
    "学会": ("学会", ""),
    "中心": ("中心", ""),
    "公司": ("公司", ""),
    "大队": ("大队", "队", ""),
    "总队": ("总队", "队", ""),
    "队": ("队", ""),
}  # fmt: skip

SPORTS = (
    "健身气功", "太极拳", "太极剑", "太极扇", "太极", "八段锦", "五禽戏", "易筋经", "六字诀", "十二段锦", "广场舞",
    "健步走", "徒步", "登山", "跑步", "马拉松", "篮球", "足球", "排球", "气排球", "乒乓球", "羽毛球", "网球", "游泳",
    "田径", "武术", "瑜伽", "健美操", "健身操", "广播体操", "舞蹈", "体育舞蹈", "门球", "柔力球", "空竹", "毽球",
    "跳绳", "骑行", "自行车", "轮滑", "滑冰", "滑雪", "冰雪运动", "冰雪", "围棋", "象棋", "棋类", "棋牌", "桥牌",
    "钓鱼", "龙舟", "拔河", "木兰拳", "木兰扇", "旱地冰球", "冰球", "飞盘", "攀岩", "定向", "射箭", "击剑", "拳击",
    "跆拳道", "柔道", "摔跤", "举重", "体操", "秧歌", "腰鼓", "气功", "健身跑", "冬泳", "风筝", "陀螺", "帆船",
    "皮划艇", "赛艇", "桨板", "太极柔力球", "健身秧歌", "广场健身操", "毽子", "踢毽", "健走", "夜跑", "跳操",
)  # fmt: skip
EVENTS = (
    "北京冬奥会", "北京冬残奥会", "北京奥运会", "北京残奥会", "北京2022年冬奥会", "北京2008年奥运会", "杭州亚运会",
    "杭州亚残运会", "成都大运会", "哈尔滨亚冬会", "广州亚运会", "南京青奥会", "天津全运会", "陕西全运会",
    "西安全运会", "上海世博会", "冬奥会", "冬残奥会", "奥运会", "残奥会", "亚运会", "全运会", "大运会", "青奥会",
    "亚冬会", "民运会", "全民健身日", "全国运动会",
)  # fmt: skip
# Words every case in this collection uses: part of a name, never one on their own.
FIELD_WORDS = (
    "全民健身", "志愿服务", "志愿者", "志愿", "体育", "健身", "社会体育指导员", "社会体育", "指导员", "指导",
    "老年人", "老年", "残疾人", "青少年", "青年", "妇女", "职工", "农民", "社区", "街道", "乡镇", "农村", "城市",
    "新时代文明实践", "文明实践", "服务", "运动", "群众", "科学健身", "健康", "中国", "中华", "全国", "国家",
    "省", "市", "区", "县", "分会", "专业委员会", "公益", "爱心", "义务", "社体", "社指", "体总", "体协", "老体",
    "残体",
)  # fmt: skip
# Ordinary words that may be the distinctive part of a name but are never hidden on their own.
COMMON_WORDS = (
    "阳光", "快乐", "幸福", "和谐", "健康", "活力", "青春", "夕阳红", "夕阳", "朝阳", "晨光", "晨练", "希望", "未来",
    "梦想", "光明", "温暖", "友谊", "团结", "先锋", "红色", "金色", "彩虹", "春天", "蓝天", "绿色", "美好", "和平",
    "公园", "广场", "晨练点", "东方", "长青", "常青", "百姓", "大众", "爱心", "同心", "齐心", "开心", "乐活",
)  # fmt: skip
# Every form and its abbreviations (社体协会, 体总): generic on their own.
TYPE_WORDS = tuple(sorted({spelling for spellings in FORMS.values() for spelling in spellings if spelling}
                          | set(FORMS)))
PROVINCE_LETTERS = {
    "北京": "京", "天津": "津", "上海": "沪", "重庆": "渝", "河北": "冀", "山西": "晋", "辽宁": "辽", "吉林": "吉",
    "黑龙江": "黑", "江苏": "苏", "浙江": "浙", "安徽": "皖", "福建": "闽", "江西": "赣", "山东": "鲁", "河南": "豫",
    "湖北": "鄂", "湖南": "湘", "广东": "粤", "海南": "琼", "四川": "川", "贵州": "黔", "云南": "滇", "陕西": "陕",
    "甘肃": "甘", "青海": "青", "内蒙古": "蒙", "广西": "桂", "西藏": "藏", "宁夏": "宁", "新疆": "新",
}  # fmt: skip
NATIONAL = ("中华人民共和国", "中华全国", "中国", "中华", "全国")


def _strip_words(text, words):
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text


def _cjk_count(text):
    return sum(1 for char in text if "\u3400" <= char <= "\u9fff")


def core(body, keep_common=False):
    """What a name's body says once sports, types and the field's words (and, unless kept,
    ordinary words like 阳光) are taken out."""
    words = SPORTS + EVENTS + FIELD_WORDS + TYPE_WORDS + (() if keep_common else COMMON_WORDS)
    return _strip_words(body, words)


def is_generic(text):
    """A word or phrase any case may use: a sport, an event, a type, a field or ordinary word, or a mix of them."""
    return _cjk_count(core(text)) == 0 and not any(char.isascii() and char.isalnum() for char in text)


def split_form(rest):
    """(body, form) with form the longest FORMS key the name ends with ('' if none)."""
    for form in sorted(FORMS, key=len, reverse=True):
        if rest.endswith(form):
            return rest[: -len(form)], form
    return rest, ""


def _region_prefixes(regions):
    """Every way of writing the regions, keeping the innermost: outer levels dropped one at a
    time, each level with or without its suffix."""
    prefixes = set()
    for start in range(len(regions)):
        combos = [""]
        for region in regions[start:]:
            spellings = {region.name, short_name(region.name)}
            combos = [combo + spelling for combo in combos for spelling in spellings]
        prefixes.update(combos)
    return prefixes


def chinese_variants(name, province_code=None):
    """The name's variants (the name itself included), longest first."""
    name = name.strip()
    if not name or _cjk_count(name) < 2:
        return [name] if name else []
    national = next((word for word in NATIONAL if name.startswith(word) and len(name) > len(word)), "")
    regions, rest = leading_regions(name[len(national):], province_code)
    body, form = split_form(rest)
    form_spellings = FORMS.get(form, (form,)) if form else ("",)
    variants = {name}
    tails = {body + spelling for spelling in form_spellings} - {""}
    for prefix in _region_prefixes(regions) or {""}:
        for tail in tails:
            if prefix and (body or tail not in ("", "队", "协")):
                variants.add(prefix + tail)
    if national:
        variants.update(national + tail for tail in tails if tail not in ("队", "协"))
    if len(regions) == 1 and regions[0].level == 1 and not body:
        # A provincial body is also written with the province's one-character name: 浙体总, 川社体协.
        letter = PROVINCE_LETTERS.get(short_name(regions[0].name))
        variants.update(letter + spelling for spelling in form_spellings
                        if letter and 2 <= len(spelling) <= 3 and spelling != form)
    # Without any region the body must carry the name (阳光健身志愿者协会, not 健身气功协会);
    # alone, without its form, it must say something beyond ordinary words (not 阳光健身).
    for spelling in form_spellings:
        tail = body + spelling
        if not tail:
            continue
        if spelling:
            enough = _cjk_count(core(body, keep_common=True)) >= 2
        else:  # the bare body, as in 银杏健身 or 星海冬泳: not a two-character word such as 彩云
            enough = _cjk_count(core(body)) >= 2 and len(body) >= 3
        if enough and tail not in COMMON_WORDS:
            variants.add(tail)
    return sorted(variants, key=lambda v: (-len(v), v))


def pinyin_variants(name, province_code=None):
    """Pinyin spellings (syllable lists) of the distinctive body of the name: 北京市示例体育协会 -> shi li."""
    regions, rest = leading_regions(name.strip(), province_code)
    body, _form = split_form(rest)
    distinctive = core(body)
    if _cjk_count(distinctive) < 2 or _cjk_count(distinctive) != len(distinctive):
        return []
    from pypinyin import lazy_pinyin
    reading = tuple(lazy_pinyin(distinctive))
    return [reading] if len("".join(reading)) >= 5 else []
