"""The admin's lists keep their filters in the order curators think in: themes in tree order, statuses in
workflow order. (That they fit a laptop's screen is tested in Chromium: tests/browser/test_curator_day.py.)"""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from tests.factories import KnowledgeNeedFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def filter_choices(response, title: str) -> list[str]:
    spec = next(spec for spec in response.context["cl"].filter_specs if str(spec.title) == title)
    return [str(choice["display"]) for choice in spec.choices(response.context["cl"])][1:]  # Not "All".


@pytest.fixture
def themes():
    second = ThemeFactory(name="Avocado core", position=2)
    first = ThemeFactory(name="Zebra core", position=1)
    ThemeFactory(name="A sub of the second", parent=second)
    ThemeFactory(name="B sub of the first", parent=first)


@pytest.mark.parametrize(
    "list_name",
    ["inventory_knowledgeproduct", "inventory_nomination", "needs_knowledgeneed", "needs_learningactivity"],
)
def test_the_theme_filter_lists_themes_in_tree_order(curator_client, themes, list_name):
    response = curator_client.get(reverse(f"admin:{list_name}_changelist"))
    assert filter_choices(response, "themes") == [
        "Zebra core",
        "— B sub of the first",
        "Avocado core",
        "— A sub of the second",
        "-",  # Those with no theme.
    ]


def test_the_status_filters_follow_the_workflow(curator_client):
    ProductFactory()
    KnowledgeNeedFactory()
    products = curator_client.get(reverse("admin:inventory_knowledgeproduct_changelist"))
    assert filter_choices(products, "status") == [label for _, label in KnowledgeProduct.Status.choices]
    needs = curator_client.get(reverse("admin:needs_knowledgeneed_changelist"))
    assert filter_choices(needs, "status") == [
        "New",
        "In review",
        "Matched to products",
        "Addressed",
        "Closed",
    ]


@pytest.mark.parametrize(
    "list_name", ["inventory_knowledgeproduct", "inventory_nomination", "needs_knowledgeneed"]
)
def test_each_list_reads_a_fixed_number_of_queries_however_many_rows(
    curator_client, django_assert_max_num_queries, list_name
):
    theme = ThemeFactory()
    url = reverse(f"admin:{list_name}_changelist")

    def more(count):
        for _ in range(count):
            ProductFactory(themes=[theme], status=KnowledgeProduct.Status.SUBMITTED, published_at=None)
            ProductFactory(themes=[theme])
            KnowledgeNeedFactory(themes=[theme], status=KnowledgeNeed.Status.NEW)

    more(3)
    curator_client.get(url)
    with django_assert_max_num_queries(60) as few:
        curator_client.get(url)
    more(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        curator_client.get(url)
