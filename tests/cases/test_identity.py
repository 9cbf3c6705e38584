"""The blind check flags places where text still names the organization or its contact."""
from reviewapp.cases.blind import (
    Identity,
    find_identity_mentions,
    normalize_phone,
    organization_name_variants,
)


IDENTITY = Identity(
    organization="杭州市西湖区阳光健身志愿者协会",
    short_names=("西湖阳光",),
    contact_person="张伟",
    phones=("138-0013-8000", "0571-8888 6666"),
    emails=("info@xhsunshine.org.cn",),
    websites=("https://www.xhsunshine.org.cn/about",),
)


def fields(text, identity=IDENTITY):
    return [(mention.field, mention.matched) for mention in find_identity_mentions(text, identity)]


def test_finds_the_organization_in_full_short_and_spaced_forms():
    assert fields("本案例由杭州市西湖区阳光健身志愿者协会申报。") == [("organization", "杭州市西湖区阳光健身志愿者协会")]
    assert fields("西湖区 阳光 健身志愿者协会") == [("organization", "西湖区 阳光 健身志愿者协会")]
    assert fields("阳光健身志愿者们每周活动") == [("organization", "阳光健身志愿者")]
    assert fields("简称西湖阳光。") == [("organization", "西湖阳光")]


def test_generic_words_and_other_organizations_are_not_flagged():
    assert fields("全民健身志愿者协会和杭州市体育局共同组织，西湖区的群众踊跃参加。") == []


def test_finds_phone_numbers_in_any_notation():
    text = "电话13800138000，或 +86 138 0013 8000、0086-138-0013-8000、１３８００１３８０００；座机(0571)8888-6666、88886666。另：13800138001"
    assert [matched for _, matched in fields(text)] == [
        "13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "１３８００１３８０００", "0571)8888-6666", "88886666",
    ]  # fmt: skip
    assert normalize_phone("+86 138-0013-8000") == normalize_phone("13800138000") == "13800138000"


def test_finds_contact_person_email_and_website():
    found = fields("联系人：张 伟，邮箱 INFO@xhsunshine.org.cn 或 info(at)xhsunshine.org.cn，网址 www.XHSunshine.org.cn")
    assert found == [
        ("contact_person", "张 伟"), ("email", "INFO@xhsunshine.org.cn"),
        ("email", "info(at)xhsunshine.org.cn"), ("website", "XHSunshine.org.cn"),
    ]  # fmt: skip


def test_english_names_match_case_insensitively_without_legal_suffix():
    identity = Identity(organization="Sunshine Fitness Volunteers Co., Ltd.", contact_person="Zhang Wei")
    text = "Run by SUNSHINE FITNESS VOLUNTEERS since 2019; contact Wei Zhang. Sunshinefitness is unrelated."
    assert fields(text, identity) == [("organization", "SUNSHINE FITNESS VOLUNTEERS"), ("contact_person", "Wei Zhang")]


def test_mentions_carry_a_snippet_and_positions_in_the_original_text():
    text = "前言" * 20 + "由西湖阳光组织" + "结尾" * 20
    [mention] = find_identity_mentions(text, IDENTITY)
    assert text[mention.start : mention.end] == "西湖阳光"
    assert mention.snippet.startswith("…") and mention.snippet.endswith("…") and "由西湖阳光组织" in mention.snippet


def test_name_variants_drop_place_only_and_generic_forms():
    variants = organization_name_variants("浙江省体育总会", ["浙体总"], "zhejiang")
    # The province stays in every form: without it, 体育总会 / 体总 names every such body.
    assert variants == ["浙江省体育总会", "浙江体育总会", "浙江省体总", "浙江体总", "浙体总"]
    assert "中国田径" in organization_name_variants("中国田径协会") and "田径" not in organization_name_variants("中国田径协会")
