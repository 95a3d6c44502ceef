"""What people do on the site, in a real browser: browse, filter and search; share a need and correct a
mistake in it; nominate a product that a curator then publishes; use the filters with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from search.fulltext import update_search_vectors
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
    curator,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's


@pytest.fixture
def products():
    gender = ThemeFactory(name="Gender equality", slug="gender-equality")
    land = ThemeFactory(name="Land rights", slug="land-rights")
    ThemeFactory(name="Civic space", slug="civic-space")
    toolkit = ProductTypeFactory(name="Toolkit")
    ProductFactory(title="Budget tracking with women's groups", themes=[gender], year=2017)
    ProductFactory(title="Gender budgeting toolkit", themes=[gender], product_type=toolkit, year=2019)
    ProductFactory(title="Community land mapping guide", themes=[land], year=2019)
    update_search_vectors()


def results_heading(page):
    return page.locator("#results-heading")


def test_a_visitor_browses_filters_and_searches_the_products(page, products):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Browse").click()
    expect(results_heading(page)).to_contain_text("3 products")

    page.locator(".facets").get_by_role("checkbox", name=re.compile("Gender equality")).check()
    apply = page.locator(".filter-apply").get_by_role("button")
    expect(apply).to_have_text("Show 2 products")  # counted as the box was ticked, without a page load
    apply.click()
    expect(results_heading(page)).to_contain_text("2 products")
    expect(page.locator(".active-filters")).to_contain_text("Gender equality")

    page.get_by_label("Search the knowledge products").fill("toolkit")
    page.get_by_label("Search the knowledge products").press("Enter")
    expect(results_heading(page)).to_contain_text("1 product")
    expect(page.locator(".product-card")).to_have_text(re.compile("Gender budgeting toolkit"))
    assert "theme=gender-equality" in page.url, "the search kept the theme filter"

    page.get_by_role("link", name=re.compile("Gender budgeting toolkit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gender budgeting toolkit")


def test_a_need_with_a_mistake_is_shown_its_error_corrected_and_received(page):
    PartnershipFactory(name="Voices for Water Justice")
    page.goto("/needs/new/")
    page.get_by_label("Your partnership").select_option(label="Voices for Water Justice")
    page.get_by_label("Your organisation").fill("Nyota Rights Collective")
    page.get_by_label("Your name").fill("Amina Okello")
    page.get_by_label("Your e-mail address").fill("amina@example")
    page.get_by_label("Your need in a few words").fill("Lobbying district councils for budgets")
    page.get_by_label("Your need in your own words").fill("How did others get budget lines adopted?")
    page.get_by_role("button", name="Send my need").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    email = page.get_by_label("Your e-mail address")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby").split()
    messages = [page.locator(f"#{id_}").inner_text() for id_ in described_by]
    assert any("Check your e-mail address" in message for message in messages), messages
    expect(page.get_by_label("Your need in a few words")).to_have_value(
        "Lobbying district councils for budgets"
    )
    assert KnowledgeNeed.objects.count() == 0

    summary.get_by_role("link", name=re.compile("e-mail address")).click()
    expect(email).to_be_focused()
    email.fill("amina@example.org")
    page.get_by_role("button", name="Send my need").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your need")
    need = KnowledgeNeed.objects.get()
    expect(page.locator(".reference")).to_have_text(need.reference)
    assert need.contact_email == "amina@example.org"


def test_a_nominated_product_appears_in_browse_once_a_curator_publishes_it(new_page):
    ProductTypeFactory(name="Toolkit")
    ThemeFactory(name="Local governance")
    OrganisationFactory(name="Delta Rights")
    curator(username="curator")
    nominator = new_page()
    nominator.goto("/products/nominate/")
    nominator.get_by_label("Title of the product").fill("Score cards for district budgets")
    nominator.get_by_label("What is it, in one or two sentences?").fill("How women's groups scored budgets.")
    nominator.get_by_label("Type of product").select_option(label="Toolkit")
    nominator.get_by_label("Link to the product").fill("https://example.org/score-cards")
    # Everything publishing asks for (inventory/completeness.py), so the curator can publish it as it came.
    nominator.get_by_label("Local governance").check()
    nominator.get_by_label("Organisations that made it").fill("Delta Rights")
    countries = nominator.get_by_role("group", name=re.compile("^Countries it is about"))
    countries.get_by_role("searchbox").fill("ugan")
    countries.get_by_label("Uganda").check()
    languages = nominator.get_by_role("group", name=re.compile("^Languages it is available in"))
    languages.get_by_label("English", exact=True).check()
    nominator.get_by_label("Year it was made").fill("2019")
    nominator.get_by_label("Why are you proud of it").fill("District officials now publish their budgets.")
    nominator.get_by_label("Your name").fill("Grace Banda")
    nominator.get_by_label("Your organisation").fill("Delta Rights")
    nominator.get_by_label("Your e-mail address").fill("grace@example.org")
    nominator.get_by_role("button", name="Send the nomination").click()
    expect(nominator.get_by_role("heading", level=1)).to_have_text("Thank you for your nomination")
    nominator.goto("/products/")
    expect(nominator.locator("main")).not_to_contain_text("Score cards for district budgets")

    staff = new_page()
    staff.goto("/admin/inventory/nomination/")
    staff.get_by_label("Username").fill("curator")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    row = staff.get_by_role("row", name=re.compile("Score cards for district budgets"))
    row.get_by_role("checkbox").check()
    staff.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Publish the selected products"
    )
    staff.get_by_role("button", name="Go").click()
    expect(staff.locator(".messagelist")).to_contain_text("1 product(s) now published")

    nominator.goto("/products/")
    expect(nominator.locator(".product-card")).to_contain_text("Score cards for district budgets")
    assert KnowledgeProduct.objects.get(title="Score cards for district budgets").is_public


# What the keyboard user sees: the focused element must carry the site's focus ring.
FOCUS = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return {
    id: element.id, text: (element.innerText || element.value || "").trim().slice(0, 40),
    tag: element.tagName, href: element.getAttribute("href") || "",
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


IS_OPEN = "document.activeElement.parentElement.open"


def tab_to(page, found, limit=80) -> list[dict]:
    """Press Tab until `found(focused)` holds; every element passed on the way shows its focus."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        passed.append(focused)
        if found(focused):
            return passed
    raise AssertionError(f"Tab never reached it; passed {[f['text'] or f['id'] for f in passed]}")


def test_the_filters_work_with_the_keyboard_alone_and_show_where_the_focus_is(page, products):
    page.goto("/products/")
    passed = tab_to(page, lambda f: f["tag"] == "INPUT" and f["id"] == "" and f["text"] == "gender-equality")
    page.keyboard.press("Space")
    passed += tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Show"))
    expect(page.locator(".filter-apply button")).to_have_text("Show 2 products")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"theme=gender-equality"))
    expect(results_heading(page)).to_contain_text("2 products")

    passed += tab_to(page, lambda f: f["tag"] == "SUMMARY" and f["text"] == "Year")
    assert not page.evaluate(IS_OPEN), "the year group starts folded"
    page.keyboard.press("Enter")
    assert page.evaluate(IS_OPEN), "Enter opens a folded filter group"

    passed += tab_to(page, lambda f: f["id"] == "year-min")
    page.keyboard.type("2019")
    page.keyboard.press("Tab")
    page.keyboard.type("2019")
    page.keyboard.press("Enter")  # Enter in a field of the form sends it, as its button does
    page.wait_for_url(re.compile(r"year_min=2019"))
    assert "theme=gender-equality" in page.url and "year_max=2019" in page.url
    expect(results_heading(page)).to_contain_text("1 product")

    unmarked = [f for f in passed if not f["ring"]]
    assert not unmarked, f"focus not visible on: {unmarked}"
