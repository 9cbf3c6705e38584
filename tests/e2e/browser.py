"""Chromium for the end-to-end tests: Debian's /usr/bin/chromium, never a downloaded browser."""
import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"

# Reports every violation the page sees (inline scripts, inline styles, foreign
# sources) on the console, where the context's listener collects it.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked " +
                (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@contextlib.contextmanager
def launch_chromium():
    """Launch the system Chromium; fail (never skip) with a clear message if it is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - only on a machine without the pin
        pytest.fail("Playwright is not installed: .venv/bin/pip install playwright==1.65.2 "
                    "(never `playwright install`; the tests use the system Chromium).")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install the Debian package "
                    "(apt-get install chromium) or set E2E_CHROMIUM to its path.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch_csp(context):
    """Collect Content-Security-Policy errors of every page of `context` into the returned list."""
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            url = message.page.url if message.page else "?"
            violations.append(f"{url}: {message.text}")

    context.on("console", on_console)
    context.add_init_script(_CSP_LISTENER)
    return violations


INLINE_CODE = """() => {
  const inline = [...document.scripts].filter(s => !s.src).map(s => s.outerHTML.slice(0, 80));
  const handlers = [...document.querySelectorAll("*")].flatMap(el =>
    [...el.attributes].filter(a => a.name.startsWith("on")).map(a => el.tagName + "[" + a.name + "]"));
  const jsLinks = [...document.querySelectorAll("a[href^='javascript:' i]")].map(a => a.outerHTML.slice(0, 80));
  return [...inline, ...handlers, ...jsLinks];
}"""


def assert_no_inline_code(page):
    """No inline <script>, no on* handler attribute, no javascript: link on the page."""
    found = page.evaluate(INLINE_CODE)
    assert not found, f"inline code on {page.url}: {found}"


class Shots:
    """Numbered full-page screenshots: test-artifacts/e2e/<lang>/NN-step.png."""

    def __init__(self, lang, prefix=""):
        self.folder = ARTIFACTS / lang
        self.prefix = prefix
        self.number = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{prefix}[0-9][0-9]-*.png"):
            old.unlink()

    def __call__(self, page, step):
        self.number += 1
        assert_no_inline_code(page)
        path = self.folder / f"{self.prefix}{self.number:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
