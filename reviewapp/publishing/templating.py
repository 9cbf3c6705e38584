"""Jinja2 templates of the book (templates/publishing/book/), autoescaped."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "templates", "publishing", "book")
ENGINE_VERSION = "2"  # bump when Python-side rendering logic changes what is printed


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template: all user text is escaped, always.
    from .linebreaks import keep_phrases

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["phrases"] = keep_phrases  # titles break between phrases (linebreaks.py)
    return env


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def stylesheet(name: str) -> str:
    """The template's own CSS, read here and handed to WeasyPrint as a string (never fetched)."""
    with open(os.path.join(TEMPLATE_DIR, name), encoding="utf-8") as stream:
        return stream.read()


def template_hash() -> str:
    """Hash of all template files + engine version: part of every cache key."""
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for name in sorted(os.listdir(TEMPLATE_DIR)):
        with open(os.path.join(TEMPLATE_DIR, name), "rb") as stream:
            digest.update(name.encode() + b"\0" + stream.read())
    return digest.hexdigest()[:16]
