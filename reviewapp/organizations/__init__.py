"""Applicant organizations: registration data and reference lists."""
