"""How well an expert fits a case, as a small integer the solver maximizes.

Weights (all integers, so the min-cost flow stays exact):

* ``THEME_WEIGHT`` = 10 points per theme the case and the expert share, counted
  for at most ``MAX_SHARED_THEMES`` = 3 themes (0..30), so a case with many
  themes does not drown out the bid.
* Bids (``BID_WEIGHTS``): eager +30, willing +10, no bid 0, not willing -50.
  "Not willing" is a strong preference, not a ban; bans are conflicts of
  interest and go into the conflict mask instead.

The solver's ``balance_weight`` (default 5) is in the same units: one point of
affinity is worth 1/5 of a review of load difference between two experts.
"""
from enum import Enum
from typing import Iterable, Optional, Union

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
