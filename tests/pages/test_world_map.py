"""The world map: countries shaded by published products (or open needs), every figure the count of the
browse page it links to, drawn as SVG on the server, with a table of the same figures and downloads."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from pages import world_map, world_shapes
from tests.factories import KnowledgeNeedFactory, ProductFactory, ProductTypeFactory, ThemeFactory, country

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
WORLD = reverse("pages:world-map")


@pytest.fixture
def inventory():
    civic = ThemeFactory(name="Civic space", slug="civic-space", position=1)
    sub = ThemeFactory(name="Protest rights", slug="protest", parent=civic)
    land = ThemeFactory(name="Land rights", slug="land", position=2)
    toolkit, guide = ProductTypeFactory(name="Toolkit"), ProductTypeFactory(name="Guide")
    ProductFactory(product_type=toolkit, themes=[civic], countries=["KE", "UG"])
    ProductFactory(product_type=toolkit, themes=[sub], countries=["KE"])
    ProductFactory(product_type=guide, themes=[land], countries=["KE", "BO"])
    ProductFactory(product_type=guide, themes=[land], countries=["SG"])  # too small for a shape: a dot
    ProductFactory(product_type=guide, themes=[land], countries=[])
    for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
        ProductFactory(status=status, published_at=None, themes=[civic], countries=["KE", "FR"])
    open_need = KnowledgeNeedFactory(themes=[civic])
    open_need.countries.set([country("KE"), country("TZ")])
    closed = KnowledgeNeedFactory(themes=[civic], status=KnowledgeNeed.Status.CLOSED)
    closed.countries.set([country("KE")])
    land_need = KnowledgeNeedFactory(themes=[land], status=KnowledgeNeed.Status.IN_REVIEW)
    land_need.countries.set([country("BO")])


class CountryLinks(HTMLParser):
    """(href, accessible name) of every country link of the picture."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "aria-label" in attrs:
            self.links.append((attrs["href"], attrs["aria-label"]))


def country_links(page: str) -> list[tuple[str, str]]:
    parser = CountryLinks()
    parser.feed(page)
    return parser.links


def browse_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["page"].paginator.count


@pytest.mark.parametrize(
    "query",
    [{}, {"theme": "civic-space"}, {"type": "guide"}, {"country": "KE", "theme": "land"}, {"show": "needs"}],
)
def test_every_figure_on_the_world_map_is_the_count_of_the_browse_page_it_links_to(client, inventory, query):
    links = country_links(client.get(WORLD, query).content.decode())
    assert links
    for href, label in links:
        products = int(re.search(r": (\d+) products?", label).group(1))
        assert href.startswith(reverse("pages:product-list") + "?")
        assert browse_count(client, href) == products, (href, label)


def test_figures_count_published_products_and_open_needs_only(client, inventory):
    figures = client.get(WORLD).context["world"].countries
    assert {code: (c.products, c.needs) for code, c in figures.items()} == {
        "KE": (3, 1),  # drafts, submissions, archived products and the closed need are not counted
        "UG": (1, 0),
        "BO": (1, 1),
        "SG": (1, 0),
        "TZ": (0, 1),
    }
    assert "FR" not in figures  # only an unpublished product names France


def test_a_country_link_is_named_by_its_figures_and_carries_the_filters(client, inventory):
    page = client.get(WORLD, {"theme": "civic-space"}).content.decode()
    links = {label: href for href, label in country_links(page)}
    href = links["Kenya: 2 products, 1 open need"]
    assert "theme=civic-space" in href and "country=KE" in href
    assert "Uganda: 1 product, 0 open needs" in links
    assert "Bolivia, Plurinational State of: 0 products, 0 open needs" not in links  # no land need here


def test_countries_without_products_are_drawn_grey_not_left_out(client, inventory):
    page = client.get(WORLD).content.decode()
    shapes = world_shapes.world().shapes
    france = next(s for s in shapes if s.code == "FR")
    # The countries that are not links are drawn in one path per shade, France in the grey one.
    grey = max(re.findall(rf'<path fill="{world_map.NONE_FILL}" d="([^"]*)"/>', page), key=len)
    assert france.path in grey
    drawn = "".join(re.findall(r' d="([^"]*)"', page))
    assert all(shape.path in drawn for shape in shapes)  # every country's outline, none left out
    # A country too small for a shape is a dot, and a link like the others.
    assert re.search(r'aria-label="Singapore: 1 product, 0 open needs"><title>[^<]*</title><circle ', page)


def test_shading_by_open_needs_and_by_needs_per_product(client, inventory):
    by_needs = client.get(WORLD, {"show": "needs"}).context["world"].countries
    assert {code: c.shade for code, c in by_needs.items() if c.shade} == {"KE": 5, "BO": 5, "TZ": 5}
    by_ratio = client.get(WORLD, {"show": "ratio"}).context["world"].countries
    # Kenya 1 need for 3 products, Bolivia 1 for 1; Tanzania has needs and no product: no ratio.
    assert {code: c.shade for code, c in by_ratio.items() if c.shade} == {"KE": 2, "BO": 5}


def test_needs_are_narrowed_by_the_chosen_theme_and_its_sub_themes(client, inventory):
    on_land = client.get(WORLD, {"theme": "land"}).context["world"].countries
    assert {code: c.needs for code, c in on_land.items() if c.needs} == {"BO": 1}


def test_the_table_gives_the_same_figures_and_sorts(client, inventory):
    response = client.get(WORLD, {"order": "name"})
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td class="numeric">(\d+)</td>',
        response.content.decode(),
    )
    names = [name for name, _count in rows]
    assert names == sorted(names)
    assert dict(rows)["Kenya"] == "3"
    assert 'aria-sort="ascending"' in response.content.decode()
    by_products = client.get(WORLD).context["table"]
    assert [c.code for c in by_products][:1] == ["KE"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"show": "everything"}, "Show one of: products, needs, ratio."),
        ({"order": "size"}, "Order by one of: name, products, needs, ratio."),
        ({"theme": "no-such-theme"}, "There is no theme “no-such-theme”."),
        ({"country": "XX"}, "There is no country with the code “XX”."),
    ],
)
def test_bad_input_answers_400_with_the_reason_and_still_draws_the_map(client, inventory, query, message):
    response = client.get(WORLD, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="world-map"' in page
    picture = client.get(reverse("pages:world-map-picture", args=["svg"]), query)
    assert picture.status_code == 400
    assert message in picture.content.decode()


def test_the_downloads_carry_a_caption_the_date_and_the_filters(client, inventory):
    svg = client.get(reverse("pages:world-map-picture", args=["svg"]), {"theme": "civic-space"})
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert 'attachment; filename="world-map-' in svg["Content-Disposition"]
    text = svg.content.decode()
    assert "Published products by country" in text
    assert "Filters: Theme: Civic space" in text
    assert "Partos knowledge map, " in text and "/map/world/?theme=civic-space" in text
    assert "<a " not in text  # a picture for a report: no links
    png = client.get(reverse("pages:world-map-picture", args=["png"]))
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png.content[16:20], "big") == 2000  # the width, from the PNG's header


def test_the_home_page_shows_the_small_map_with_the_leading_countries(client, inventory):
    page = client.get(reverse("pages:home")).content.decode()
    assert f'src="{reverse("pages:world-map-thumbnail")}"' in page
    assert "most in Kenya (3)" in page
    thumbnail = client.get(reverse("pages:world-map-thumbnail"))
    assert thumbnail["Content-Type"].startswith("image/svg+xml")
    assert "<a " not in thumbnail.content.decode()


def test_the_world_map_makes_the_same_queries_however_many_products(
    client, inventory, django_assert_num_queries
):
    # Warm: the facet index, the needs by country and the countries' names come from the cache; the one
    # query checks the chosen theme's slug. Nothing grows with the data.
    client.get(WORLD, {"theme": "civic-space"})
    with django_assert_num_queries(1):
        client.get(WORLD, {"theme": "civic-space"})
    for _ in range(30):
        ProductFactory(themes=[ThemeFactory()], countries=["KE", "GH", "PE"])
        KnowledgeNeedFactory().countries.set([country("GH")])
    client.get(WORLD, {"theme": "civic-space"})
    with django_assert_num_queries(1):
        client.get(WORLD, {"theme": "civic-space"})


def test_the_shapes_are_the_equal_earth_projection_of_natural_earth():
    # The projection's published values: the equator's end at ±2.7066 (π / (√3/2 · A1)), the pole at 1.3173.
    assert world_shapes.equal_earth(180, 0)[0] == pytest.approx(2.70663, abs=1e-4)
    assert world_shapes.equal_earth(0, 90)[1] == pytest.approx(1.31733, abs=1e-4)
    world = world_shapes.world()
    codes = {shape.code for shape in world.shapes}
    assert {"KE", "BR", "NL", "RU", "FJ"} <= codes and "" in codes  # Kosovo and two others have no ISO code
    assert "AQ" not in codes
    assert "SG" in world.points
