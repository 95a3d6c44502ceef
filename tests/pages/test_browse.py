"""The browse page /products/: facets, search, sort, pagination, and what it does with bad input."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from inventory.models import KnowledgeProduct
from search.browse import PER_PAGE as PRODUCTS_PER_PAGE
from search.filters import ProductFilter
from search.fulltext import update_search_vectors
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
BROWSE = reverse("pages:product-list")


def browse(client, query: str = "", status: int = 200):
    response = client.get(f"{BROWSE}?{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


class TestListing:
    def test_it_lists_only_published_products(self, client):
        ProductFactory(title="Public toolkit")
        for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
            ProductFactory(title=f"{status} toolkit", status=status, published_at=None)
        response = browse(client)
        assert titles(response) == ["Public toolkit"]
        page = response.content.decode()
        assert "Public toolkit" in page
        assert "draft toolkit" not in page and "submitted toolkit" not in page

    def test_it_shows_24_per_page_and_pages_through_the_rest(self, client):
        for n in range(PRODUCTS_PER_PAGE + 5):
            ProductFactory(title=f"Product {n:02}")
        first = browse(client, "sort=title")
        assert PRODUCTS_PER_PAGE == 24
        assert len(titles(first)) == 24
        assert titles(browse(client, "sort=title&page=2")) == [f"Product {n:02}" for n in range(24, 29)]
        assert 'href="?sort=title&amp;page=2"' in first.content.decode()

    @pytest.mark.parametrize("page", ["99", "0", "-1", "two", "", "1.5", "%00", "9" * 400])
    def test_page_numbers_out_of_range_or_not_numbers_show_a_page(self, client, page):
        ProductFactory.create_batch(30)
        response = browse(client, f"page={page}")
        assert response.context["page"].number in (1, 2)

    def test_the_form_and_sort_links_keep_the_filters_in_the_url(self, client):
        ThemeFactory(slug="land")
        ProductFactory.create_batch(2, product_type=ProductTypeFactory(name="Toolkit"))
        page = browse(client, "theme=land&type=toolkit&country=KE&page=2").content.decode()
        # The search form carries the other filters; a new search starts on page 1.
        for name, value in (("theme", "land"), ("type", "toolkit"), ("country", "KE")):
            assert f'<input type="hidden" name="{name}" value="{value}">' in page
        assert 'name="page"' not in page

    def test_sorting_by_relevance_is_offered_only_when_searching(self, client):
        ProductFactory.create_batch(2, title="Water toolkit")
        update_search_vectors()
        assert "sort=relevance" not in browse(client).content.decode()
        searched = browse(client, "q=water").content.decode()
        assert re.search(r'<span aria-current="true">Relevance</span>', searched)
        assert 'href="?q=water&amp;sort=title"' in searched


class TestFacetsOnThePage:
    def test_each_value_is_a_box_of_one_form_ticked_when_chosen(self, client):
        core = ThemeFactory(name="Environmental rights", slug="environment")
        ThemeFactory(name="Land rights", slug="land", parent=core)
        ProductFactory(themes=[core], countries=["KE"])
        page = browse(client, "country=KE&page=2").content.decode()
        assert re.search(r'<input type="checkbox" name="theme" value="environment">\s*<span>', page)
        assert re.search(r'name="country" value="KE" checked>\s*<span>Kenya', page)
        assert re.search(r'<button type="submit" class="button">\s*Show 1 product\s*</button>', page)

    def test_active_filters_are_removable_one_by_one_and_all_at_once(self, client):
        ThemeFactory(name="Land rights", slug="land")
        ProductFactory()
        page = browse(client, "theme=land&country=KE&country=UG").content.decode()
        assert 'href="?country=KE&amp;country=UG"' in page  # without the theme
        assert 'href="?theme=land&amp;country=UG"' in page  # without Kenya
        assert f'<a class="clear-all" href="{BROWSE}">Clear all</a>' in page

    def test_a_southern_organisation_can_be_found_through_its_kind(self, client):
        southern = OrganisationFactory(name="Voices of the Valley", kind="southern-cso")
        ProductFactory(title="Made in the South", organisations=[southern])
        ProductFactory(title="Made in the Hague", organisations=[OrganisationFactory()])
        response = browse(client, "org_kind=southern-cso")
        assert titles(response) == ["Made in the South"]
        assert "Southern civil-society organisation" in response.content.decode()


class TestEmptyResults:
    def test_an_empty_result_says_why_and_how_many_each_filter_left_out_would_give(self, client):
        theme = ThemeFactory(name="Land rights", slug="land")
        ProductFactory.create_batch(3, themes=[theme], countries=["KE"])
        ProductFactory.create_batch(2, countries=["BO"])
        response = browse(client, "theme=land&country=BO")
        assert titles(response) == []
        assert {(w["param"], w["count"]) for w in response.context["widen"]} == {("theme", 2), ("country", 3)}
        page = response.content.decode()
        assert "No published product has all of these filters." in page
        assert 'href="?country=BO"' in page and 'href="?theme=land"' in page

    def test_a_search_without_results_offers_to_search_without_the_filters(self, client):
        ThemeFactory(slug="land")
        ProductFactory(title="Water toolkit")
        update_search_vectors()
        response = browse(client, "q=water&theme=land")
        page = response.content.decode()
        assert "Nothing published matches “water” with these filters." in page
        assert 'href="?q=water"' in page
        assert {w["param"]: w["count"] for w in response.context["widen"]} == {"q": 0, "theme": 1}

    def test_an_empty_map_says_nothing_is_published_yet(self, client):
        assert "No knowledge products have been published yet." in browse(client).content.decode()


class TestBadInput:
    """Bad input gets a 400 with the reason; the page still works with whatever was valid."""

    def test_an_unknown_slug_gives_400_naming_it_and_a_link_to_leave_it_out(self, client):
        ProductFactory(title="Kenyan toolkit", countries=["KE"])
        ProductFactory(title="Bolivian toolkit", countries=["BO"])
        response = browse(client, "theme=no-such-theme&country=KE", status=400)
        page = response.content.decode()
        assert "There is no theme “no-such-theme”." in page
        assert 'href="?country=KE">Leave it out</a>' in page
        assert titles(response) == ["Kenyan toolkit"]

    def test_a_new_search_drops_the_refused_parameter_and_keeps_the_others(self, client):
        page = browse(client, "theme=no-such-theme&country=KE", status=400).content.decode()
        assert '<input type="hidden" name="country" value="KE">' in page
        assert 'name="theme"' not in page

    @pytest.mark.parametrize(
        "query",
        [
            "year_min=last+year",
            "year_max=99999999999999999999999",
            "q=" + "x" * 10_000,
            "q=toolkit%00",
            "theme=land%00",
            "country=%00%00",
            "type=%ff%fe",
            "sort=random",
            "tag=" + "&tag=".join(str(n) for n in range(60)),
        ],
    )
    def test_bad_values_give_400_never_500(self, client, query):
        ProductFactory()
        response = browse(client, query, status=400)
        assert response.context["errors"]

    def test_markup_in_the_search_is_shown_escaped_never_executed(self, client):
        ProductFactory()
        page = browse(client, "q=<script>alert(1)</script>").content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_markup_in_an_unknown_slug_is_escaped_in_the_message(self, client):
        page = browse(client, 'partnership="><img src=x onerror=alert(1)>', status=400).content.decode()
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page

    def test_only_get_and_head_are_allowed(self, client):
        assert client.post(BROWSE).status_code == 405


@pytest.mark.usefixtures("uncached")
class TestQueryCount:
    @pytest.fixture
    def many_products(self):
        core = ThemeFactory(slug="environment")
        themes = [core, ThemeFactory(parent=core), ThemeFactory(slug="gender")]
        types = [ProductTypeFactory(name="Toolkit"), ProductTypeFactory(name="Guide")]
        partnerships = PartnershipFactory.create_batch(3)
        organisations = OrganisationFactory.create_batch(3)
        for n in range(40):
            ProductFactory(
                title=f"Water product {n}",
                product_type=types[n % 2],
                themes=themes[: n % 3 + 1],
                partnerships=partnerships[: n % 3 + 1],
                organisations=organisations[: n % 3 + 1],
                countries=["KE", "UG", "BO"][: n % 3 + 1],
                languages=["en", "fr"][: n % 2 + 1],
                tags=["budget", "water", "gender"][: n % 3 + 1],
                featured=n % 4 == 0,
            )
        update_search_vectors()

    # Uncached, so each request also builds the facet index (search.index): 1–4 the published products in
    # each order (newest, oldest, by title, most recently published), 5 the theme tree, 6–12 the link
    # tables (themes, partnerships, organisations, countries, languages, tags, stakeholders), 13–21 the
    # rows they link (themes, types, programmes, partnerships, organisations, countries, languages, tags,
    # stakeholders). Then 22 the page of products with their types, partnerships and countries (read in
    # their rows). No query per facet, none per value.
    BROWSE_QUERIES = 22

    def test_browsing_makes_the_same_queries_however_many_products(
        self, client, many_products, django_assert_num_queries
    ):
        with django_assert_num_queries(self.BROWSE_QUERIES):
            browse(client)
        ProductFactory.create_batch(30, themes=[ThemeFactory()], countries=["NL"], tags=["more"])
        with django_assert_num_queries(self.BROWSE_QUERIES):
            browse(client, "page=2")

    def test_searching_and_filtering_add_one_query_per_filter_checking_its_values(
        self, client, many_products, django_assert_num_queries
    ):
        # The queries above, the check that theme, type, country and tag name existing rows (4), the
        # search's matches (PostgreSQL 2: it reads the query in each language, then finds the matches;
        # SQLite 1), the relevance index that ranks them, built too (6: search.relevance.build), and the
        # passages of the page's products with the words highlighted (1). PostgreSQL builds the sets of its
        # search documents' words too (4: search.postings.build, the products, then the words through a
        # cursor, in a savepoint within the test's transaction), and reads the products of the words too
        # rare for those (all, in so few products) through the index in a transaction of their own
        # (search.fulltext.through_the_index): within the test's transaction, a savepoint, the settings, the
        # settings restored and the savepoint released (4).
        search = 6 + (2 + 4 + 4 if connection.vendor == "postgresql" else 1)
        with django_assert_num_queries(self.BROWSE_QUERIES + 5 + search):
            response = browse(
                client, "q=water&theme=environment&type=toolkit&country=KE&tag=budget&sort=title"
            )
        assert response.context["page"].paginator.count > 0
        # Filters by a fixed choice or a number need no check.
        with django_assert_num_queries(self.BROWSE_QUERIES + 1 + search):
            response = browse(client, "q=water+product&featured=1&year_min=2000&region=sub-saharan-africa")
        assert response.context["page"].paginator.count == 10


class TestOrderFromTheFacetIndex:
    """Newest first, the page's ids come from the facet index; they must be the database's order exactly:
    by year (none last), then publication (none last), then the newest row first."""

    @pytest.fixture
    def products(self):
        now = timezone.now()
        for n in range(70):
            ProductFactory(
                year=None if n % 9 == 0 else 2015 + n % 4,
                published_at=now - timedelta(days=n % 3),  # many ties, broken by the id
                countries=["KE"] if n % 10 == 0 else ["UG"],
            )
        ProductFactory(status=KnowledgeProduct.Status.DRAFT, published_at=None, year=2030, countries=["KE"])

        def expected(query: str) -> list[int]:
            return [p.pk for p in ProductFilter(QueryDict(query)).qs]

        return expected

    def shown(self, client, query: str) -> list[int]:
        ids, number, last = [], 1, 1
        while number <= last:
            page = browse(client, f"{query}&page={number}").context["page"]
            ids += [product.pk for product in page.object_list]
            number, last = number + 1, page.paginator.num_pages
        return ids

    def test_all_products_page_after_page(self, client, products):
        # Most products are results: the index's newest-first list is walked.
        assert self.shown(client, "") == products("")

    def test_a_few_products_page_after_page(self, client, products):
        # Few results: the newest of them are picked.
        assert self.shown(client, "country=KE") == products("country=KE")
        assert len(products("country=KE")) == 7
