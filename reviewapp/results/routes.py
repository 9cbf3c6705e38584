"""The admin's results pages: the ranked table with reliability, the selection, the .xlsx export."""
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from ..access import allow
from ..assignment.operations import AssignmentRefused, add_extra_reviewer
from ..auth.models import Role
from ..cache import rendered
from ..campaigns.models import Campaign
from ..cases.models import Case
from ..conflicts.queries import excluded_reviews
from ..extensions import db
from ..i18n import current_language
from ..input_limits import parse_id, parse_int
from ..security import DOWNLOAD_POLICY
from ..views import committed
from . import operations, queries
from .export import results_xlsx
from .selection import GroupLimit, group_counts

bp = Blueprint("results", __name__, url_prefix="/results")


def _campaign_or_404(campaign_id):
    return db.session.get(Campaign, campaign_id) or abort(404)


def _threshold(campaign):
    """The disagreement threshold from ?threshold= (rubric points), default 30% of the scale."""
    default = round(0.3 * (campaign.score_max - campaign.score_min), 2)
    try:
        value = float(request.args.get("threshold", default))
    except ValueError:
        return default
    return value if 0 <= value <= campaign.score_max - campaign.score_min else default


PAGE_SIZE = 50


@bp.get("/campaigns/<int:campaign_id>")
@allow(Role.ADMIN)
def show(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    threshold = _threshold(campaign)
    only_disagreements = request.args.get("disagreements") == "1"
    ranking = queries.ranking(campaign, threshold)
    shown = ranking.disagreements if only_disagreements else ranking.results
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(pages, max(1, request.args.get("page", 1, type=int) or 1))
    rows = shown[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    # Reviews a conflict of interest excluded: not counted, but marked on their case's row.
    excluded = excluded_reviews(campaign)
    results = queries.campaign_results(campaign, threshold, case_ids=[r.case_id for r in rows],
                                       expert_ids={e for r in rows for e in r.totals}
                                       | {e for r in rows for e in excluded.get(r.case_id, ())})
    view = dict(campaign=campaign, results=results, rows=rows, page=page, threshold=threshold,
                only_disagreements=only_disagreements, excluded=excluded)
    return render_template("results/show.html", rows_html=_rows_html(view), pages=pages, shown=len(shown),
                           disagreements=len(ranking.disagreements),
                           excluded_count=sum(len(v) for v in excluded.values()), **view)


def _rows_html(view):
    """The page's rows, reused while everything they show is the same: the ranking's key,
    the page, the filter, the language, and the cases' titles and states and the experts'
    names as read in this request."""
    campaign, results = view["campaign"], view["results"]
    key = (campaign.id, campaign.results_stamp, campaign.version, view["threshold"], view["page"],
           view["only_disagreements"], current_language(),
           tuple((c.id, c.title, c.state) for c in results.cases.values()),
           tuple(sorted(results.expert_names.items())))
    return rendered("results-rows", key, "results/_rows.html", size=64, max_age=900, **view)


@bp.get("/campaigns/<int:campaign_id>/reviewers")
@allow(Role.ADMIN)
def reviewers(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    results = queries.campaign_results(campaign, case_ids=())
    return render_template("results/reviewers.html", campaign=campaign, results=results)


@bp.post("/campaigns/<int:campaign_id>/cases/<int:case_id>/extra-reviewer")
@allow(Role.ADMIN)
def extra_reviewer(campaign_id, case_id):
    campaign = _campaign_or_404(campaign_id)
    case = db.session.get(Case, case_id)
    if case is None or case.campaign_id != campaign.id:
        abort(404)
    if FlaskForm().validate_on_submit():
        with committed(None, AssignmentRefused) as outcome:
            row = add_extra_reviewer(current_user, campaign, case)
            outcome.message = _l("%(name)s now reviews case %(case)d as well.", name=row.expert.name, case=case.id)
    # Back to the same page of the table, at the case's row.
    return redirect(url_for("results.show", campaign_id=campaign.id, page=request.args.get("page", type=int),
                            threshold=request.args.get("threshold", type=float),
                            disagreements=request.args.get("disagreements", type=int), _anchor=f"case-{case.id}"))


@bp.get("/campaigns/<int:campaign_id>/results.xlsx")
@allow(Role.ADMIN)
def export(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    data = results_xlsx(queries.campaign_results(campaign, _threshold(campaign)), queries.decisions_of(campaign))
    response = make_response(data)
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f"attachment; filename=results-{campaign.slug}.xlsx"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def _int_or_none(text):
    return parse_int(str(text or "").strip())


def limits_from(values, results):
    """GroupLimits from fields `min-<dimension>-<value>` / `max-<dimension>-<value>`; blank means none."""
    limits = []
    for dimension, value, label in queries.groups_present(results):
        minimum = _int_or_none(values.get(f"min-{dimension}-{value}")) or 0
        maximum = _int_or_none(values.get(f"max-{dimension}-{value}"))
        if minimum or maximum is not None:
            limits.append(GroupLimit(dimension, value, minimum, maximum,
                                     label=f"{queries.DIMENSIONS[dimension]}: {label}"))
    return limits


def _selection_page(campaign, values, status=200, errors=(), final=None, reasons=None):
    results = queries.campaign_results(campaign, case_ids=())  # the shown rows' titles come below
    candidates = queries.candidates(results)
    limits = limits_from(values, results)
    proposal = queries.proposal(campaign, candidates, limits) if candidates else None
    decisions = queries.decisions_of(campaign)
    if final is None:
        if decisions and "propose" not in values:
            final = {i for i, d in decisions.items() if d.decision == "selected"}
        else:
            final = set(proposal.selected) if proposal and proposal.feasible else set()
    counts = group_counts([c for c in candidates if c.case_id in final], limits)
    proposed = set(proposal.selected) if proposal else set()
    shown = shown_candidates(candidates, campaign.selection_quota, final | proposed, bool(values.get("all")))
    results.cases = queries.case_rows([c.case_id for c in shown])
    reasons = reasons or {i: d.reason or "" for i, d in decisions.items()}
    rows_html = _selection_rows_html(campaign, shown, results.cases, proposed, final, reasons, keep=status == 200)
    return render_template(
        "results/selection.html", campaign=campaign, results=results, candidates=candidates, shown=shown,
        rows_html=rows_html,
        limits=limits, all_rows_url=url_for("results.selection", campaign_id=campaign.id, all=1, **{
            k: v for k, v in values.items() if k.startswith(("min-", "max-")) or k == "propose"}),
        groups=queries.groups_present(results), values=values, proposal=proposal, final=final,
        reasons=reasons, decisions=decisions,
        errors=errors, counts=counts, dimensions=queries.DIMENSIONS, form=FlaskForm(), proposed=proposed), status


def _selection_rows_html(campaign, shown, cases, proposed, final, reasons, keep=True):
    """The selection table's rows, drawn again only when something they show changes: the key
    holds each row's rank, score, title (as read in this request), proposed / ticked marks and
    reason, whether the results are published, and the language. The CSRF token stays outside."""
    published = campaign.published_at is not None
    key = (campaign.id, current_language(), published,
           tuple((c.case_id, c.rank, c.score, cases[c.case_id].title, c.case_id in proposed, c.case_id in final,
                  reasons.get(c.case_id, "")) for c in shown))
    context = dict(shown=shown, cases=cases, proposed=proposed, final=final, reasons=reasons, published=published)
    if not keep:  # a refused form's rows, with what was typed: shown once
        return Markup(render_template("results/_selection_rows.html", **context))
    return rendered("selection-rows", key, "results/_selection_rows.html", size=8, max_age=900, **context)


ROWS_PER_SEAT, MIN_ROWS = 3, 100


def shown_candidates(candidates, quota, marked, everything=False):
    """The rows the selection table shows: the first ROWS_PER_SEAT x quota by rank (at least
    MIN_ROWS) and every proposed or ticked case further down; all with `everything`. A table of
    5,000 rows was 2.4 MB and a second of rendering, for choices made near the top."""
    if everything:
        return candidates
    first = max(ROWS_PER_SEAT * (quota or 0), MIN_ROWS)
    return [c for position, c in enumerate(candidates) if position < first or c.case_id in marked]


@bp.get("/campaigns/<int:campaign_id>/selection")
@allow(Role.ADMIN)
def selection(campaign_id):
    return _selection_page(_campaign_or_404(campaign_id), request.args)


@bp.post("/campaigns/<int:campaign_id>/selection")
@allow(Role.ADMIN)
def record(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    final = {case_id for v in request.form.getlist("selected") if (case_id := parse_id(v))}
    reasons = {parse_id(k.split("-", 1)[1]): v for k, v in request.form.items()
               if k.startswith("reason-") and parse_id(k.split("-", 1)[1])}
    if not FlaskForm().validate_on_submit():
        return _selection_page(campaign, request.form, 400, [_l("The form had expired; please send it again.")],
                               final, reasons)
    results = queries.campaign_results(campaign, case_ids=())
    candidates = queries.candidates(results)
    limits = limits_from(request.form, results)
    proposal = queries.proposal(campaign, candidates, limits)
    if not proposal.feasible:
        return _selection_page(campaign, request.form, 422, proposal.errors, final, reasons)
    try:
        deviations = operations.record_selection(current_user, campaign, candidates, proposal.selected,
                                                 final, reasons, limits)
    except operations.SelectionRefused as refused:
        db.session.rollback()
        return _selection_page(campaign, request.form, 422, refused.reasons, final, reasons)
    db.session.commit()
    flash(_l("The selection is recorded: %(selected)d cases selected, %(deviations)d deviations from the "
             "proposal.", selected=len(final), deviations=len(deviations)), "success")
    return redirect(url_for("results.selection", campaign_id=campaign.id))
