"""Outgoing mail: queued with the transaction, delivered only after commit."""
from .outgoing import in_both_languages, send_in_language, send_mail

__all__ = ["in_both_languages", "send_in_language", "send_mail"]
