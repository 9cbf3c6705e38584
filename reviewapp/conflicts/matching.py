"""Which experts an applicant's declared entry names: pure functions on plain values.

An entry is, as in HotCRP's conflict fields, one line of free text:

* an e-mail address (``zhang.wei@sus.edu.cn``): the expert with that address;
* a mail domain (``@sus.edu.cn`` or ``sus.edu.cn``): every expert mailing from it or a
  subdomain of it, unless it is a public mail service anyone can use;
* anything else, a person's or an organization's name: the experts whose name or
  affiliation it matches (the same rule as detected conflicts, experts/conflicts.py).
"""
import re

from flask_babel import lazy_gettext as _l

from ..experts.conflicts import PUBLIC_MAIL_DOMAINS, mail_domain, names_match

ENTRY_MAX = 200
_DOMAIN = re.compile(r"^@?([a-z0-9-]+(\.[a-z0-9-]+)+)$")


def clean_entry(text):
    """The entry as stored (trimmed, one space between words), or raise ValueError with the
    message a person reads."""
    entry = " ".join((text or "").split())
    if not entry:
        raise ValueError(_l("Write a name, an organization, an e-mail address or a mail domain."))
    if len(entry) > ENTRY_MAX:
        raise ValueError(_l("An entry has at most %(n)d characters.", n=ENTRY_MAX))
    domain = _domain_of(entry)
    if domain and domain in PUBLIC_MAIL_DOMAINS:
        raise ValueError(_l("%(domain)s is a public mail service that anyone can use; name the person "
                            "or their own address instead.", domain=domain))
    if not domain and "@" not in entry and len(re.sub(r"[\s\W_]+", "", entry)) < 2:
        raise ValueError(_l("This entry is too short to name anyone."))
    return entry


def _domain_of(entry):
    """The domain when the entry is a mail domain (with or without '@'), else ''."""
    match = _DOMAIN.match(entry.strip().lower())
    return match.group(1) if match else ""


def _is_address(entry):
    local, at, domain = entry.strip().lower().rpartition("@")
    return bool(at and local and "." in domain and " " not in entry.strip())


def entry_matches(entry, name, affiliation, email):
    """Does `entry` name the expert with this name, affiliation and e-mail?"""
    text = entry.strip().lower()
    if _is_address(text):
        return text == (email or "").strip().lower()
    domain = _domain_of(text)
    if domain:
        theirs = mail_domain(email)
        if theirs and (theirs == domain or theirs.endswith("." + domain)):
            return True
    return names_match(entry, name) or names_match(entry, affiliation)
