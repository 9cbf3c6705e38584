"""Results of a campaign's review.

Pure logic, without Flask or the database (tests call it on plain data):

- ``aggregation``: weighted totals per review, per-case statistics, calibrated
  scores and the documented ranking order.
- ``calibration``: reviewer-severity correction (additive reviewer-effect model, the
  per-expert offset-and-scale model with reliability weights of ``scale_model``, chosen
  between them by held-out fit; per-expert z-scores for comparison) and each review's
  residual, on which disagreements are flagged.
- ``reliability``: inter-rater reliability of a campaign and per-expert figures.
- ``selection``: exact selection of the excellent cases within the quota and
  group minimums/maximums, and comparison of a final selection with it.

Around it: ``queries`` (reads the reviews, caches the ranking under the
campaign's results stamp), ``freshness`` (renews that stamp), ``operations``
(records the selection), ``export`` (.xlsx) and ``routes`` (the admin's pages).
"""
