"""The campaign's results as an .xlsx workbook: one sheet per view (ranking, per-review scores,
reviewer statistics) and the method behind them (calibration model, excluded reviews). Headers
are in the reader's language."""
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..review.models import CONFIDENCE_LEVELS
from ..spreadsheets import append_row
from .aggregation import weighted_total


def _confidence(level):
    # The stored key (high/medium/low) is for the program; the sheet shows the form's words.
    return str(dict(CONFIDENCE_LEVELS).get(level, level or ""))


def _sheet(workbook, title, headers, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    return sheet


def _round(value, digits=3):
    return None if value is None else round(float(value), digits)


def results_xlsx(results, decisions):
    """Bytes of the workbook for a queries.CampaignResults and {case id: SelectionDecision}."""
    workbook = Workbook()
    ranking = []
    for r in results.results:
        case = results.cases[r.case_id]
        decision = decisions.get(r.case_id)
        ranking.append([r.rank, r.case_id, case.title, case.organization.name, r.n_reviews, _round(r.mean),
                        _round(r.calibrated), _round(r.range), _round(r.std), _("yes") if r.disagreement else "",
                        str(case.state.label),
                        decision.reason if decision and decision.reason else ""])
    _sheet(workbook, _("Ranking"), [_("Rank"), _("Case"), _("Title"), _("Organization"), _("Reviews"),
                                    _("Mean"), _("Calibrated score"), _("Range"), _("Standard deviation"),
                                    _("Disagreement"), _("State"), _("Reason for deviation")], ranking, first=True)
    criteria = list(results.campaign.criteria)
    reviews = []
    # Reviews a conflict of interest excluded stay in the sheet, marked, so the export shows what
    # the page shows; the ranking never counts them.
    for rows, counted in ((results.rows, _("yes")), (results.excluded_rows, _("excluded: conflict of interest"))):
        for assignment, review in rows:
            reviews.append([assignment.case_id, results.expert_names.get(assignment.expert_id, assignment.expert_id),
                            *[review.scores.get(c.key) for c in criteria],
                            _round(weighted_total(review.scores, results.rubric)), _confidence(review.confidence),
                            review.overall_comment, counted])
    _sheet(workbook, _("Review scores"), [_("Case"), _("Expert"), *[str(c.name) for c in criteria],
                                          _("Weighted total"), _("Confidence"), _("Overall comment"),
                                          _("Counted in the results")], reviews)
    stats = [[results.expert_names.get(s.expert_id, s.expert_id),
              s.assigned, s.done, _round(s.completion_rate), _round(s.severity), _round(s.mean_total)]
             for s in results.expert_stats]
    sheet = _sheet(workbook, _("Reviewer statistics"), [_("Expert"), _("Assigned"), _("Done"), _("Completion rate"),
                                                         _("Severity"), _("Mean total")], stats)
    if results.reliability is not None:
        for row in ([], [_("ICC(1)"), _round(results.reliability.icc1)],
                    [_("ICC(1,k)"), _round(results.reliability.icc1_k)],
                    [_("Krippendorff's alpha"), _round(results.reliability.alpha)]):
            append_row(sheet, row)
    _sheet(workbook, _("Method"), [_("Item"), _("Value")], _method_rows(results))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _method_rows(results):
    """The calibration model the ranking used and why, and how many reviews it left out."""
    calibration = results.aggregation.calibration if results.aggregation else None
    names = {"scale": _("Per-expert offset and scale"), "additive": _("Additive reviewer-effect model"),
             "zscore": _("Z-scores per expert"), "none": _("No calibration (plain means)")}
    model = names.get(calibration.method if calibration is not None else "none", calibration and calibration.method)
    rows = [[_("Calibration model"), model]]
    choice = calibration.choice if calibration is not None else None
    if choice is not None and choice.compared:
        rows += [[_("Held-out mean squared error: additive model"), _round(choice.heldout_error.get("additive"))],
                 [_("Held-out mean squared error: offset and scale"), _round(choice.heldout_error.get("scale"))],
                 [_("Reviews held out"), choice.held_out]]
    rows.append([_("Submitted reviews excluded (conflict of interest)"), len(results.excluded_rows)])
    return rows
