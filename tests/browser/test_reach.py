"""Reaching members on a phone in their own language (Dutch and Spanish; Dutch and French with the keyboard
alone): at 360 px, filter by a theme shown by its translated name, open a product, send a need with a mistake
and a document, correct it and find the document kept and saved with the need. The header stays under 120 px,
the home's search is in the first screen, no word is split, and axe finds nothing on the new states of the
pages."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from inventory.models import ProductType, Theme
from needs.models import KnowledgeNeed
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import axe_violations
from tests.documents import PDF
from tests.factories import PartnershipFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words that a line break cuts in two (no hyphen added), in the elements people read: label, button, tile.
SPLIT_WORDS = """() => {
  const split = [];
  const root = document.querySelector("main") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !parent.offsetParent) continue;
    // Hyphenated text, and an address the page lets break anywhere (it may be wider than the screen).
    const style = getComputedStyle(parent);
    if (style.hyphens === "auto" || style.overflowWrap === "anywhere") continue;
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


# What a member reads in each language, as the catalogues and the reference data say it.
WORDS = {
    "nl": {
        "theme": "Gendergelijkheid en inclusie",
        "type": "Onderzoeksrapport",
        "show_one": "Toon 1 product",
        "one_product": "1 product",
        "partnership": "Je partnerschap",
        "organisation": "Je organisatie",
        "name": "Je naam",
        "email": "Je e-mailadres",
        "title": "Je behoefte in een paar woorden",
        "description": "Je behoefte in je eigen woorden",
        "document": "Een document dat meer vertelt",
        "send": "Verstuur mijn behoefte",
        "email_error": "Kijk je e-mailadres na",
        "kept": "terms-of-reference.pdf, bewaard",
        "thanks": "Bedankt",
        "need": ("Budgetten bij districtsraden", "Hoe kregen anderen budgetregels aangenomen?"),
    },
    "es": {
        "theme": "Igualdad de género e inclusión",
        "type": "Informe de investigación",
        "show_one": "Mostrar 1 producto",
        "one_product": "1 producto",
        "partnership": "Tu alianza",
        "organisation": "Tu organización",
        "name": "Tu nombre",
        "email": "Tu dirección de correo electrónico",
        "title": "Tu necesidad en pocas palabras",
        "description": "Tu necesidad con tus propias palabras",
        "document": "Un documento que explique más",
        "send": "Enviar mi necesidad",
        "email_error": "Revisa tu dirección de correo electrónico",
        "kept": "terms-of-reference.pdf, conservado",
        "thanks": "Gracias",
        "need": (
            "Presupuestos en los consejos de distrito",
            "¿Cómo lograron otros que se aprobaran partidas?",
        ),
    },
    "fr": {
        "theme": "Égalité de genre et inclusion",
        "type": "Rapport de recherche",
        "show_one": "Afficher 1 produit",
        "one_product": "1 produit",
        "kept": "terms-of-reference.pdf, conservé",
        "thanks": "Merci",
        "need": (
            "Budgets des conseils de district",
            "Comment d'autres ont-ils obtenu des lignes budgétaires ?",
        ),
    },
}


@pytest.fixture
def catalogue():
    """The reference data (themes and types named in every language) and two products."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "reference.json", verbosity=0)
    gender = Theme.objects.get(slug="gender-equality-and-inclusion")
    environment = Theme.objects.get(slug="environmental-rights")
    report_type = ProductType.objects.get(slug="research-report")
    ProductFactory(title="Counting the district budget", themes=[gender], product_type=report_type, year=2019)
    ProductFactory(title="Mapping community land", themes=[environment], year=2018)
    PartnershipFactory(name="Voices for Water Justice")


@pytest.fixture
def document(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "terms-of-reference.pdf"
    path.write_bytes(PDF)
    return path


@pytest.mark.parametrize("language", ["nl", "es"])
def test_on_a_phone_a_member_filters_by_a_translated_theme_opens_a_product_and_sends_a_need_with_its_document(
    new_page, catalogue, document, language
):
    words = WORDS[language]
    page = new_page(viewport=PHONE)
    page.goto(f"/{language}/products/")
    page.locator("summary.filter-toggle").click()
    theme_group = page.locator("details.facet").first
    if not theme_group.evaluate("group => group.open"):
        theme_group.locator(":scope > summary").click()
    page.get_by_role("checkbox", name=re.compile(words["theme"])).check()
    apply = page.locator(".filter-apply button")
    expect(apply).to_have_text(words["show_one"])
    apply.click()
    page.wait_for_url(re.compile(r"theme=gender-equality-and-inclusion"))
    expect(page.locator("#results-heading")).to_contain_text(words["one_product"])
    assert page.evaluate("document.querySelector('details.filter-panel').open"), (
        "the panel opens where it was"
    )
    expect(page.locator(".active-filters")).to_contain_text(words["theme"])

    page.get_by_role("link", name=re.compile("Counting the district budget")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Counting the district budget")
    expect(page.locator("main")).to_contain_text(words["type"])
    expect(page.locator("main")).to_contain_text(words["theme"])

    page.goto(f"/{language}/needs/new/")
    page.get_by_label(words["partnership"]).select_option(label="Voices for Water Justice")
    page.get_by_label(words["organisation"]).fill("Nyota Rights Collective")
    page.get_by_label(words["name"]).fill("Amina Okello")
    page.get_by_label(words["email"]).fill("amina@example")
    page.get_by_label(words["title"]).fill(words["need"][0])
    page.get_by_label(words["description"]).fill(words["need"][1])
    page.get_by_label(re.compile(words["document"])).set_input_files(str(document))
    page.get_by_role("button", name=words["send"]).click()

    expect(page.get_by_role("alert")).to_contain_text(words["email_error"])
    expect(page.locator(".kept-file")).to_contain_text(words["kept"])
    assert KnowledgeNeed.objects.count() == 0
    page.get_by_label(words["email"]).fill("amina@example.org")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])

    need = KnowledgeNeed.objects.get()
    with need.attachment.open("rb") as handle:
        assert handle.read() == PDF
    assert (need.title, need.contact_language) == (words["need"][0], language)


def tab_until(page, wanted, limit=120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(wanted):
            return
    raise AssertionError(f"Tab never reached {wanted}")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_same_with_the_keyboard_alone(new_page, catalogue, document, language):
    words = WORDS[language]
    page = new_page(viewport=PHONE)
    page.goto(f"/{language}/products/")
    tab_until(page, "document.activeElement.matches('summary.filter-toggle')")
    page.keyboard.press("Enter")
    tab_until(page, "document.activeElement.matches('details.facet > summary')")  # the themes, folded
    page.keyboard.press("Enter")
    tab_until(page, "document.activeElement.value === 'gender-equality-and-inclusion'")
    page.keyboard.press("Space")
    tab_until(page, "document.activeElement.matches('.filter-apply button')")
    expect(page.locator(".filter-apply button")).to_have_text(words["show_one"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"theme=gender-equality-and-inclusion"))

    tab_until(page, "(document.activeElement.textContent || '').includes('Counting the district budget')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Counting the district budget")
    tab_until(page, f"document.activeElement.getAttribute('href') === '/{language}/needs/new/'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{language}/needs/new/$"))

    tab_until(page, "document.activeElement.id === 'id_partnership'")
    page.keyboard.press("ArrowDown")  # the first partnership of the list
    for field, text in [
        ("id_organisation_name", "Nyota Rights Collective"),
        ("id_contact_name", "Amina Okello"),
        ("id_contact_email", "amina@example"),
        ("id_title", words["need"][0]),
        ("id_description", words["need"][1]),
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
    expect(page.locator(".kept-file")).to_contain_text(words["kept"])
    tab_until(page, "document.activeElement.closest('.error-summary') !== null")
    page.keyboard.press("Enter")  # the summary's link to the e-mail address
    expect(page.locator("#id_contact_email")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("amina@example.org")
    page.keyboard.press("Enter")  # Enter in a field sends the form
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])
    need = KnowledgeNeed.objects.get()
    assert need.attachment and need.contact_language == language


@pytest.mark.parametrize("language", ["", "/nl", "/fr", "/es"])
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
    page.goto("/nl/products/?theme=gender-equality-and-inclusion")
    page.locator("summary.filter-toggle").click()
    found = {"filter panel open": axe_violations(page)}
    page.goto("/needs/new/")
    page.get_by_label("A document that says more").set_input_files(str(document))
    page.get_by_role("button", name="Send my need").click()
    expect(page.locator(".kept-file")).to_be_visible()
    page.get_by_role("searchbox", name="Type to find a country").fill("ken")
    found["need form with a kept file, countries filtered"] = axe_violations(page)
    assert not any(found.values()), found
