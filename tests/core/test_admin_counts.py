"""The admin lists' "Show counts": every figure beside every filter is the number of rows the list shows when
that value is chosen, read in a few queries however many filters and values the list has
(core.admin_counts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from search.fulltext import update_search_vectors
from tests.factories import (
    KnowledgeNeedFactory,
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


def test_show_counts_reads_the_filters_once_and_a_query_per_related_filter(curator_client, catalogue):
    url = reverse(PRODUCTS)
    with CaptureQueriesContext(connection) as plain:
        curator_client.get(url)
    with CaptureQueriesContext(connection) as counted:
        curator_client.get(url, {"_facets": "True"})
    # One aggregate for status, featured, type, link or file, year and date created; for the themes and the
    # programmes, a grouping of the link table and the number of products linked. Django's own took a query
    # per filter (and per value of a related one), and built every filter again for each.
    assert len(counted) - len(plain) == 5
    with CaptureQueriesContext(connection) as filtered:
        curator_client.get(url, {"_facets": "True", "status__exact": "published"})
    # The narrowed list's ids read once into a table of their own (made, analysed on PostgreSQL, dropped) for
    # the same five; and the status filter in use counts apart, over the list without its own choice.
    assert len(filtered) - len(plain) == 3 + (connection.vendor == "postgresql") + 5
