"""Reviewer assignment: give every case k blind reviewers, optimally.

Pure logic (no Flask app, no database). Start with
:func:`reviewapp.assignment.solver.solve` and
:class:`reviewapp.assignment.solver.AssignmentProblem`; the affinity weights
live in :mod:`reviewapp.assignment.affinity`, the infeasibility diagnosis in
:mod:`reviewapp.assignment.explain`.
"""
