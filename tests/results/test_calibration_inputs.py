"""Any set of reviews (Hypothesis): every model gives a finite score to every case and a residual
to every review, the auto choice is one of the two models, and no calibrated score leaves the scale."""
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewapp.results.aggregation import Criterion, Review, Rubric, aggregate
from reviewapp.results.calibration import calibrate

TOTAL = Rubric((Criterion("total", 1),), 0, 10)

# Up to 12 cases x 6 experts, whole and half points, duplicates (same expert, same case) dropped.
reviews = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 5), st.integers(0, 20).map(lambda v: v / 2)),
    min_size=1, max_size=60, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=60, deadline=None)
@given(reviews)
def test_every_model_scores_every_case(observations):
    cases = {c for c, _e, _v in observations}
    for method in ("auto", "additive", "scale", "zscore", "none"):
        cal = calibrate(observations, method)
        assert set(cal.case_scores) == cases
        assert all(math.isfinite(v) for v in cal.case_scores.values())
        assert set(cal.residuals) == {(c, e) for c, e, _v in observations}
        assert all(math.isfinite(v) for v in cal.residuals.values())
    assert calibrate(observations).method in ("additive", "scale")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 7), st.integers(0, 10)),
                min_size=30, max_size=120, unique_by=lambda r: (r[0], r[1])))
def test_no_calibrated_score_leaves_the_scale_and_flags_count(observations):
    agg = aggregate([Review(c, e, {"total": v}) for c, e, v in observations], TOTAL)
    assert all(0 <= r.calibrated <= 10 for r in agg.results)
    assert all(r.residual_range >= 0 and r.disagreement == (r.residual_range > agg.disagreement_threshold)
               for r in agg.results)
    assert agg.flagged == sum(r.disagreement for r in agg.results)
    assert 0 <= agg.flagged_share <= 1
