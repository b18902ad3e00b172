"""axe-core in the browser tests: `assert_accessible(page)` checks the page as it is now (a page, or
a state of it: a form opened, an error shown) against WCAG 2.2 AA, at a desktop and a phone
width, and fails with each violation, where it is and how to fix it.

    from tests.browser.accessibility import assert_accessible
    ...
    tab.goto("/ieps/1/")
    assert_accessible(tab)                 # both widths
    assert_accessible(tab, "reply form")   # a label for the failure message

axe-core is vendored (tests/browser/vendor/axe.min.js, see the README there) and evaluated in the
page through the DevTools protocol, which the page's Content-Security-Policy does not block; the
product never serves it."""
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page, tags=WCAG_22_AA):
    """The violations axe finds in the page as it is, at its current size."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    return page.evaluate(RUN_AXE, tags)


def _describe(violations):
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"      at {node['target']}: {node['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def assert_accessible(page, state: str = "", *, sizes=(DESKTOP, PHONE)):
    """No WCAG 2.2 AA violation at each size (desktop and phone by default). The page's own size
    is restored afterwards, so the test goes on as it was."""
    before = page.viewport_size
    found = {}
    try:
        for size in sizes:
            page.set_viewport_size(size)
            violations = axe_violations(page)
            if violations:
                found[f"{size['width']}x{size['height']}"] = violations
    finally:
        if before:
            page.set_viewport_size(before)
    if found:
        where = f"{page.url}" + (f" ({state})" if state else "")
        report = "\n".join(f" at {size}:\n{_describe(violations)}" for size, violations in found.items())
        raise AssertionError(f"axe-core found WCAG 2.2 AA violations on {where}:\n{report}")
