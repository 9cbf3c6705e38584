"""Opaque names for the cases in the experts' pool list ("I may know this case", bids).

Case ids are sequential: in a URL they would tell an expert how many cases were
entered before and after one, and which arrived together. The pool list's forms
therefore name a case by an HMAC of the campaign and case under the app's secret
key; the token tells nothing and is resolved only among the pool's own cases.
"""
import hashlib
import hmac
from functools import lru_cache

from flask import current_app

from ..campaigns.queries import latest_campaign
from ..recommendation.queries import review_pool

TOKEN_LENGTH = 32


def pool_token(case):
    return _hmac_token(current_app.config["SECRET_KEY"], case.campaign_id, case.id)


@lru_cache(maxsize=65536)
def _hmac_token(secret_key, campaign_id, case_id):
    message = f"pool:{campaign_id}:{case_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def pool_case_by_token(token):
    """The case of the latest campaign's review pool with this token, or None."""
    campaign = latest_campaign()
    if campaign is None or not token or len(token) != TOKEN_LENGTH:
        return None
    for case in review_pool(campaign):
        if hmac.compare_digest(pool_token(case), token):
            return case
    return None
