"""Publishing pages: book builds (background job, versioned), foreword, announcing the
results, certificates with public verification, one-page PDFs and article export."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow, public
from ..auth.models import Role
from ..auth.sessions import recent_auth_required
from ..campaigns.models import Campaign
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..i18n import current_language
from ..jobs import JobAlreadyRunning
from ..jobs.liveness import reap_dead_jobs
from ..security import DOWNLOAD_POLICY
from ..views import committed
from . import operations
from .announce import organization_outcomes
from .article import article_html, article_zip
from .certificates import (certificate_date, certificate_pdf, date_text, find_by_code, revoke_certificate,
                           save_certificate_settings)
from .cli import publish_command
from .forms import BuildForm, CertificateSettingsForm, ForewordForm, RevokeForm
from .models import BookBuild, Certificate
from .onepage import case_pdf
from .sources import book_cases_of
from .storage import build_path

bp = Blueprint("publishing", __name__, cli_group=None)
bp.cli.add_command(publish_command)


@bp.app_template_global()
def publication_outcomes(organization):
    return organization_outcomes(organization)


def _campaign(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


def _download(data_or_path, name, mimetype):
    if isinstance(data_or_path, bytes):
        response = make_response(data_or_path)
        response.headers["Content-Type"] = mimetype
        response.headers["Content-Disposition"] = f"attachment; filename={name}"
    else:
        response = send_file(data_or_path, mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def _owns_certificate(user, certificate_id):
    certificate = db.session.get(Certificate, certificate_id)
    return certificate is not None and (
        user.role is Role.ADMIN or (user.organization_id is not None
                                    and certificate.organization_id == user.organization_id))


def _reads_published_case(user, case_id):
    case = db.session.get(Case, case_id)
    return case is not None and (user.role is Role.ADMIN or (
        case.state is CaseState.PUBLISHED and case.organization_id == user.organization_id))


@bp.get("/publishing/")
@allow(Role.ADMIN)
def index():
    campaigns = db.session.scalars(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    counts = {campaign.id: len(book_cases_of(campaign)) for campaign in campaigns}
    return render_template("publishing/index.html", campaigns=campaigns, counts=counts)


def _campaign_page(campaign, build_form=None, foreword_form=None, status=200, certificate_form=None):
    reap_dead_jobs()  # a build whose process died shows as interrupted, and may be built again
    builds = db.session.scalars(db.select(BookBuild).filter(BookBuild.campaign_id == campaign.id)
                                .order_by(BookBuild.number.desc())).all()
    cases = book_cases_of(campaign)
    certificates = {c.case_id: c for c in db.session.scalars(
        db.select(Certificate).filter(Certificate.campaign_id == campaign.id))}
    foreword_form = foreword_form or ForewordForm(formdata=None, foreword_zh=campaign.foreword_zh,
                                                  foreword_en=campaign.foreword_en)
    from .announce_guard import announce_blockers, announce_summary
    unpublished = campaign.published_at is None
    return render_template("publishing/campaign.html", campaign=campaign, builds=builds, cases=cases,
                           announce=announce_summary(campaign) if unpublished else None,
                           blockers=announce_blockers(campaign) if unpublished else [],
                           certificates=certificates, build_form=build_form or BuildForm(formdata=None),
                           foreword_form=foreword_form, form=FlaskForm(), revoke_form=RevokeForm(formdata=None),
                           certificate_form=certificate_form or CertificateSettingsForm(
                               formdata=None, authority_zh=campaign.certificate_authority_zh,
                               authority_en=campaign.certificate_authority_en,
                               issue_date=campaign.certificate_date),
                           running=any(b.job and not b.job.finished for b in builds)), status


@bp.get("/publishing/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def campaign(campaign_id):
    return _campaign_page(_campaign(campaign_id))


@bp.post("/publishing/campaigns/<int:campaign_id>/builds")
@allow(Role.ADMIN)
@recent_auth_required
def build(campaign_id):
    campaign = _campaign(campaign_id)
    form = BuildForm()
    if not form.validate_on_submit():
        return _campaign_page(campaign, build_form=form, status=400)
    with committed(_l("The book is being built. You may leave this page; the build will be listed here."),
                   JobAlreadyRunning, operations.PublishingError):
        operations.request_build(current_user, campaign, form.language.data, form.group_by.data,
                                 form.with_statistics.data)
    return redirect(url_for(".campaign", campaign_id=campaign.id))


@bp.get("/publishing/builds/<int:build_id>/book.pdf")
@allow(Role.ADMIN)
def download_build(build_id):
    build = db.session.get(BookBuild, build_id)
    if build is None or not build.storage_name:
        abort(404)
    try:
        path = build_path(build.storage_name)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    return _download(str(path), build.download_name, "application/pdf")


@bp.post("/publishing/campaigns/<int:campaign_id>/foreword")
@allow(Role.ADMIN)
def foreword(campaign_id):
    campaign = _campaign(campaign_id)
    form = ForewordForm()
    if not form.validate_on_submit():
        return _campaign_page(campaign, foreword_form=form, status=400)
    operations.save_foreword(current_user, campaign, form.foreword_zh.data, form.foreword_en.data)
    db.session.commit()
    flash(_l("The foreword has been saved; it appears in the next build."), "success")
    return redirect(url_for(".campaign", campaign_id=campaign.id))


@bp.post("/publishing/campaigns/<int:campaign_id>/announce")
@allow(Role.ADMIN)
@recent_auth_required
def announce(campaign_id):
    campaign = _campaign(campaign_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with committed(None, operations.PublishingError) as outcome:
        published = operations.announce_results(current_user, campaign, request.form.get("override_reason"))
        outcome.message = _l("The results are published: %(n)d cases are in the gallery and every organization "
                             "has been told its outcome.", n=len(published))
    return redirect(url_for(".campaign", campaign_id=campaign.id))


@bp.get("/publishing/cases/<int:case_id>/case.pdf")
@allow(Role.ADMIN, Role.ORGANIZATION, check=_reads_published_case)
def case_page_pdf(case_id):
    case = db.session.get(Case, case_id)
    return _download(case_pdf(case), f"case-{case.id}.pdf", "application/pdf")


def _published_case(case_id):
    case = db.session.get(Case, case_id)
    if case is None or case.state is not CaseState.PUBLISHED:
        abort(404)
    return case


@bp.get("/publishing/cases/<int:case_id>/article.html")
@allow(Role.ADMIN)
def article(case_id):
    case = _published_case(case_id)
    return _download(article_html(case).encode("utf-8"), f"case-{case.id}-article.html",
                     "text/html; charset=utf-8")


@bp.get("/publishing/cases/<int:case_id>/article.zip")
@allow(Role.ADMIN)
def article_archive(case_id):
    """The article with its photos as files, for editors (WeChat's) that drop inline images."""
    case = _published_case(case_id)
    return _download(article_zip(case), f"case-{case.id}-article.zip", "application/zip")


@bp.get("/publishing/certificates/<int:certificate_id>.pdf")
@allow(Role.ADMIN, Role.ORGANIZATION, check=_owns_certificate)
def certificate(certificate_id):
    item = db.session.get(Certificate, certificate_id)
    return _download(certificate_pdf(item), f"certificate-{item.case_id}.pdf", "application/pdf")


@bp.post("/publishing/campaigns/<int:campaign_id>/certificate-settings")
@allow(Role.ADMIN)
def certificate_settings(campaign_id):
    campaign = _campaign(campaign_id)
    form = CertificateSettingsForm()
    if not form.validate_on_submit():
        return _campaign_page(campaign, certificate_form=form, status=400)
    upload = form.seal.data
    seal = upload.read() if upload and getattr(upload, "filename", "") else None
    with committed(_l("The certificate settings are saved; every certificate printed from now on shows them."),
                   operations.PublishingError) as outcome:
        save_certificate_settings(current_user, campaign, form.authority_zh.data, form.authority_en.data,
                                  form.issue_date.data, seal, form.remove_seal.data)
    if not outcome.ok:
        return _campaign_page(campaign, certificate_form=form, status=400)
    return redirect(url_for(".campaign", campaign_id=campaign.id, _anchor="certificates"))


@bp.post("/publishing/certificates/<int:certificate_id>/revoke")
@allow(Role.ADMIN)
def revoke(certificate_id):
    item = db.session.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    else:
        with committed(_l("The certificate is revoked; its verification page says so."),
                       operations.PublishingError):
            revoke_certificate(current_user, item, form.reason.data)
    return redirect(url_for(".campaign", campaign_id=item.campaign_id, _anchor="certificates"))


@bp.get("/verify/<code>")
@public
def verify(code):
    item = find_by_code(code)
    if item is None:
        return render_template("publishing/verify.html", certificate=None), 404
    return render_template("publishing/verify.html", certificate=item,
                           issued=date_text(certificate_date(item), current_language()))
