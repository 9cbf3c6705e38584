"""Benchmarks: `python -m bench` lists them, `python -m bench NAME` runs one.

Each benchmark is a module in this package with a `main(argv)` function that
prints one line per measurement: `NAME CASE key=value ...`. They measure; they
are not timed tests and never fail on a figure.
"""
