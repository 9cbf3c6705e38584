"""Results of a campaign's review: pure logic, no Flask views and no database.

- ``aggregation``: weighted totals per review, per-case statistics, calibrated
  scores and the documented ranking order.
- ``calibration``: reviewer-severity correction (additive reviewer-effect model,
  per-expert z-scores).
- ``reliability``: inter-rater reliability of a campaign and per-expert figures.
- ``selection``: exact selection of the excellent cases within the quota and
  group minimums/maximums, and comparison of a final selection with it.
"""
