"""The expert's review pages: queue, blind case with the rubric form (autosaved), evidence, decline.

Every case URL carries the assignment's opaque token (see queries.py); a token
that is not one of the signed-in expert's active assignments gives 404.
"""
import json

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import allow
from ..auth.models import Role
from ..cache import rendered
from ..conflicts.queries import ended_by_token
from ..errors import error_response
from ..campaigns.phases import Window, WindowClosed, is_open
from ..extensions import db
from ..i18n import current_language
from ..security import DOWNLOAD_POLICY, IMAGE_POLICY, PDF_POLICY, send_stored_file
from ..timezones import format_local, utcnow
from ..views import committed
from . import blind_view, operations, queries
from .forms import DECLINE_CHOICES, DeclineForm, ReviewForm, expected_version, rubric_values
from .models import CONFIDENCE_LEVELS

bp = Blueprint("review", __name__, url_prefix="/review")



ENDED = _l("This case is no longer assigned to you: a conflict of interest was recorded, so you cannot "
           "see it or review it any more, and any review of it is not counted. Thank you for your care.")


def assigned(user, token, **_):
    """The token is one of the expert's confirmed, not declined assignments. A token whose
    assignment a conflict of interest ended gets a 403 that says so (the expert knows the case)."""
    if queries.assignment_by_token(user, token) is not None:
        return True
    if ended_by_token(user, token):
        abort(make_response(error_response(403, ENDED)))
    return False


def _assignment(token):
    return queries.assignment_by_token(current_user, token) or abort(404)


@bp.get("/")
@allow(Role.EXPERT)
def queue():
    items = queries.queue(current_user)
    done = sum(1 for item in items if item.status == queries.SUBMITTED)
    return render_template("review/queue.html", items=items, done=done, total=len(items), rows=_rows(items),
                           next_item=queries.next_item(current_user))


def _rows(items):
    """The table rows, reused while nothing they show has changed: the key holds every
    value the rows are made of (an expert may have a hundred cases; the page is the
    one experts reload most)."""
    now = utcnow()
    key = (current_language(), tuple((item.number, item.token, item.status, item.review_closes, item.timezone,
                                      now >= item.review_closes) for item in items))
    return rendered("review-queue-rows", key, "review/_queue_rows.html", items=items, now=now)


def _form_values(review):
    if review is None:
        return {"scores": {}, "comments": {}, "overall_comment": "", "confidence": None}
    return {"scores": review.scores or {}, "comments": review.comments or {},
            "overall_comment": review.overall_comment or "", "confidence": review.confidence}


def _render(token, assignment, values=None, error=None, status=200):
    review = queries.review_of(assignment)
    case = assignment.case
    campaign = case.campaign
    number = next((item.number for item in queries.queue(current_user) if item.token == token), 0)
    key = blind_view.view_key(case)
    blind = blind_view.cached_build(case, key)
    values = values or _form_values(review)
    return render_template(
        "review/review.html", token=token, number=number, case=blind, blind_html=_blind_html(token, key, blind),
        criteria_html=_criteria_html(campaign, values), campaign=campaign,
        review=review, version=review.version if review else 0, values=values, error=error,
        status=queries.status_of(review), window_open=is_open(campaign, Window.REVIEW),
        deadline=format_local(campaign.review_closes, campaign.timezone),
        spread=queries.spread_for_experts(assignment) if review and review.submitted else None,
        next_item=queries.next_item(current_user, after_token=token), confidence_levels=CONFIDENCE_LEVELS,
        decline_choices=DECLINE_CHOICES), status


def _criteria_html(campaign, values):
    """The rubric's criteria filled with `values`, reused while the rubric (its campaign's
    version and results stamp, which criteria edits renew), the language and the values
    are the same: most page views show an untouched or unchanged review."""
    key = (campaign.id, campaign.version, campaign.results_stamp, current_language(),
           json.dumps(values, sort_keys=True, default=str))
    return rendered("review-criteria", key, "review/_criteria.html", size=1024, campaign=campaign, values=values)


def _blind_html(token, key, blind):
    """The blind case's HTML (its file links carry the token), reused like the view itself."""
    return rendered("blind-case-html", (token, key), "review/_blind_case_page.html", max_age=300,
                    case=blind, token=token)


@bp.get("/<token>")
@allow(Role.EXPERT, check=assigned)
def show(token):
    return _render(token, _assignment(token))


def _save(assignment, submit):
    values = rubric_values(request.form, assignment.case.campaign)
    version = expected_version(request.form)
    if submit:
        return operations.submit_review(current_user, assignment, values, version), values
    return operations.save_draft(current_user, assignment, values, version), values


@bp.post("/<token>")
@allow(Role.EXPERT, check=assigned)
def save(token):
    assignment = _assignment(token)
    submit = request.form.get("action") == "submit"
    values = rubric_values(request.form, assignment.case.campaign)
    if not ReviewForm().validate_on_submit():
        return _render(token, assignment, values, _l("The form had expired; please send it again."), 400)
    try:
        _save(assignment, submit)
    except (operations.ReviewRefused, WindowClosed) as refusal:
        db.session.rollback()
        return _render(token, _assignment(token), values, refusal.message, 409)
    db.session.commit()
    if submit:
        flash(_l("Your review is submitted. Thank you!"), "success")
    else:
        flash(_l("Draft saved."), "success")
    return redirect(url_for("review.show", token=token))


@bp.post("/<token>/autosave")
@allow(Role.EXPERT, check=assigned)
def autosave(token):
    assignment = _assignment(token)
    if not ReviewForm().validate_on_submit():
        return jsonify(ok=False, message=str(_l("The form had expired; reload the page."))), 400
    try:
        review, _values = _save(assignment, submit=False)
    except (operations.ReviewRefused, WindowClosed) as refusal:
        db.session.rollback()
        return jsonify(ok=False, conflict=getattr(refusal, "conflict", False), message=str(refusal.message)), 409
    db.session.commit()
    saved_at = format_local(utcnow(), assignment.case.campaign.timezone)[-5:]
    return jsonify(ok=True, version=review.version, message=str(_l("Draft saved at %(time)s.", time=saved_at)))


@bp.post("/<token>/reopen")
@allow(Role.EXPERT, check=assigned)
def reopen(token):
    assignment = _assignment(token)
    if not ReviewForm().validate_on_submit():
        return redirect(url_for("review.show", token=token))
    with committed(_l("The review is open again. Submit it again before the deadline."),
                   operations.ReviewRefused, WindowClosed):
        operations.reopen_review(current_user, assignment)
    return redirect(url_for("review.show", token=token))


@bp.post("/<token>/decline")
@allow(Role.EXPERT, check=assigned)
def decline(token):
    assignment = _assignment(token)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_l("Choose why you give this case back."), "error")
        return redirect(url_for("review.show", token=token))
    with committed(_l("The case is given back to the administrators for reassignment."),
                   operations.ReviewRefused) as outcome:
        operations.decline_assignment(current_user, assignment, form.kind.data, form.reason.data)
    return redirect(url_for("review.queue") if outcome.ok else url_for("review.show", token=token))


def _file(token, number):
    found = blind_view.evidence_file(_assignment(token).case, number)
    if found is None or not found[1].blind_storage_name:
        abort(404)
    return found


@bp.get("/<token>/files/<int:number>/view")
@allow(Role.EXPERT, check=assigned)
def view_file(token, number):
    """Photos and PDFs from their blind copies; Office files as the PDF rendering of theirs."""
    blind, item = _file(token, number)
    if item.kind == "photo":
        return send_stored_file(item.blind_storage_name, item.mime, IMAGE_POLICY, blind.download_name)
    if item.kind == "pdf":
        return send_stored_file(item.blind_storage_name, "application/pdf", PDF_POLICY, blind.download_name)
    if item.preview_storage_name:
        return send_stored_file(item.preview_storage_name, "application/pdf", PDF_POLICY, f"evidence-{number}.pdf")
    abort(404)


@bp.get("/<token>/files/<int:number>/download")
@allow(Role.EXPERT, check=assigned)
def download_file(token, number):
    """The blind copy; an Office file only as its cleaned PDF, never the package itself (embedded
    parts, paths and names a cleaner may miss travel with a .docx, not with its rendering)."""
    blind, item = _file(token, number)
    if item.kind == "office":
        return send_stored_file(item.preview_storage_name, "application/pdf", DOWNLOAD_POLICY, blind.download_name,
                                as_attachment=True)
    return send_stored_file(item.blind_storage_name, item.mime or "application/octet-stream", DOWNLOAD_POLICY,
                            blind.download_name, as_attachment=True)


@bp.get("/<token>/files/<int:number>/thumbnail")
@allow(Role.EXPERT, check=assigned)
def thumbnail(token, number):
    _blind, item = _file(token, number)
    if not item.thumbnail_name:
        abort(404)
    return send_stored_file(item.thumbnail_name, "image/jpeg", IMAGE_POLICY, f"photo-{number}-small.jpg")


from . import routes_admin  # noqa: F401  (admin and organization pages on the same blueprint)
