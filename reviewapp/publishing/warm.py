"""Preloaded by the render forkserver (render._context): warms WeasyPrint once there.

Importing this module loads fontconfig, Pango and the book's fonts in the
current process (``render.warm_forkserver``). The forkserver imports it
before it forks any worker, so every worker starts warm: its first job
renders at once instead of after a fresh font set-up (~0.3 s per worker and
per build). It never raises: a failed warm-up only means workers warm up
themselves, as before. Nothing else should import it.
"""
from .render import warm_forkserver

warm_forkserver()
