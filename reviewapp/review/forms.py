"""Forms of the review pages. Scores and per-criterion comments are named
`score-<criterion key>` and `comment-<criterion key>`, one pair per criterion
of the campaign's rubric, and read with `rubric_values`."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import CONFIDENCE_LEVELS, DeclineKind

MAX_COMMENT = 5000


class ReviewForm(FlaskForm):
    version = HiddenField()
    overall_comment = TextAreaField(_l("Overall comment to the department"),
                                    validators=[Optional(), Length(max=MAX_COMMENT)])
    confidence = RadioField(_l("How confident are you in this review?"), choices=CONFIDENCE_LEVELS,
                            validators=[Optional()], validate_choice=False)


def rubric_values(formdata, campaign):
    """{"scores": {key: text}, "comments": {key: text}, "overall_comment", "confidence"} from a post."""
    scores, comments = {}, {}
    for criterion in campaign.criteria:
        scores[criterion.key] = formdata.get(f"score-{criterion.key}")
        comments[criterion.key] = (formdata.get(f"comment-{criterion.key}") or "")[:MAX_COMMENT]
    return {"scores": scores, "comments": comments,
            "overall_comment": (formdata.get("overall_comment") or "")[:MAX_COMMENT],
            "confidence": formdata.get("confidence") or None}


def expected_version(formdata):
    try:
        return int(formdata.get("version") or 0)
    except ValueError:
        return -1


DECLINE_CHOICES = [
    (DeclineKind.CONFLICT.value, _l("I have a conflict of interest (I may know the applicant)")),
    (DeclineKind.DECLINED.value, _l("I cannot review it for another reason")),
]


class DeclineForm(FlaskForm):
    # The review page writes this form's fields itself (templates/review/review.html):
    # it is the page experts load most, and WTForms' widgets took a tenth of its time.
    kind = RadioField(_l("Why do you give this case back?"), validators=[DataRequired()], choices=DECLINE_CHOICES)
    reason = TextAreaField(_l("Reason (seen by the administrators only)"),
                           validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    """A button that needs nothing but the CSRF token."""


class SettingsForm(FlaskForm):
    show_spread_to_experts = BooleanField(
        _l("After the review deadline, show experts the anonymised spread of each case's scores"))
    release_feedback = BooleanField(
        _l("After publication, release the reviewers' anonymised comments to each organization"))
