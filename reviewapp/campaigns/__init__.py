"""Campaigns: one call for cases a year, with its windows, themes and rubric."""
