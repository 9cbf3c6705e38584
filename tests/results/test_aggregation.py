"""Weighted totals, per-case statistics and the ranking order (hand-computed)."""
import math

import pytest


from reviewapp.results.aggregation import (
    CaseResult, Criterion, Review, Rubric, aggregate, rank_results, spread, weighted_total,
)

# Weights 3, 2, 2, 3 (sum 10) on the default 0..10 scale.
RUBRIC = Rubric((Criterion("organization", 3), Criterion("regularity", 2),
                 Criterion("innovation", 2), Criterion("influence", 3)))


def scores(org, reg, inn, inf):
    return {"organization": org, "regularity": reg, "innovation": inn, "influence": inf}


REVIEWS = [
    # Case A: e1 (3*8 + 2*7 + 2*6 + 3*9)/10 = (24+14+12+27)/10 = 7.7
    Review("A", "e1", scores(8, 7, 6, 9)),
    #         e2 (3*6 + 2*6 + 2*5 + 3*7)/10 = (18+12+10+21)/10 = 6.1
    Review("A", "e2", scores(6, 6, 5, 7)),
    #         e3 (3*9 + 2*8 + 2*8 + 3*9)/10 = (27+16+16+27)/10 = 8.6
    Review("A", "e3", scores(9, 8, 8, 9)),
    # Case B: e1 (15+10+10+15)/10 = 5.0 ; e2 (27+18+20+30)/10 = 9.5
    Review("B", "e1", scores(5, 5, 5, 5)),
    Review("B", "e2", scores(9, 9, 10, 10)),
]


def test_weighted_total_hand_computed():
    assert weighted_total(scores(8, 7, 6, 9), RUBRIC) == pytest.approx(7.7)
    assert weighted_total(scores(9, 9, 10, 10), RUBRIC) == pytest.approx(9.5)


def test_case_figures_hand_computed():
    agg = aggregate(REVIEWS, RUBRIC, method="none")
    a, b = agg.by_case()["A"], agg.by_case()["B"]
    # A: mean (7.7 + 6.1 + 8.6)/3 = 22.4/3 = 7.4667; range 8.6 - 6.1 = 2.5
    assert a.totals == pytest.approx({"e1": 7.7, "e2": 6.1, "e3": 8.6})
    assert a.mean == pytest.approx(22.4 / 3)
    assert a.range == pytest.approx(2.5)
    # sample sd: deviations 0.2333, -1.3667, 1.1333 -> squares sum 3.20667, /2 -> sqrt = 1.26623
    assert a.std == pytest.approx(math.sqrt(3.206666667 / 2), abs=1e-6)
    assert not a.disagreement            # 2.5 <= 3.0 (30% of a 0..10 scale)
    # B: mean (5.0 + 9.5)/2 = 7.25; range 4.5 > 3 -> disagreement; sd 4.5/sqrt(2)
    assert b.mean == pytest.approx(7.25)
    assert b.range == pytest.approx(4.5)
    assert b.std == pytest.approx(4.5 / math.sqrt(2))
    assert b.disagreement
    assert b.n_reviews == 2 and a.n_reviews == 3
    # method "none": calibrated == mean; A (7.4667) ranks above B (7.25)
    assert a.calibrated == pytest.approx(a.mean)
    assert [r.case_id for r in agg.results] == ["A", "B"]
    assert [r.rank for r in agg.results] == [1, 2]
    assert agg.disagreement_threshold == pytest.approx(3.0)


def test_disagreement_threshold_is_configurable_and_scale_relative():
    assert not aggregate(REVIEWS, RUBRIC, method="none", disagreement_threshold=5).by_case()["B"].disagreement
    wide = Rubric(RUBRIC.criteria, 0, 100)
    agg = aggregate([Review("X", "e1", scores(50, 50, 50, 50)), Review("X", "e2", scores(80, 80, 80, 81))],
                    wide, method="none")
    assert agg.disagreement_threshold == pytest.approx(30.0)
    assert agg.results[0].range == pytest.approx(30.3) and agg.results[0].disagreement


def test_calibrated_score_corrects_a_harsh_reviewer():
    # e1 gives 1 point less than e2 on both shared cases; C is seen only by e1.
    reviews = [Review("P", "e1", scores(6, 6, 6, 6)), Review("P", "e2", scores(7, 7, 7, 7)),
               Review("Q", "e1", scores(7, 7, 7, 7)), Review("Q", "e2", scores(8, 8, 8, 8)),
               Review("C", "e1", scores(8, 8, 8, 8))]
    agg = aggregate(reviews, RUBRIC)
    cal = agg.calibration
    assert cal.expert_bias["e1"] < 0 < cal.expert_bias["e2"]
    # C's raw 8.0 is lifted by e1's harshness: above its raw mean
    assert agg.by_case()["C"].calibrated > 8.0
    assert aggregate(reviews, RUBRIC, method="zscore").calibration.method == "zscore"


def test_invalid_reviews_are_rejected():
    with pytest.raises(ValueError, match="missing"):
        weighted_total({"organization": 5}, RUBRIC)
    with pytest.raises(ValueError, match="outside"):
        weighted_total(scores(11, 5, 5, 5), RUBRIC)
    with pytest.raises(ValueError, match="twice"):
        aggregate([REVIEWS[0], REVIEWS[0]], RUBRIC)
    with pytest.raises(ValueError):
        Rubric((Criterion("a", 0),))
    with pytest.raises(ValueError):
        aggregate(REVIEWS, RUBRIC, method="median")


def test_spread_single_review():
    assert spread([7.0]) == (0.0, 0.0)


def result(case_id, calibrated, mean, std, n):
    return CaseResult(case_id, {}, n, mean, calibrated, 0.0, std, False)


def test_tie_break_order():
    results = [
        result("a", 8.0, 7.0, 1.0, 3),          # loses to b on mean
        result("b", 8.0, 7.5, 1.0, 3),          # best: highest mean among calibrated 8.0
        result("c", 8.0 + 1e-9, 7.0, 0.5, 3),   # calibrated ties with a (6 decimals); lower sd wins
        result("d", 7.0, 7.0, 1.0, 2),          # loses to e: fewer reviews
        result("e", 7.0, 7.0, 1.0, 3),
        result("f", 6.0, 6.0, 1.0, 3),          # f/g/h tie on everything up to submission time
        result("g", 6.0, 6.0, 1.0, 3),
        result("h", 6.0, 6.0, 1.0, 3),
        result("i", 6.0, 6.0, 1.0, 3),          # no submission time -> after timed ones; i < j by id
        result("j", 6.0, 6.0, 1.0, 3),
    ]
    submitted = {"f": 30, "g": 10, "h": 20}
    ranked = rank_results(results, submitted)
    assert [r.case_id for r in ranked] == ["b", "c", "a", "e", "d", "g", "h", "f", "i", "j"]
    assert [r.rank for r in ranked] == list(range(1, 11))
