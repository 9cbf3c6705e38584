"""Recommending units: routing cases to them, screening and recommending within a quota."""
