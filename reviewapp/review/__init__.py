"""Blind expert review: the queue, the blind copy of a case, rubric scoring and review progress."""
