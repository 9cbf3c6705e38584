"""Conflict-of-interest rules between an expert and a case's organization.

Pure functions on plain values, so each rule is tested without a database:

* ``same_province``: the expert works in the organization's province;
* ``same_affiliation``: the expert's affiliation is the organization (its
  name or a usual short form, one containing the other);
* ``mail_domain``: expert and organization mail from the same domain, unless
  it is a public mail service anyone can use.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PUBLIC_MAIL_DOMAINS = frozenset({
    "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com",
    "sina.com", "sina.cn", "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn",
    "gmail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com",
})
# A shorter name than this inside another proves nothing ("协会").
MIN_CONTAINED_LENGTH = 4

RULE_LABELS = {
    "same_province": _l("Same province as the applicant"),
    "same_affiliation": _l("Works for the applicant organization"),
    "mail_domain": _l("Same e-mail domain as the applicant"),
    "applicant_declared": _l("Named by the applicant (declaration accepted)"),
}


@dataclass(frozen=True)
class Party:
    """What the rules compare: for an expert, name variants are its affiliation."""

    province: str | None
    names: tuple
    email: str


def _normal(text):
    return re.sub(r"[\s\W_]+", "", (text or "").lower())


def mail_domain(email):
    """The domain of `email`, lower-case, or '' if there is none."""
    _, _, domain = (email or "").strip().lower().rpartition("@")
    return domain


def names_match(first, second):
    a, b = _normal(first), _normal(second)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= MIN_CONTAINED_LENGTH and shorter in longer


def detect(expert: Party, organization: Party) -> list:
    """The codes of every rule that puts the expert in conflict, in rule order."""
    found = []
    if expert.province and expert.province == organization.province:
        found.append("same_province")
    if any(names_match(mine, theirs) for mine in expert.names for theirs in organization.names):
        found.append("same_affiliation")
    domain = mail_domain(expert.email)
    if domain and domain not in PUBLIC_MAIL_DOMAINS and domain == mail_domain(organization.email):
        found.append("mail_domain")
    return found


def expert_party(profile):
    return Party(profile.province, tuple(n for n in [profile.affiliation] if n), profile.email)


def organization_party(organization):
    shorts = [line.strip() for line in (organization.short_names or "").splitlines() if line.strip()]
    return Party(organization.province, (organization.name, *shorts), organization.email)
