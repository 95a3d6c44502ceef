"""Search as a visitor meets it on the browse page, on both databases: everything a product is known by,
its languages, forgiving queries that say how they were answered, passages with the words highlighted, and
never a word of an unpublished product."""

import pytest
from django.urls import reverse

from inventory.documents import record_text
from inventory.models import KnowledgeProduct
from search import facets
from search.fulltext import update_search_vectors
from tests.factories import PartnershipFactory, ProductFactory, ProductTypeFactory, ThemeFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
BROWSE = reverse("pages:product-list")


@pytest.fixture(autouse=True)
def fresh_searches():
    facets.forget_searches()
    yield
    facets.forget_searches()


def get(client, **params):
    response = client.get(BROWSE, params)
    assert response.status_code == 200
    return response


def titles(response) -> list[str]:
    return [product.title for product in response.context["page"].object_list]


class TestEverythingAProductIsKnownBy:
    def test_names_of_its_country_in_english_and_dutch_partnership_acronym_theme_and_type(self, client):
        partnership = PartnershipFactory(name="Open Ledger Partnership", acronym="OLP")
        ProductFactory(
            title="Scorecards for clinics",
            countries=["KE"],
            partnerships=[partnership],
            themes=[ThemeFactory(name="Social accountability")],
            product_type=ProductTypeFactory(name="Method or tool"),
        )
        ProductFactory(title="Unrelated")
        update_search_vectors()
        for query in ("Kenya", "Kenia", "OLP", "open ledger", "social accountability", "method"):
            assert titles(get(client, q=query)) == ["Scorecards for clinics"], query

    def test_words_only_inside_its_document_find_it_and_show_the_passage(self, client):
        product = ProductFactory(title="Security handbook")
        record_text(product=product, text="Chapter two: turn on two-factor authentication everywhere.")
        ProductFactory(title="Unrelated")
        update_search_vectors()
        response = get(client, q="authentication")
        assert titles(response) == ["Security handbook"]
        assert "<mark>authentication</mark>" in response.content.decode()

    def test_accents_and_the_products_language_do_not_matter(self, client):
        ProductFactory(title="Guide pratique: ouvrir le budget communal", languages=["fr"])
        ProductFactory(title="Espacio cívico en Nicaragua", languages=["es"])
        update_search_vectors()
        assert titles(get(client, q="budgets communaux")) == ["Guide pratique: ouvrir le budget communal"]
        assert titles(get(client, q="espacio civico")) == ["Espacio cívico en Nicaragua"]


class TestForgivingQueries:
    def test_a_question_finds_the_products_with_most_of_its_words_and_says_so(self, client):
        ProductFactory(title="Keeping phones safe", summary="Protecting phones and accounts.")
        ProductFactory(title="Phones in budget work")
        ProductFactory(title="Unrelated")
        update_search_vectors()
        response = get(client, q="how do we keep our phones safe from the police")
        assert titles(response)[0] == "Keeping phones safe"
        assert "Unrelated" not in titles(response)
        assert "No product has all of these words" in response.content.decode()

    def test_a_typo_is_corrected_from_the_catalogues_words(self, client):
        ProductFactory(title="Advocacy basics for young activists")
        update_search_vectors()
        response = get(client, q="advocasy")
        assert titles(response) == ["Advocacy basics for young activists"]
        assert "the results for “advocacy”" in response.content.decode()

    def test_a_query_naming_a_country_offers_its_filter(self, client):
        ProductFactory(title="Budget toolkit", countries=["KE"])
        ProductFactory(title="Budget guide", countries=["UG"])
        update_search_vectors()
        response = get(client, q="budget Kenya")
        [named] = response.context["named_filters"]
        assert (named["param"], named["count"]) == ("country", 1)
        assert named["query"] == "?q=budget&country=KE"

    def test_no_result_offers_the_closest_themes_and_sharing_the_question_as_a_need(self, client):
        theme = ThemeFactory(name="Water governance")
        ProductFactory(title="Wells", themes=[theme])
        update_search_vectors()
        response = get(client, q="zqxj governance")  # "governance" is only a theme's name, not a product's
        page = response.content.decode()
        assert response.context["page"].paginator.count == 1  # the theme's name is searched too
        response = get(client, q="zqxjv")
        page = response.content.decode()
        assert response.context["page"].paginator.count == 0
        assert f"{reverse('needs:need-new')}?title=zqxjv" in page
        need_form = client.get(reverse("needs:need-new"), {"title": "zqxjv"})
        assert need_form.context["form"].initial["title"] == "zqxjv"


class TestNeverAnUnpublishedWord:
    @pytest.fixture
    def catalogue(self):
        public = ProductFactory(title="Public toolkit", summary="About wells.")
        draft = ProductFactory(
            title="Secret draft", summary="Zanzibarian wells.", status=Status.DRAFT, published_at=None
        )
        record_text(product=draft, text="The confidential quokka census of the draft.")
        record_text(product=public, text="Public annex on wells.")
        update_search_vectors()
        return public, draft

    def test_a_drafts_words_and_document_find_nothing_count_nothing_and_are_never_suggested(
        self, client, catalogue
    ):
        for query in ("quokka", "Zanzibarian", "secret draft", "confidential census"):
            response = get(client, q=query)
            assert response.context["page"].paginator.count == 0, query
            page = response.content.decode()
            assert "quokka" not in page.replace(query, "") and "Zanzibarian" not in page.replace(query, "")
        # A typo of the draft's word is not corrected to it, and the any-word fallback does not find it.
        response = get(client, q="quokkas censuss")
        assert response.context["did_you_mean"] == ""
        assert response.context["page"].paginator.count == 0

    def test_a_passage_never_comes_from_a_draft(self, client, catalogue):
        response = get(client, q="wells")
        assert titles(response) == ["Public toolkit"]
        assert "Zanzibarian" not in response.content.decode()
        assert "quokka" not in response.content.decode()

    def test_the_api_and_the_export_do_not_find_a_draft_by_its_document(self, client, catalogue):
        api = client.get("/api/products/", {"q": "quokka"})
        assert api.status_code == 200 and api.json()["count"] == 0
        export = client.get(reverse("opendata:product-export"), {"q": "quokka"})
        assert "Secret draft" not in b"".join(export.streaming_content).decode()
