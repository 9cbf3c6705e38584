"""Tokens in e-mailed links: password reset and invitations."""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_RESET_SALT = "password-reset"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def make_reset_token(user):
    # The session nonce changes when the password is reset, so a token can
    # be used once only.
    return _serializer().dumps({"u": user.id, "n": user.session_nonce})


def read_reset_token(token):
    """(user_id, nonce) or None when the token is forged or expired."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return data.get("u"), data.get("n")


def new_invitation_token():
    """(token for the link, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
