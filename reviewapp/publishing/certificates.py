"""Certificates of selected cases and their public verification.

A certificate's code is a random token (secrets.token_urlsafe, 128 bits),
stored with the certificate: it cannot be guessed or derived from the
certificate id, a forged code simply is not found, and rotating SECRET_KEY
does not invalidate certificates already printed. /verify/<code> shows what
the certificate attests.
"""
import re
import secrets

from flask_babel import force_locale

from ..extensions import db
from ..timezones import utc_to_local
from .fetcher import ResourceRegistry
from .models import Certificate
from .printing import render_print
from .sources import public_url

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_code():
    return secrets.token_urlsafe(16)


def issue_certificate(case):
    """The certificate of a selected (or published) case, created once."""
    certificate = db.session.scalar(db.select(Certificate).filter(Certificate.case_id == case.id))
    if certificate is None:
        certificate = Certificate(campaign_id=case.campaign_id, case=case,
                                  organization_id=case.organization_id, code=new_code())
        db.session.add(certificate)
        db.session.flush()
    return certificate


def find_by_code(code):
    """The certificate with this code, or None for anything else (forged, mistyped)."""
    if not code or not CODE_PATTERN.match(code):
        return None
    return db.session.scalar(db.select(Certificate).filter(Certificate.code == code))


def verify_url(certificate):
    return public_url("publishing.verify", code=certificate.code)


def certificate_pdf(certificate):
    """The certificate as a one-page PDF (Chinese, with the English line below)."""
    campaign, case = certificate.campaign, certificate.case
    registry = ResourceRegistry()
    url = verify_url(certificate)
    qr = registry.add_qr(url)
    issued = utc_to_local(campaign.published_at or certificate.issued_at, campaign.timezone)
    with force_locale("zh"):
        province_zh = case.organization.province_label
    return render_print(
        "certificate.html", "certificate.css", registry.resources, campaign=campaign, case=case,
        organization=case.organization, province=province_zh, qr_url=qr, verify_url=url,
        code=certificate.code, date_zh=f"{issued.year}年{issued.month}月{issued.day}日",
        date_en=issued.strftime("%d %B %Y"))
