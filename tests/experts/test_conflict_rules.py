"""The conflict-of-interest rules, on plain values."""
from reviewapp.experts.conflicts import Party, detect

ORG = Party("beijing", ("北京市朝阳区社会体育指导员协会", "朝阳社体协会"), "office@cysports.org.cn")


def test_same_province_is_a_conflict():
    assert detect(Party("beijing", (), "a@univ.edu.cn"), ORG) == ["same_province"]
    assert detect(Party("shanghai", (), "a@univ.edu.cn"), ORG) == []
    assert detect(Party(None, (), "a@univ.edu.cn"), Party(None, (), "b@x.cn")) == []


def test_same_affiliation_by_name_or_short_name():
    assert detect(Party("hunan", ("北京市朝阳区社会体育指导员协会",), "a@x.cn"), ORG) == ["same_affiliation"]
    assert detect(Party("hunan", ("朝阳社体协会",), "a@x.cn"), ORG) == ["same_affiliation"]
    assert detect(Party("hunan", ("北京市 朝阳区社会体育指导员协会 ",), "a@x.cn"), ORG) == ["same_affiliation"]
    # A generic word inside the name proves nothing.
    assert detect(Party("hunan", ("协会",), "a@x.cn"), ORG) == []


def test_mail_domain_match_ignores_public_mail_services():
    assert detect(Party("hunan", (), "li@CYSPORTS.org.cn"), ORG) == ["mail_domain"]
    for domain in ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "hotmail.com",
                   "sina.com", "foxmail.com"]:
        assert detect(Party("hunan", (), f"a@{domain}"), Party("beijing", ("X",), f"b@{domain}")) == []


def test_every_rule_is_reported():
    expert = Party("beijing", ("朝阳社体协会",), "x@cysports.org.cn")
    assert detect(expert, ORG) == ["same_province", "same_affiliation", "mail_domain"]
