"""Accounts, roles, sign-in, password reset, invitations and registration."""
