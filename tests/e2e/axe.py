"""axe-core in the page: run it, keep the serious and critical violations, explain them."""
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(" ")), html: v.nodes.map(n => n.html.slice(0, 160))}));
}"""


def axe_context(browser, **options):
    """A browser context whose every page carries axe. bypass_csp=True: the app's CSP
    (script-src 'self') would refuse the injected script, and rightly so."""
    context = browser.new_context(bypass_csp=True, **options)
    context.add_init_script(path=str(AXE))     # once per context, cheaper than add_script_tag per page
    return context


def axe_violations(page):
    """Serious and critical violations of the page as loaded now (page from axe_context)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(_RUN) if v["impact"] in FAILING_IMPACTS]


def describe(found):
    """found: [(url, violation)] -> one readable block per violation."""
    lines = []
    for url, v in found:
        lines.append(f"{url}: {v['id']} ({v['impact']}): {v['help']}\n    help: {v['helpUrl']}")
        for target, html in list(zip(v["targets"], v["html"]))[:5]:
            lines.append(f"    target: {target}   {html}")
    return "\n".join(lines)
