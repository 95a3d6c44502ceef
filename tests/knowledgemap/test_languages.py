"""Dutch, French and Spanish at /nl/…, /fr/…, /es/… beside English at the same paths, a language switch
listing all four on every page, <html lang> right."""

import re

import pytest

from inventory.models import Organisation
from needs.models import KnowledgeNeed
from tests.factories import OrganisationFactory, PartnershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_keeps_the_paths_and_dutch_lives_under_nl(client):
    ProductFactory(title="Budget tracking toolkit")
    english = client.get("/products/")
    dutch = client.get("/nl/products/")
    assert (english.status_code, dutch.status_code) == (200, 200)
    assert html_lang(english) == "en"
    assert html_lang(dutch) == "nl"
    assert "<h1>Knowledge products</h1>" in english.content.decode()
    assert "<h1>Kennisproducten</h1>" in dutch.content.decode()
    assert "Budget tracking toolkit" in dutch.content.decode(), "the content itself stays as it was written"


def test_the_english_pages_are_not_also_under_en(client):
    assert client.get("/en/products/").status_code == 404


def test_every_page_links_to_itself_in_the_other_language_with_its_query(client):
    english = client.get("/products/?theme=land&q=budget").content.decode()
    dutch = client.get("/nl/products/?theme=land&q=budget").content.decode()
    assert '<a href="/nl/products/?theme=land&amp;q=budget" hreflang="nl" lang="nl">Nederlands</a>' in english
    assert '<a href="/products/?theme=land&amp;q=budget" hreflang="en" lang="en">English</a>' in dutch
    assert (
        '<link rel="alternate" hreflang="nl" href="http://testserver/nl/products/?theme=land&amp;q=budget">'
        in english
    )


def test_a_product_in_other_languages_still_has_the_sites_language_switch(client):
    # The product's own languages must not take the place of the site's in the page's context.
    product = ProductFactory(languages=["en", "sw"])
    english = client.get(product.get_absolute_url()).content.decode()
    path = product.get_absolute_url()
    assert f'<a href="/nl{path}" hreflang="nl" lang="nl">Nederlands</a>' in english
    assert f'<link rel="alternate" hreflang="nl" href="http://testserver/nl{path}">' in english
    assert 'hreflang="sw"' not in english


def test_the_switch_on_a_missing_page_points_to_the_same_path_in_the_other_language(client):
    response = client.get("/nl/nothing-here/")
    assert response.status_code == 404
    assert html_lang(response) == "nl"
    assert "Deze pagina staat niet op de kaart" in response.content.decode()
    assert 'href="/nothing-here/" hreflang="en"' in response.content.decode()


def test_the_navigation_of_a_dutch_page_stays_in_dutch(client):
    content = client.get("/nl/map/").content.decode()
    assert '<a href="/nl/products/">Bladeren</a>' in content
    assert '<a href="/nl/map/" aria-current="page">Kaart</a>' in content
    assert 'href="/products/"' not in content.replace('hreflang="en"', "")


@pytest.mark.parametrize("path", ["/nl/admin/", "/nl/healthz"])
def test_the_admin_and_the_health_check_have_no_dutch_address(client, path):
    assert client.get(path).status_code == 404


def test_the_admin_and_the_health_check_keep_their_addresses(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_choices_are_shown_in_the_page_language(client):
    OrganisationFactory(name="Delta Rights", kind=Organisation.Kind.DUTCH_NGO)
    assert "Nederlandse ngo" in client.get("/nl/organisations/").content.decode()
    assert "Dutch NGO" in client.get("/organisations/").content.decode()


def test_a_form_sent_in_dutch_answers_in_dutch(client):
    content = client.post("/nl/needs/new/", {}).content.decode()
    assert "Er is een probleem" in content
    # Each field's own message, and for a field without one the message naming it, in Dutch.
    assert re.search(r"<li>Vul “[^”]+” in\.</li>", content)
    assert "Je e-mailadres" in content and "Vul je e-mailadres in." in content
    assert "Kies je partnerschap, of “Het staat niet in de lijst”." in content


def test_a_need_sent_in_dutch_is_thanked_in_dutch(client, need_form):
    response = client.post("/nl/needs/new/", need_form())
    assert response.status_code == 302
    assert response["Location"].startswith("/nl/needs/new/thanks/")
    thanks = client.get(response["Location"]).content.decode()
    assert "Bedankt: we hebben je behoefte ontvangen" in thanks
    assert KnowledgeNeed.objects.get().reference in thanks


def test_the_file_help_text_of_the_nomination_form_follows_the_language(client, settings):
    PartnershipFactory()
    mb = settings.NOMINATION_MAX_UPLOAD_MB
    assert f"hoogstens {mb} MB" in client.get("/nl/products/nominate/").content.decode()
    assert f"at most {mb} MB" in client.get("/products/nominate/").content.decode()


def test_countries_and_languages_are_named_in_the_page_language(client):
    path = ProductFactory(countries=["DE"], languages=["de"]).get_absolute_url()
    dutch = client.get(f"/nl{path}").content.decode()
    english = client.get(path).content.decode()
    assert ">Duitsland</a>" in dutch and ">Duits</a>" in dutch
    assert ">Germany</a>" in english and ">German</a>" in english
    assert "<span>Duitsland</span>" in client.get("/nl/products/").content.decode()


def test_the_country_list_of_a_dutch_form_is_grouped_by_region_in_dutch_alphabetical_order(client):
    content = client.get("/nl/needs/new/").content.decode()
    names = re.findall(r'name="countries" value="[A-Z]{2}"> ([^<]+)</label>', content)
    assert names.index("Oeganda") < names.index("Zuid-Afrika")  # Afrika bezuiden de Sahara
    assert names.index("Duitsland") < names.index("Frankrijk")  # Europa
    assert "<summary>Afrika bezuiden de Sahara</summary>" in content


def test_pages_with_one_address_for_all_languages_offer_no_switch(client):
    content = client.get("/api/docs/").content.decode()
    assert 'hreflang="nl"' not in content
    assert client.get("/nl/api/docs/").status_code == 404


@pytest.mark.parametrize("path", ["/api/", "/feeds/products/", "/sitemap.xml", "/robots.txt"])
def test_machine_readable_addresses_have_no_dutch_twin(client, path):
    assert client.get(path).status_code == 200
    assert client.get(f"/nl{path}").status_code == 404


# French and Spanish live under /fr/ and /es/ as Dutch under /nl/: the same pages, forms, mails and errors.
TRANSLATED = {
    "fr": {"products": "Produits de connaissance", "missing": "Cette page n'est pas sur la carte"},
    "es": {"products": "Productos de conocimiento", "missing": "Esta página no está en el mapa"},
}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_french_and_spanish_live_under_their_prefix(client, language):
    ProductFactory(title="Budget tracking toolkit")
    response = client.get(f"/{language}/products/")
    assert response.status_code == 200
    assert html_lang(response) == language
    content = response.content.decode()
    assert f"<h1>{TRANSLATED[language]['products']}</h1>" in content
    assert "Budget tracking toolkit" in content, "the content itself stays as it was written"


@pytest.mark.parametrize("language", ["en", "nl", "fr", "es"])
def test_the_language_switch_lists_all_four_languages_in_their_own_names(client, language):
    prefix = "" if language == "en" else f"/{language}"
    content = client.get(f"{prefix}/products/?theme=land").content.decode()
    switch = content[content.index('class="language-switch"') :]
    switch = switch[: switch.index("</nav>")]
    names = re.findall(r'lang="(\w+)"[^>]*>([^<]+)<', switch)
    assert names == [("en", "English"), ("nl", "Nederlands"), ("fr", "Français"), ("es", "Español")]
    # The page's own language is marked, not linked; the others link to this page with its query.
    assert f'<span class="language-current" lang="{language}" aria-current="true">' in switch
    for code in {"nl", "fr", "es"} - {language}:
        assert f'<a href="/{code}/products/?theme=land" hreflang="{code}" lang="{code}">' in switch
    for code in ["en", "nl", "fr", "es"]:
        href = f"http://testserver{'' if code == 'en' else '/' + code}/products/?theme=land"
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in content
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/products/?theme=land">' in content
    )


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_missing_page_in_french_or_spanish_says_so_in_that_language(client, language):
    response = client.get(f"/{language}/nothing-here/")
    assert response.status_code == 404
    assert html_lang(response) == language
    assert TRANSLATED[language]["missing"] in response.content.decode()
    assert 'href="/nothing-here/" hreflang="en"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "navigation"),
    [("fr", ("Parcourir", "Carte")), ("es", ("Explorar", "Mapa"))],
)
def test_the_navigation_stays_in_the_pages_language(client, language, navigation):
    content = client.get(f"/{language}/map/").content.decode()
    assert f'<a href="/{language}/products/">{navigation[0]}</a>' in content
    assert f'<a href="/{language}/map/" aria-current="page">{navigation[1]}</a>' in content
    assert 'href="/products/"' not in content.replace('hreflang="en"', "")


@pytest.mark.parametrize(
    "path", ["/fr/admin/", "/es/admin/", "/fr/healthz", "/es/api/", "/fr/feeds/products/"]
)
def test_the_admin_and_machine_readable_addresses_have_no_french_or_spanish_twin(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Il y a un problème", r"(Remplissez «|Ajoutez )", "Votre adresse e-mail"]),
        ("es", ["Hay un problema", r"(Rellena «|Añade )", "Tu dirección de correo"]),
    ],
)
def test_a_form_sent_in_french_or_spanish_answers_in_that_language(client, language, expected):
    # The messages for what was left out too, in the person's words.
    content = client.post(f"/{language}/needs/new/", {}).content.decode()
    for text in expected:
        assert re.search(text, content), text


@pytest.mark.parametrize(
    ("language", "thanks"),
    [("fr", "Merci\u00a0: nous avons reçu votre besoin"), ("es", "Gracias: hemos recibido tu necesidad")],
)
def test_a_need_sent_in_french_or_spanish_is_thanked_and_stored_in_that_language(
    client, need_form, language, thanks
):
    response = client.post(f"/{language}/needs/new/", need_form())
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{language}/needs/new/thanks/")
    content = client.get(response["Location"]).content.decode()
    assert thanks in content
    need = KnowledgeNeed.objects.get()
    assert need.reference in content
    assert need.contact_language == language, "their mails follow the language they used"


@pytest.mark.parametrize(
    ("language", "country", "language_name"), [("fr", "Allemagne", "allemand"), ("es", "Alemania", "alemán")]
)
def test_countries_and_languages_are_named_in_french_and_spanish(client, language, country, language_name):
    path = ProductFactory(countries=["DE"], languages=["de"]).get_absolute_url()
    content = client.get(f"/{language}{path}").content.decode()
    assert f">{country}</a>" in content
    assert f">{language_name}</a>".casefold() in content.casefold()


def test_the_country_list_of_a_spanish_form_is_in_spanish_alphabetical_order(client):
    content = client.get("/es/needs/new/").content.decode()
    names = re.findall(r'name="countries" value="[A-Z]{2}"> ([^<]+)</label>', content)
    # Grouped by region; accents do not move a name to the end: Bélgica among the B, Perú before Uruguay.
    assert names.index("Alemania") < names.index("Bélgica") < names.index("Polonia")  # Europe
    assert names.index("Chile") < names.index("Perú") < names.index("Uruguay")  # Latin America
