"""The admin lists' "Show counts": every figure beside every filter is the number of rows the list shows when
that value is chosen, read in a few queries however many filters and values the list has
(core.admin_counts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import admin_counts, freshness
from inventory.models import KnowledgeProduct, LinkCheck, Partnership
from needs.admin import KnowledgeNeedAdmin
from needs.models import KnowledgeNeed, LearningFormat
from search.fulltext import update_search_vectors
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    MembershipFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PRODUCTS = "admin:inventory_knowledgeproduct_changelist"
NEEDS = "admin:needs_knowledgeneed_changelist"


@pytest.fixture
def catalogue():
    """Products in several themes and partnerships (one partnership in two programmes' lists), drafts, a
    product without a theme; needs from several partnerships and none."""
    water, land = ThemeFactory(name="Water"), ThemeFactory(name="Land")
    wash = ThemeFactory(name="Sanitation", parent=water)
    first, second = ProgrammeFactory(name="Dialogue and Dissent"), ProgrammeFactory(name="Power of Voices")
    alliances = [PartnershipFactory(programme=first), PartnershipFactory(programme=first)]
    alliances.append(PartnershipFactory(programme=second))
    ProductFactory(title="Water budgets", themes=[water, wash], partnerships=alliances[:2], year=2017)
    ProductFactory(title="Water for towns", themes=[water], partnerships=alliances, url="")
    ProductFactory(title="Land rights guide", themes=[land], partnerships=alliances[2:], year=2016)
    ProductFactory(title="Land draft", themes=[land, water], status=KnowledgeProduct.Status.DRAFT)
    ProductFactory(title="Untitled theme", featured=True)
    KnowledgeNeedFactory(title="Water tariffs", partnership=alliances[0], themes=[water])
    KnowledgeNeedFactory(title="Land titles", partnership=alliances[2], themes=[land, wash])
    KnowledgeNeedFactory(title="No partnership", status=KnowledgeNeed.Status.IN_REVIEW)
    update_search_vectors()
    return {"water": water, "land": land, "first": first}


def shown(changelist) -> dict[str, list[str]]:
    return {
        str(spec.title): [choice["display"] for choice in spec.choices(changelist)]
        for spec in changelist.filter_specs
    }


def assert_each_count_is_what_its_choice_lists(client, url: str, params: dict) -> int:
    """Every count shown equals the number of rows the list shows when the curator clicks that value."""
    changelist = client.get(url, {"_facets": "True", **params}).context["cl"]
    checked = 0
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            label, _, count = choice["display"].rpartition(" (")
            if not label:
                continue  # "All", which Django does not count
            listed = client.get(url + choice["query_string"]).context["cl"].result_count
            assert (f"{spec.title}: {label}", int(count.rstrip(")"))) == (f"{spec.title}: {label}", listed)
            checked += 1
    return checked


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status__exact": "published"},
        {"themes__id__exact": "water"},
        {"partnerships__programme__id__exact": "first", "year": "2017"},
        {"q": "water"},
        {"q": "water", "themes__id__exact": "land", "featured__exact": "0"},
    ],
)
def test_each_product_count_is_what_clicking_it_lists(curator_client, catalogue, params):
    """Django's own counts would say 4 for "Dialogue and Dissent": two products, each through two of its
    partnerships."""
    params = {key: str(catalogue[value].pk) if value in catalogue else value for key, value in params.items()}
    assert assert_each_count_is_what_its_choice_lists(curator_client, reverse(PRODUCTS), params) > 20


@pytest.mark.parametrize("params", [{}, {"status__exact": "new"}, {"partnership__isnull": "True"}])
def test_each_need_count_is_what_clicking_it_lists(curator_client, catalogue, params):
    assert assert_each_count_is_what_its_choice_lists(curator_client, reverse(NEEDS), params) > 10


def test_a_curator_reads_each_themes_count_within_the_other_filters(curator_client, catalogue):
    response = curator_client.get(reverse(PRODUCTS), {"_facets": "True", "status__exact": "published"})
    themes = shown(response.context["cl"])["themes"]
    assert "Water (2)" in themes and "— Sanitation (1)" in themes and "Land (1)" in themes
    assert "- (1)" in themes  # one published product has no theme


def counts_of(client, params: dict | None = None) -> dict[str, list[str]]:
    return shown(client.get(reverse(PRODUCTS), {"_facets": "True", **(params or {})}).context["cl"])


def test_show_counts_reads_the_table_once_per_data_version(curator_client, catalogue, settings):
    settings.CACHE_PUBLIC_AGGREGATES = True  # kept per data version, as in production
    url, narrowed = reverse(PRODUCTS), {"status__exact": "published", "year": "2017"}
    with CaptureQueriesContext(connection) as plain:
        curator_client.get(url)
    with CaptureQueriesContext(connection) as plain_narrowed:
        curator_client.get(url, narrowed)
    # Counts come without the list's two counts (the list's and the table's): its ids give them.
    with CaptureQueriesContext(connection) as first:
        curator_client.get(url, {"_facets": "True"})
    # After a change: one scan of the products for status, featured, type, link or file, year and date
    # created; the themes' link table; the programmes' links; and the products whose last link check found
    # a problem (no change to the data version: read at each showing). Django's own took a query per filter
    # and per value of a related one (forty more than the plain list), and built every filter again for each.
    assert len(first) == len(plain) - 2 + 4
    with CaptureQueriesContext(connection) as again:
        curator_client.get(url, {"_facets": "True"})
    assert len(again) == len(plain) - 2 + 1
    with CaptureQueriesContext(connection) as filtered:
        curator_client.get(url, {"_facets": "True", **narrowed})
    # A list narrowed by its filters is an intersection of the kept sets too: no query reads its rows.
    assert len(filtered) == len(plain_narrowed) - 2 + 1


def test_another_process_loads_the_sets_another_has_read(curator_client, catalogue):
    params = {"_facets": "True", "status__exact": "published"}
    first = counts_of(curator_client, params)  # this process reads the sets, and shares them
    admin_counts.forget()  # another process, with nothing in its memory
    with CaptureQueriesContext(connection) as loaded:
        assert counts_of(curator_client, params) == first
    read = [query["sql"] for query in loaded.captured_queries]
    assert not [sql for sql in read if "counted_" in sql or '"inventory_knowledgeproduct_themes"' in sql]


def test_the_counts_follow_every_change_at_once(curator_client, catalogue, settings):
    settings.CACHE_PUBLIC_AGGREGATES = True
    before = counts_of(curator_client)
    assert "Water (3)" in before["themes"] and "Broken (0)" in before["link or file"]
    product = KnowledgeProduct.objects.get(title="Land rights guide")
    product.themes.add(catalogue["water"])  # a link changed, no row saved
    KnowledgeProduct.objects.filter(title="Land draft").update(status=KnowledgeProduct.Status.PUBLISHED)
    freshness.changed(KnowledgeProduct)  # as code that updates rows in bulk says
    LinkCheck.objects.create(product=product, checked_at=timezone.now(), problem="404 Not Found")
    after = counts_of(curator_client)
    assert "Water (4)" in after["themes"] and "Broken (1)" in after["link or file"]
    assert after["status"] != before["status"]
    assert assert_each_count_is_what_its_choice_lists(curator_client, reverse(PRODUCTS), {}) > 20


def numbers_per_row(client, url: str, column: str, order: str | None = None) -> list[tuple[str, int]]:
    """Each row's name and number as the list shows them, sorted by that number when `order` is given."""
    changelist = client.get(url, {"o": order} if order else {}).context["cl"]
    return [(str(row), getattr(row, column)) for row in changelist.result_list]


def test_each_lists_numbers_are_each_rows_own_and_sort_the_list(curator_client, catalogue):
    """Needs: their matched products; activities and learning formats: their needs; partnerships: their
    members (each counted by a subquery for the page's rows)."""
    land, water = (
        KnowledgeNeed.objects.get(title="Land titles"),
        KnowledgeNeed.objects.get(title="Water tariffs"),
    )
    land.matched_products.set(KnowledgeProduct.objects.filter(title__startswith="Land"))
    needs = reverse(NEEDS)
    column = KnowledgeNeedAdmin.list_display.index("matched_count") + 1  # the checkbox is column 0
    shown = numbers_per_row(curator_client, needs, "matched_count", f"-{column}")
    assert shown[0] == (str(land), 2) and sorted(number for _name, number in shown) == [0, 0, 2]
    webinar = LearningFormat.objects.first()
    water.learning_formats.set([webinar])
    land.learning_formats.set([webinar])
    activity = LearningActivityFactory(needs=[land, water])
    LearningActivityFactory(needs=[water])
    activities = numbers_per_row(
        curator_client, reverse("admin:needs_learningactivity_changelist"), "need_count"
    )
    assert (str(activity), 2) in activities and sorted(number for _name, number in activities) == [1, 2]
    formats = numbers_per_row(curator_client, reverse("admin:needs_learningformat_changelist"), "need_count")
    assert (str(webinar), 2) in formats and all(
        number == 0 for name, number in formats if name != str(webinar)
    )
    alliance = Partnership.objects.filter(needs=land).get()
    MembershipFactory.create_batch(3, partnership=alliance)
    partnerships = numbers_per_row(
        curator_client, reverse("admin:inventory_partnership_changelist"), "member_count"
    )
    assert (str(alliance), 3) in partnerships and sum(number for _name, number in partnerships) == 3


def test_a_searchs_count_follows_a_change_at_once(curator_client, catalogue):
    url = reverse(PRODUCTS)
    assert curator_client.get(url, {"q": "water"}).context["cl"].result_count == 3
    ProductFactory(title="Water kiosks", status=KnowledgeProduct.Status.DRAFT)
    update_search_vectors()
    assert curator_client.get(url, {"q": "water"}).context["cl"].result_count == 4
    assert curator_client.get(url, {"q": "water", "_facets": "True"}).context["cl"].result_count == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # each change committed
def test_a_need_submitted_leaves_the_products_sets_and_searches_be(curator_client, catalogue):
    """The products list's sets and searches follow the catalogue's version: the public's needs, submitted
    all day, do not make the next curator's list read them again. The needs list's follow every change."""
    products, needs = reverse(PRODUCTS), reverse(NEEDS)
    for url in (products, needs):
        curator_client.get(url, {"_facets": "True", "q": "water"} if url == products else {"_facets": "True"})
    KnowledgeNeedFactory(title="Seed banks", themes=[catalogue["land"]])  # as the needs form saves one

    def reads(url, params) -> list[str]:
        with CaptureQueriesContext(connection) as read:
            curator_client.get(url, params)
        # The sets' scan ("counted_…"), and the search's matches alone (not the page's rows): from
        # PostgreSQL's vectors, or the products' ids in SQLite's FTS5 table.
        sql = [q["sql"] for q in read.captured_queries]
        return [
            text
            for text in sql
            if "counted_" in text
            or text.startswith('SELECT "inventory_searchdocument"."product_id"')
            or (
                text.startswith('SELECT "inventory_knowledgeproduct"."id" AS "pk"')
                and "rowid FROM search" in text
            )
        ]

    assert reads(products, {"_facets": "True", "q": "water"}) == []
    assert reads(needs, {"_facets": "True"}) != []  # its own table changed: read again
    assert "Seed banks" in curator_client.get(needs).content.decode()
    ProductFactory(title="Water tariffs explained", themes=[catalogue["water"]])
    update_search_vectors()
    assert reads(products, {"_facets": "True", "q": "water"}) != []
    assert "Water (4)" in counts_of(curator_client)["themes"]
