"""Reaching members on a phone in their own language: at 360 px, filter by a theme shown by its translated
name, open a product, send a need with a mistake and a document, correct it and find the document kept and
saved with the need; the same with the keyboard alone. The header stays under 120 px, the home's search is
in the first screen, no word is split, and axe finds nothing on the new states of the pages."""

import re

import pytest
from playwright.sync_api import expect

from needs.models import KnowledgeNeed
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import axe_violations
from tests.documents import PDF
from tests.factories import PartnershipFactory, ProductFactory, ProductTypeFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words that a line break cuts in two (no hyphen added), in the elements people read: label, button, tile.
SPLIT_WORDS = """() => {
  const split = [];
  const root = document.querySelector("main") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !parent.offsetParent || getComputedStyle(parent).hyphens === "auto") continue;
    for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
      const lines = new Set(boxes.map((r) => Math.round(r.top)));
      if (lines.size > 1) split.push(match[0]);
    }
  }
  return split.slice(0, 5);
}"""


@pytest.fixture
def catalogue():
    gender = ThemeFactory(
        name="Gender equality", slug="gender-equality", translations={"nl": {"name": "Gendergelijkheid"}}
    )
    land = ThemeFactory(name="Land rights", slug="land-rights", translations={"nl": {"name": "Landrechten"}})
    report_type = ProductTypeFactory(
        name="Research report", translations={"nl": {"name": "Onderzoeksrapport"}}
    )
    ProductFactory(title="Counting the district budget", themes=[gender], product_type=report_type, year=2019)
    ProductFactory(title="Mapping community land", themes=[land], year=2018)
    PartnershipFactory(name="Voices for Water Justice")


@pytest.fixture
def document(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "terms-of-reference.pdf"
    path.write_bytes(PDF)
    return path


def test_on_a_phone_in_dutch_a_member_filters_opens_a_product_and_sends_a_need_with_its_document(
    new_page, catalogue, document
):
    page = new_page(viewport=PHONE)
    page.goto("/nl/products/")
    page.locator("summary.filter-toggle").click()
    theme_group = page.locator("details.facet").first
    if not theme_group.evaluate("group => group.open"):
        theme_group.locator(":scope > summary").click()
    page.get_by_role("checkbox", name=re.compile("Gendergelijkheid")).check()
    apply = page.locator(".filter-apply button")
    expect(apply).to_have_text("Toon 1 product")
    apply.click()
    page.wait_for_url(re.compile(r"theme=gender-equality"))
    expect(page.locator("#results-heading")).to_contain_text("1 product")
    assert page.evaluate("document.querySelector('details.filter-panel').open"), (
        "the panel opens where it was"
    )
    expect(page.locator(".active-filters")).to_contain_text("Gendergelijkheid")

    page.get_by_role("link", name=re.compile("Counting the district budget")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Counting the district budget")
    expect(page.locator("main")).to_contain_text("Onderzoeksrapport")

    page.goto("/nl/needs/new/")
    page.get_by_label("Je partnerschap").select_option(label="Voices for Water Justice")
    page.get_by_label("Je organisatie").fill("Nyota Rights Collective")
    page.get_by_label("Je naam").fill("Amina Okello")
    page.get_by_label("Je e-mailadres").fill("amina@example")
    page.get_by_label("Je behoefte in een paar woorden").fill("Budgetten bij districtsraden")
    page.get_by_label("Je behoefte in je eigen woorden").fill("Hoe kregen anderen budgetregels aangenomen?")
    page.get_by_label(re.compile("Een document dat meer vertelt")).set_input_files(str(document))
    page.get_by_role("button", name="Verstuur mijn behoefte").click()

    expect(page.get_by_role("alert")).to_contain_text("Kijk je e-mailadres na")
    expect(page.locator(".kept-file")).to_contain_text("terms-of-reference.pdf, bewaard")
    page.get_by_label("Je e-mailadres").fill("amina@example.org")
    page.get_by_role("button", name="Verstuur mijn behoefte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bedankt")

    need = KnowledgeNeed.objects.get()
    with need.attachment.open("rb") as handle:
        assert handle.read() == PDF
    assert need.contact_language == "nl"


def tab_until(page, wanted, limit=120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(wanted):
            return
    raise AssertionError(f"Tab never reached {wanted}")


def test_the_same_with_the_keyboard_alone(new_page, catalogue, document):
    page = new_page(viewport=PHONE)
    page.goto("/nl/products/")
    tab_until(page, "document.activeElement.matches('summary.filter-toggle')")
    page.keyboard.press("Enter")
    tab_until(page, "document.activeElement.matches('details.facet > summary')")  # the themes, folded
    page.keyboard.press("Enter")
    tab_until(page, "document.activeElement.value === 'gender-equality'")
    page.keyboard.press("Space")
    tab_until(page, "document.activeElement.matches('.filter-apply button')")
    expect(page.locator(".filter-apply button")).to_have_text("Toon 1 product")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"theme=gender-equality"))

    tab_until(page, "(document.activeElement.textContent || '').includes('Counting the district budget')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Counting the district budget")
    tab_until(page, "document.activeElement.getAttribute('href') === '/nl/needs/new/'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nl/needs/new/$"))

    tab_until(page, "document.activeElement.id === 'id_partnership'")
    page.keyboard.press("ArrowDown")  # the first partnership of the list
    for field, text in [
        ("id_organisation_name", "Nyota Rights Collective"),
        ("id_contact_name", "Amina Okello"),
        ("id_contact_email", "amina@example"),
        ("id_title", "Budgetten bij districtsraden"),
        ("id_description", "Hoe kregen anderen budgetregels aangenomen?"),
    ]:
        tab_until(page, f"document.activeElement.id === '{field}'")
        page.keyboard.type(text)
    tab_until(page, "document.activeElement.id === 'id_attachment'")
    # The file input is reached by Tab; Space then opens the system's own file dialog, which a headless
    # browser under load does not always report in time, so the file is chosen on the focused input.
    page.locator("#id_attachment:focus").set_input_files(str(document))
    tab_until(
        page, "document.activeElement.type === 'submit' && document.activeElement.closest('.public-form')"
    )
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator(".kept-file")).to_contain_text("terms-of-reference.pdf, bewaard")
    tab_until(page, "document.activeElement.closest('.error-summary') !== null")
    page.keyboard.press("Enter")  # the summary's link to the e-mail address
    expect(page.locator("#id_contact_email")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("amina@example.org")
    page.keyboard.press("Enter")  # Enter in a field sends the form
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bedankt")
    assert KnowledgeNeed.objects.get().attachment


@pytest.mark.parametrize("language", ["", "/nl"])
def test_at_360_px_the_header_is_short_the_search_first_and_no_word_split(new_page, catalogue, language):
    page = new_page(viewport=PHONE)
    problems = []
    for path in [
        "/",
        "/products/",
        "/products/counting-the-district-budget/",
        "/needs/new/",
        "/products/nominate/",
    ]:
        page.goto(language + path)
        header = page.locator(".site-header").bounding_box()["height"]
        if header > 120:
            problems.append(f"{language}{path}: the header is {header:.0f} px high")
        if split := page.evaluate(SPLIT_WORDS):
            problems.append(f"{language}{path}: words split across lines: {split}")
    page.goto(language + "/")
    search = page.locator("#home-q").bounding_box()
    assert search["y"] + search["height"] <= PHONE["height"], "the home's search is below the first screen"
    assert not problems, "\n".join(problems)


def test_the_open_filter_panel_and_a_kept_file_have_no_accessibility_violation(new_page, catalogue, document):
    page = new_page(viewport=PHONE, bypass_csp=True)
    page.goto("/nl/products/?theme=gender-equality")
    page.locator("summary.filter-toggle").click()
    found = {"filter panel open": axe_violations(page)}
    page.goto("/needs/new/")
    page.get_by_label("A document that says more").set_input_files(str(document))
    page.get_by_role("button", name="Send my need").click()
    expect(page.locator(".kept-file")).to_be_visible()
    page.get_by_role("searchbox", name="Type to find a country").fill("ken")
    found["need form with a kept file, countries filtered"] = axe_violations(page)
    assert not any(found.values()), found
