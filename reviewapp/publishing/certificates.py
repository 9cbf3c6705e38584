"""Certificates of selected cases and their public verification.

A certificate's code is a random token (secrets.token_urlsafe, 128 bits),
stored with the certificate: it cannot be guessed or derived from the
certificate id, a forged code simply is not found, and rotating SECRET_KEY
does not invalidate certificates already printed. /verify/<code> shows what
the certificate attests.
"""
import io
import os
import re
import secrets

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..extensions import db
from ..locking import lock_for_write
from ..storage import storage
from ..timezones import utc_to_local, utcnow
from .fetcher import ResourceRegistry
from .models import Certificate
from .printing import render_print
from .sources import public_url

SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_SIDE = 3000

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
    issued = certificate_date(certificate)
    with force_locale("zh"):
        province_zh = case.organization.province_label
    seal_url = None
    if campaign.certificate_seal_name:
        try:
            seal_url = registry.add_bytes(storage().read(campaign.certificate_seal_name), "image/png")
        except FileNotFoundError:
            seal_url = None  # a lost file: the certificate is printed without the seal
    return render_print(
        "certificate.html", "certificate.css", registry.resources, campaign=campaign, case=case,
        organization=case.organization, province=province_zh, qr_url=qr, verify_url=url,
        code=certificate.code, date_zh=date_text(issued, "zh"), date_en=date_text(issued, "en"), seal_url=seal_url,
        authority_zh=campaign.certificate_authority_zh,
        authority_en=campaign.certificate_authority_en or campaign.certificate_authority_zh)


def date_text(day, language):
    return f"{day.year}年{day.month}月{day.day}日" if language == "zh" else f"{day.day} {day.strftime('%B')} {day.year}"


def certificate_date(certificate):
    """The date a certificate bears: the campaign's certificate date, else its publication."""
    campaign = certificate.campaign
    if campaign.certificate_date is not None:
        return campaign.certificate_date
    return utc_to_local(campaign.published_at or certificate.issued_at, campaign.timezone).date()


def seal_png(data):
    """The seal image as a clean PNG (transparency kept, metadata dropped), or PublishingError
    with the reason: only PNG or JPEG content is accepted, whatever the file is called."""
    from PIL import Image, UnidentifiedImageError

    from .operations import PublishingError  # operations imports this module

    if len(data) > SEAL_MAX_BYTES:
        raise PublishingError(_l("The seal image is larger than 2 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise PublishingError(_l("The seal must be a PNG or JPEG image."))
            if max(image.size) > SEAL_MAX_SIDE:
                raise PublishingError(_l("The seal image is larger than 3000 pixels on a side."))
            image.load()
            output = io.BytesIO()
            image.convert("RGBA").save(output, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PublishingError(_l("The seal must be a PNG or JPEG image.")) from error
    return output.getvalue()


def save_certificate_settings(actor, campaign, authority_zh, authority_en, issue_date, seal=None,
                              remove_seal=False):
    """Set who issues the campaign's certificates, the date they bear and their seal. `seal`:
    the bytes of a new image (None keeps the one stored, so an unchanged save loses nothing)."""
    lock_for_write(campaign)
    before = {"authority_zh": campaign.certificate_authority_zh, "authority_en": campaign.certificate_authority_en,
              "date": campaign.certificate_date and campaign.certificate_date.isoformat(),
              "seal": bool(campaign.certificate_seal_name)}
    old_seal = campaign.certificate_seal_name
    if seal:
        name = f"{os.urandom(16).hex()}.png"
        storage().write(name, seal_png(seal))
        campaign.certificate_seal_name = name
    elif remove_seal:
        campaign.certificate_seal_name = None
    campaign.certificate_authority_zh = (authority_zh or "").strip()
    campaign.certificate_authority_en = (authority_en or "").strip()
    campaign.certificate_date = issue_date
    after = {"authority_zh": campaign.certificate_authority_zh, "authority_en": campaign.certificate_authority_en,
             "date": issue_date and issue_date.isoformat(), "seal": bool(campaign.certificate_seal_name)}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if old_seal and old_seal != campaign.certificate_seal_name:  # its file: storage/tombstones.py
        changes["seal"] = [True, bool(campaign.certificate_seal_name)]
    record(actor, "campaign.certificate_settings", campaign, changes=changes or None)
    db.session.flush()
    return campaign


def revoke_certificate(actor, certificate, reason):
    """Revoke a certificate with the reason /verify will show; the row and its code stay."""
    from .operations import PublishingError  # operations imports this module

    reason = (reason or "").strip()
    if not reason:
        raise PublishingError(_l("Say why the certificate is revoked: the verification page shows it."))
    lock_for_write(certificate)
    if certificate.revoked_at is not None:
        raise PublishingError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    certificate.revoked_by_id = getattr(actor, "id", None)
    record(actor, "certificate.revoked", certificate, changes={"case": certificate.case_id}, reason=reason)
    db.session.flush()
    return certificate
