"""Tokens in e-mailed links: password reset, e-mail confirmation and invitations."""
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


def _confirmation_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirmation")


def make_confirmation_token(user):
    # It names the address too: a link mailed to an address confirms only that address.
    return _confirmation_serializer().dumps({"u": user.id, "e": user.email})


def read_confirmation_token(token):
    """(user_id, email) or None when the token is forged or expired."""
    max_age = current_app.config["EMAIL_CONFIRMATION_MAX_AGE_DAYS"] * 86400
    try:
        data = _confirmation_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    return data.get("u"), data.get("e")


def new_invitation_token():
    """(token for the link, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
