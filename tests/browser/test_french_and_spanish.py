"""A Southern partner who reads Spanish or French: browses, filters and opens a product in Spanish, sends a
need with a mistake in French with the keyboard alone, and is answered in their language throughout."""

import re

import pytest
from playwright.sync_api import expect

from needs.models import KnowledgeNeed
from search.fulltext import update_search_vectors
from tests.browser.test_end_to_end import tab_to
from tests.factories import PartnershipFactory, ProductFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def products():
    gender = ThemeFactory(name="Gender equality", slug="gender-equality")
    land = ThemeFactory(name="Land rights", slug="land-rights")
    ProductFactory(title="Budget tracking with women's groups", themes=[gender], year=2017)
    ProductFactory(title="Gender budgeting toolkit", themes=[gender], year=2019)
    ProductFactory(title="Community land mapping guide", themes=[land], year=2019)
    update_search_vectors()


def test_in_spanish_a_visitor_browses_filters_searches_and_opens_a_product(page, products):
    page.goto("/")
    page.get_by_role("navigation", name=re.compile("Language|Idioma")).get_by_role(
        "link", name="Español"
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Explorar").click()
    assert page.url.endswith("/es/products/")
    expect(page.locator("#results-heading")).to_contain_text("3 productos")

    theme_group = page.locator("details.facet").first
    if not theme_group.evaluate("group => group.open"):
        theme_group.locator(":scope > summary").click()
    page.get_by_role("checkbox", name=re.compile("Gender equality")).check()
    page.locator(".filter-apply button").click()
    page.wait_for_url(re.compile(r"theme=gender-equality"))
    expect(page.locator("#results-heading")).to_contain_text("2 productos")
    page.get_by_label("Buscar en los productos de conocimiento").fill("toolkit")
    page.get_by_label("Buscar en los productos de conocimiento").press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("1 producto")
    assert "/es/products/" in page.url and "theme=gender-equality" in page.url

    page.get_by_role("link", name=re.compile("Gender budgeting toolkit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gender budgeting toolkit")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("navigation", name="Ruta de navegación")).to_contain_text(
        "Productos de conocimiento"
    )


def test_in_french_a_need_with_a_mistake_is_corrected_and_sent_with_the_keyboard_alone(page):
    PartnershipFactory(name="Voices for Water Justice")
    page.goto("/fr/needs/new/")
    tab_to(page, lambda focused: focused["id"] == "id_partnership")
    page.keyboard.press("End")  # "It is not in the list", the last choice
    for field, text in [
        ("id_partnership_name", "Alliance Sahel"),
        ("id_organisation_name", "Collectif Nyota"),
        ("id_contact_name", "Awa Diallo"),
        ("id_contact_email", "awa@example"),
        ("id_title", "Plaider auprès des conseils de district"),
        ("id_description", "Comment d'autres ont-ils obtenu des lignes budgétaires ?"),
    ]:
        tab_to(page, lambda focused, field=field: focused["id"] == field)
        page.keyboard.type(text)
    tab_to(page, lambda focused: focused["tag"] == "BUTTON" and "Envoyer mon besoin" in focused["text"])
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Il y a un problème")
    expect(summary).to_be_focused()
    email = page.get_by_label("Votre adresse e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    messages = [
        page.locator(f"#{id_}").inner_text() for id_ in email.get_attribute("aria-describedby").split()
    ]
    assert any("Vérifiez votre adresse e-mail" in message for message in messages), messages
    assert KnowledgeNeed.objects.count() == 0

    tab_to(page, lambda focused: "adresse e-mail" in focused["text"] and focused["href"].startswith("#"))
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("awa@example.org")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Merci\u00a0: nous avons reçu votre besoin")
    need = KnowledgeNeed.objects.get()
    expect(page.locator(".reference")).to_have_text(need.reference)
    assert (need.contact_email, need.contact_language) == ("awa@example.org", "fr")
