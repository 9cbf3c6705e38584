"""Reviewer assignment: give every case k blind reviewers, optimally.

Pure logic (no Flask app, no database): :func:`reviewapp.assignment.solver.solve`
and :class:`reviewapp.assignment.solver.AssignmentProblem`; the affinity weights
live in :mod:`.affinity`, the infeasibility diagnosis in :mod:`.explain`, the
fairness floor in :mod:`.fairness`, the optimality certificate in
:mod:`.certificate`.

From the database: :mod:`.problem` builds a campaign's problem with one query
per table (conflicts by set membership in :mod:`.conflict_sets`), and
:mod:`.operations` runs it once, stores the proposal and its run
(:class:`.models.AssignmentRun`), and serves the pages from stored rows;
:mod:`.jobs` runs a large campaign in the background.
"""
