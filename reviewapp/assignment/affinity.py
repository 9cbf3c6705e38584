"""How well an expert fits a case, as a small integer the solver maximizes.

Weights (all integers, so the min-cost flow stays exact):

* ``THEME_WEIGHT`` = 10 points per theme the case and the expert share, counted
  for at most ``MAX_SHARED_THEMES`` = 3 themes (0..30), so a case with many
  themes does not drown out the bid.
* Bids (``BID_WEIGHTS``): eager +30, willing +10, no bid 0, not willing -50.
  "Not willing" is a strong preference, not a ban; bans are conflicts of
  interest and go into the conflict mask instead.

With the "tradeoff" evenness the solver's ``balance_weight`` is in the same
units: one review of load difference between two experts is worth that many
affinity points.
"""
from enum import Enum
from typing import Iterable, Optional, Union

import numpy as np

THEME_WEIGHT = 10
MAX_SHARED_THEMES = 3


class Bid(str, Enum):
    """An expert's bid on a case."""

    EAGER = "eager"
    WILLING = "willing"
    NOT_WILLING = "not_willing"


BID_WEIGHTS = {Bid.EAGER: 30, Bid.WILLING: 10, None: 0, Bid.NOT_WILLING: -50}


def affinity(
    case_themes: Iterable[str],
    expert_themes: Iterable[str],
    bid: Optional[Union[Bid, str]] = None,
) -> int:
    """Integer affinity of one (case, expert) pair: shared themes plus bid.

    ``bid`` is a :class:`Bid`, its string value, or ``None`` for no bid; an
    unknown bid string raises ``ValueError``.
    """
    shared = len(set(case_themes) & set(expert_themes))
    bid_key = None if bid is None else Bid(bid)
    return THEME_WEIGHT * min(shared, MAX_SHARED_THEMES) + BID_WEIGHTS[bid_key]


BID_CODES = {None: 0, Bid.EAGER: 1, Bid.WILLING: 2, Bid.NOT_WILLING: 3}


def affinity_matrix(case_themes, expert_themes, bid_codes=None):
    """The affinity of every (case, expert) pair at once, equal to :func:`affinity`.

    ``case_themes`` (cases x themes) and ``expert_themes`` (experts x themes) are
    0/1 incidence arrays over one theme vocabulary; ``bid_codes`` is a
    (cases x experts) int8 array of :data:`BID_CODES` (0 = no bid)."""
    case_themes = np.asarray(case_themes, dtype=np.float32)
    expert_themes = np.asarray(expert_themes, dtype=np.float32)
    shared = np.rint(case_themes @ expert_themes.T).astype(np.int64)   # exact: small integer counts
    matrix = THEME_WEIGHT * np.minimum(shared, MAX_SHARED_THEMES)
    if bid_codes is not None:
        weights = np.array([BID_WEIGHTS[level] for level, _code in sorted(BID_CODES.items(), key=lambda x: x[1])],
                           dtype=np.int64)
        matrix += weights[bid_codes]
    return matrix
