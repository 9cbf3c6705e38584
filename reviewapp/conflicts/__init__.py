"""Conflicts of interest that hold: a conflict ends the assignment it touches, and
applicants declare the people and organizations that should not review them."""
