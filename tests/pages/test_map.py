"""The map: published products by theme and type (or partnership, region, stakeholder category). Every
number on it is the number of results of the browse page it links to."""

import re
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse

from inventory.models import KnowledgeProduct, Stakeholder
from needs.models import KnowledgeNeed
from pages import views
from pages.knowledge_map import DIMENSIONS
from search.filters import ProductFilter
from tests.factories import (
    InvolvementFactory,
    KnowledgeNeedFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    StakeholderFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
MAP = reverse("pages:map")


@pytest.fixture
def inventory():
    environment = ThemeFactory(name="Environmental rights", slug="environment", position=1)
    land = ThemeFactory(name="Land rights", slug="land", parent=environment)
    climate = ThemeFactory(name="Climate justice", slug="climate", parent=environment)
    gender = ThemeFactory(name="Gender equality", slug="gender", position=2)
    ThemeFactory(name="Empty theme", slug="empty", position=3)
    toolkit, guide = ProductTypeFactory(name="Toolkit"), ProductTypeFactory(name="Guide")
    ProductTypeFactory(name="Podcast")
    count_us_in, green = (
        PartnershipFactory(slug="count-us-in", acronym="CUI"),
        PartnershipFactory(slug="green"),
    )
    embassy = StakeholderFactory(category=Stakeholder.Category.EMBASSY)
    ProductFactory(
        product_type=toolkit, themes=[land, climate], countries=["KE", "UG"], partnerships=[count_us_in]
    )
    ProductFactory(
        product_type=toolkit, themes=[environment, land], countries=["BO"], partnerships=[count_us_in, green]
    )
    ProductFactory(product_type=guide, themes=[climate, gender], countries=["KE", "BO"])
    ProductFactory(product_type=guide, themes=[], countries=["NL"], partnerships=[green])
    InvolvementFactory(product=ProductFactory(product_type=guide, themes=[gender]), stakeholder=embassy)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
        ProductFactory(
            status=status,
            published_at=None,
            product_type=toolkit,
            themes=[land, gender],
            countries=["KE"],
            partnerships=[count_us_in],
        )


class Links(HTMLParser):
    """(href, text) of every link in the map's table."""

    def __init__(self):
        super().__init__()
        self.in_table, self.href, self.links = False, None, []

    def handle_starttag(self, tag, attrs):
        self.in_table |= tag == "table"
        if tag == "a" and self.in_table:
            self.href = dict(attrs)["href"]

    def handle_endtag(self, tag):
        self.in_table &= tag != "table"
        if tag == "a":
            self.href = None

    def handle_data(self, data):
        if self.href and data.strip():
            self.links.append((self.href, data.strip()))


def number_links(page: str) -> list[tuple[str, int]]:
    parser = Links()
    parser.feed(page)
    return [(href, int(text)) for href, text in parser.links if text.isdigit()]


@pytest.mark.parametrize("across", list(DIMENSIONS))
def test_every_number_is_the_count_of_the_browse_page_it_links_to(client, inventory, across):
    page = client.get(MAP, {"across": across}).content.decode()
    links = number_links(page)
    assert len(links) > 5
    for href, number in links:
        path, _, query = href.partition("?")
        assert path == "/products/"
        # What the browse page would list: its FilterSet, asked directly to keep the test quick.
        browsed = ProductFilter(QueryDict(query))
        assert browsed.is_valid(), href
        assert browsed.qs.count() == number, href


@pytest.mark.parametrize("across", list(DIMENSIONS))
def test_a_count_of_none_is_shown_but_leads_nowhere(client, inventory, across):
    page = client.get(MAP, {"across": across}).content.decode()
    zeros = re.findall(r'<td class="heat-0" data-label="[^"]*">(.*?)</td>', page)
    assert zeros, "the inventory leaves some theme without products in some column"
    assert set(zeros) == {"0"}, "a zero is plain text, not a link to an empty list"
    links = number_links(page)
    assert links and all(number > 0 for _href, number in links), "every link leads to some product"
    assert "?theme=empty" not in page, "nor does the total of a theme without products"


def test_cells_rows_and_totals_for_types(client, inventory):
    the_map = client.get(MAP).context["map"]
    # The podcast type has no product: its column of zeros folds away.
    assert [c.label for c in the_map.columns] == ["Guide", "Toolkit"]
    assert [c.label for c in the_map.folded] == ["Podcast"]
    rows = {row.theme.slug: (row.total, [cell.count for cell in row.cells]) for row in the_map.rows}
    assert rows == {
        "environment": (3, [1, 2]),  # a product in two of its sub-themes counts once
        "land": (2, [0, 2]),
        "climate": (2, [1, 1]),
        "gender": (2, [2, 0]),
        "empty": (0, [0, 0]),
    }
    assert [c.total for c in the_map.columns] == [3, 2]  # the unthemed guide counts in its column
    assert the_map.total == 5


def test_rows_are_core_themes_each_followed_by_its_sub_themes(client, inventory):
    rows = client.get(MAP).context["map"].rows
    assert [(r.theme.slug, r.is_sub_theme) for r in rows] == [
        ("environment", False),
        ("climate", True),
        ("land", True),
        ("gender", False),
        ("empty", False),
    ]


def test_across_partnerships_regions_and_stakeholders(client, inventory):
    by_partnership = client.get(MAP, {"across": "partnership"}).context["map"]
    # Headers are full names; an acronym is an abbreviation beside its name.
    assert [c.short for c in by_partnership.columns] == ["CUI", ""]
    assert by_partnership.columns[0].label != "CUI"
    page = client.get(MAP, {"across": "partnership"}).content.decode()
    name = by_partnership.columns[0].label
    assert f'{name} <abbr title="{name}">CUI</abbr></th>' in page
    assert [c.total for c in by_partnership.columns] == [2, 2]
    by_region = client.get(MAP, {"across": "region"}).context["map"]
    totals = {c.key: c.total for c in by_region.columns}
    assert (totals["sub-saharan-africa"], totals["latin-america-caribbean"], totals["europe"]) == (2, 2, 1)
    by_stakeholder = client.get(MAP, {"across": "stakeholder"}).context["map"]
    assert {c.key: c.total for c in by_stakeholder.columns}["embassy"] == 1


def test_cells_are_shaded_by_size_with_classes(client, inventory):
    page = client.get(MAP).content.decode()
    the_map = client.get(MAP).context["map"]
    shades = {cell.count: cell.shade for row in the_map.rows for cell in row.cells}
    assert shades == {0: 0, 1: 3, 2: 5}  # largest cell 2: 2 → darkest, 1 → half way
    assert 'class="heat-5"' in page and 'class="heat-0"' in page
    assert "style=" not in page


def test_it_is_a_real_table_with_caption_and_header_cells(client, inventory):
    page = client.get(MAP).content.decode()
    assert re.search(r"<table[^>]*>\s*<caption", page)
    assert page.count('<th scope="col"') == 1 + 2 + 1  # theme, the two types with products, all
    assert "Without any product, so not drawn: Podcast." in page
    assert page.count('<th scope="row"') == 5 + 1  # five themes, all products


def test_an_unknown_across_gives_400_with_the_choices(client, inventory):
    response = client.get(MAP, {"across": "<b>colour</b>"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The map cannot be drawn across “&lt;b&gt;colour&lt;/b&gt;”" in page
    assert 'href="?across=partnership"' in page


def test_demand_shows_beside_supply_when_needs_supply_it(client, inventory, monkeypatch, uncached):
    assert "Needs</th>" not in client.get(MAP).content.decode()
    gender = next(r.theme for r in client.get(MAP).context["map"].rows if r.theme.slug == "gender")
    monkeypatch.setattr(views, "demand_by_theme", lambda: {gender.pk: 7})
    response = client.get(MAP)
    assert {r.theme.slug: r.demand for r in response.context["map"].rows}["gender"] == 7
    assert '<th scope="col" class="map-demand">Needs</th>' in response.content.decode()


def test_open_needs_show_beside_products_counted_as_the_gap_view_counts_them(client, inventory):
    themes = {row.theme.slug: row.theme for row in client.get(MAP).context["map"].rows}
    KnowledgeNeedFactory(themes=[themes["land"]])
    KnowledgeNeedFactory(themes=[themes["land"], themes["climate"]], status=KnowledgeNeed.Status.IN_REVIEW)
    KnowledgeNeedFactory(themes=[themes["environment"]], status=KnowledgeNeed.Status.ADDRESSED)
    KnowledgeNeedFactory(themes=[themes["gender"]], status=KnowledgeNeed.Status.MATCHED)
    KnowledgeNeedFactory(themes=[themes["gender"]], status=KnowledgeNeed.Status.CLOSED)
    response = client.get(MAP)
    demand = {row.theme.slug: row.demand for row in response.context["map"].rows}
    # Open needs only; a core theme counts its sub-themes' needs, each need once.
    assert demand == {"environment": 2, "land": 2, "climate": 1, "gender": 1, "empty": 0}
    page = response.content.decode()
    assert '<th scope="col" class="map-demand">Needs</th>' in page
    assert '<td class="map-demand" data-label="Needs">2</td>' in page
    # The demand comes first after the theme, where a 1280 px screen always shows it.
    header = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)', header)[:2] == ["Theme", "Needs"]
    assert f'href="{reverse("pages:gaps")}"' in page


def test_an_empty_inventory_says_so(client):
    assert "No themes have been set up yet" in client.get(MAP).content.decode()


@pytest.mark.parametrize(
    ("across", "queries"), [("type", 9), ("partnership", 9), ("region", 8), ("stakeholder", 8)]
)
def test_the_map_makes_the_same_queries_however_many_products(
    client, inventory, across, queries, django_assert_num_queries
):
    # 1 open needs per theme (needs.gaps), 2–3 cells of core themes and of sub-themes, 4–5 their row
    # totals, 6 column totals, 7 the themes, 8 the grand total, and 9 the columns when they are rows
    # (types, partnerships), not fixed choices.
    with django_assert_num_queries(queries):
        client.get(MAP, {"across": across})
    for _ in range(20):
        ProductFactory(themes=[ThemeFactory()], partnerships=[PartnershipFactory()], countries=["FR"])
    with django_assert_num_queries(queries):
        client.get(MAP, {"across": across})


def test_the_table_downloads_as_a_picture_with_its_caption_and_the_same_figures(client, inventory):
    picture = client.get(reverse("pages:map-picture", args=["svg"]), {"across": "type"})
    assert picture["Content-Type"].startswith("image/svg+xml")
    assert 'filename="knowledge-map-' in picture["Content-Disposition"]
    text = picture.content.decode()
    assert "Published knowledge products by theme and product types" in text
    assert "Partos knowledge map, " in text
    # Environmental rights: 1 guide, 2 toolkits, 3 in all; the folded podcast column is not drawn.
    row = text[text.index("Environmental rights") :]
    assert re.findall(r">(\d+)</text>", row)[:3] == ["1", "2", "3"]
    assert "Podcast" not in text
    png = client.get(reverse("pages:map-picture", args=["png"]), {"across": "region"})
    assert png.content.startswith(b"\x89PNG")
    refused = client.get(reverse("pages:map-picture", args=["png"]), {"across": "nothing"})
    assert refused.status_code == 400
    assert "Across one of: type, partnership, region, stakeholder." in refused.content.decode()
