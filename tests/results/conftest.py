"""The hand-computed example campaign of the results and selection pages."""
from datetime import datetime, timedelta, timezone

import pytest

from reviewapp.extensions import db
from reviewapp.review.models import Review, ReviewStatus
from tests.factories import make_campaign, make_organization, make_user, sign_in_as
from tests.review.conftest import confirm, make_case, review_window

# Weights 1, 1, 1, 2 (sum 5). Weighted totals by hand:
#   case A: expert 1 (8,8,8,8) -> 8.0      expert 2 (6,7,8,9) -> 39/5 = 7.8   mean 7.9, range 0.2
#   case B: expert 1 (10,10,10,10) -> 10.0 expert 2 (2,3,4,5) -> 19/5 = 3.8   mean 6.9, range 6.2
#   case C: expert 1 (7,9,7,8) -> 39/5 = 7.8 expert 2 (8,8,8,8) -> 8.0       mean 7.9, range 0.2
# Both experts review every case, so the additive model's biases cancel in each case's mean:
# calibrated = mean. A and C tie on calibrated score, mean, spread and number of reviews;
# C was submitted earlier, so C ranks 1st and A 2nd (the documented tie rule); B is 3rd.
SCORES = {
    "A": ((8, 8, 8, 8), (6, 7, 8, 9)),
    "B": ((10, 10, 10, 10), (2, 3, 4, 5)),
    "C": ((7, 9, 7, 8), (8, 8, 8, 8)),
}
KEYS = ("organization", "regularity", "innovation", "influence")


class Example:
    pass


@pytest.fixture
def example(app):
    ex = Example()
    ex.campaign = make_campaign(**review_window(), selection_quota=1)
    for criterion in ex.campaign.criteria:
        criterion.weight = 2 if criterion.key == "influence" else 1
    ex.experts = [make_user("expert", email=f"judge{n}@example.cn") for n in (1, 2)]
    ex.cases = {}
    now = datetime.now(timezone.utc)
    submitted = {"A": now - timedelta(days=30), "B": now - timedelta(days=31), "C": now - timedelta(days=32)}
    for n, label in enumerate("ABC"):
        org = make_organization(name=f"示例协会{label}", email=f"org{label}@example.cn",
                                province=("beijing", "shanghai", "hunan")[n]).organization
        case = make_case(ex.campaign, org, f"案例{label}", "内容")
        case.submitted_at = submitted[label]
        ex.cases[label] = case
        for expert, scores in zip(ex.experts, SCORES[label]):
            assignment = confirm(case, expert)
            db.session.add(Review(assignment_id=assignment.id, status=ReviewStatus.SUBMITTED,
                                  scores=dict(zip(KEYS, scores)), confidence="high", submitted_at=now))
    db.session.commit()
    ex.admin = sign_in_as(app.test_client(), make_user("admin"))
    return ex
