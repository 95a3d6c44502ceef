"""axe-core finds no WCAG 2.1 A or AA violation on any public page, in English and in the other languages
(Dutch, French, Spanish), forms with their errors shown included, and on the error pages in every language.

axe-core (tests/browser/vendor/axe.min.js, MPL-2.0, from the npm registry) is put into each page by the
test. The site's CSP rightly forbids such a script, so only this test's browser context bypasses the CSP.
"""

from pathlib import Path

import pytest

from tests.browser.pages import open_public_page
from tests.public_pages import LANGUAGES, error_pages, load_demo_data, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`),
  }));
}"""
# Every page is checked in English; in the other languages, the pages whose markup a translation could
# change (longer labels, error messages, the language switch). The HTML of every page in every language is
# validated elsewhere.
ALSO_TRANSLATED = {
    "home",
    "browse, filtered",
    "map",
    "gaps",
    "need form with errors",
    "nomination form with errors",
}
# A page with known violations, checked beside the real ones: the check must find them.
CONTROL_PAGE = b'<!doctype html><html><head><title>x</title></head><body><img src="x.png"></body></html>'


def axe_violations(page) -> list[str]:
    page.add_script_tag(content=AXE_SOURCE)
    violations = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"]) for v in violations
    ]


def serve_document(page, path: str, html: bytes) -> None:
    """Show `html` at `path` of the live server: for the error pages, which no plain request reaches."""
    page.route(f"**{path}", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(path)
    page.unroute(f"**{path}")


def test_every_public_page_has_no_wcag_21_aa_violation(new_page):
    load_demo_data()
    page = new_page(bypass_csp=True)
    found = {}
    for public_page in public_pages():
        for language in public_page.languages if public_page.name in ALSO_TRANSLATED else ["en"]:
            where = open_public_page(page, public_page, language)
            found[where] = axe_violations(page)
    for language in LANGUAGES:
        for name, html in error_pages(language).items():
            serve_document(page, f"/error-page-{name.split()[0]}-{language}/", html)
            found[f"{name} ({language})"] = axe_violations(page)

    serve_document(page, "/control-page/", CONTROL_PAGE)
    assert axe_violations(page), "axe found nothing wrong on a page without lang and an image without alt"

    problems = {where: violations for where, violations in found.items() if violations}
    report = "\n".join(
        f"{where}:\n    " + "\n    ".join(violations) for where, violations in problems.items()
    )
    assert not problems, f"axe-core found WCAG 2.1 A/AA violations:\n{report}"
    print(f"\naxe-core: {len(found)} pages, no WCAG 2.1 A/AA violations")
