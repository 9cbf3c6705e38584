"""The public gallery of published cases: browse, filter, search, read; no sign-in."""
