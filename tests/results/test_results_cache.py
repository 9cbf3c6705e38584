"""The results table is computed once and reused while nothing it depends on changes;
every change that matters shows at once. The table pages and filters disagreements."""
import re

from reviewapp.extensions import db
from reviewapp.results import routes as results_routes
from reviewapp.review.models import Review, ReviewStatus


def _page(example, query=""):
    return example.admin.get(f"/results/campaigns/{example.campaign.id}{query}").get_data(as_text=True)


def _mean_of(html, case_id):
    return re.search(rf'<tr id="case-{case_id}".*?class="mean">([\d.]+)</td>', html, re.DOTALL).group(1)


def _review(example, label, expert):
    return db.session.scalar(db.select(Review).join(Review.assignment).filter_by(
        case_id=example.cases[label].id, expert_id=expert.id))


def test_a_review_leaving_or_changing_shows_at_once(app, example):
    b = example.cases["B"].id
    assert _mean_of(_page(example), b) == "6.90"
    review = _review(example, "B", example.experts[1])
    review.status = ReviewStatus.DRAFT             # reopened by its expert
    db.session.commit()
    assert _mean_of(_page(example), b) == "10.00"  # only expert 1's 10.0 is left
    review.scores = {**review.scores, "influence": 10}
    review.status = ReviewStatus.SUBMITTED           # (2+3+4+2*10)/5 = 5.8; mean of 10 and 5.8
    db.session.commit()
    assert _mean_of(_page(example), b) == "7.90"


def test_draft_autosaves_keep_the_stamp_and_stamps_keep_the_campaign_version(app, example):
    campaign = example.campaign
    _page(example)
    db.session.refresh(campaign)
    stamp, version = campaign.results_stamp, campaign.version
    draft = _review(example, "A", example.experts[0])
    draft.status = ReviewStatus.DRAFT
    db.session.commit()
    db.session.refresh(campaign)
    assert campaign.results_stamp != stamp and campaign.version == version
    stamp = campaign.results_stamp
    draft.scores = {**draft.scores, "innovation": 1}   # an autosave of the draft
    db.session.commit()
    db.session.refresh(campaign)
    assert campaign.results_stamp == stamp


def test_the_table_pages_and_filters_disagreements(app, example, monkeypatch):
    monkeypatch.setattr(results_routes, "PAGE_SIZE", 2)
    a, b, c = (example.cases[k].id for k in "ABC")
    first = _page(example, "?threshold=3")
    assert re.findall(r'<tr id="case-(\d+)"', first) == [str(c), str(a)]
    assert "Page 1 of 2" in first and "page=2" in first
    second = _page(example, "?threshold=3&page=2")
    assert re.findall(r'<tr id="case-(\d+)"', second) == [str(b)]
    only = _page(example, "?threshold=3&disagreements=1")
    assert re.findall(r'<tr id="case-(\d+)"', only) == [str(b)] and "Only disagreements (1)" in only
    # Each reviewer's total, named, in the case's row.
    row = re.search(rf'<tr id="case-{b}".*?</tr>', second, re.DOTALL).group(0)
    assert "Test expert" in row or example.experts[0].name in row
    assert '<span class="total">10.00</span>' in row and '<span class="total">3.80</span>' in row
