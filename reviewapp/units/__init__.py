"""Recommending units: provincial bureaus, directly affiliated centres, national associations."""
