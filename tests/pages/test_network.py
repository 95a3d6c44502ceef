"""The network: partnerships and their member organisations (or the themes they published on), laid out by
networkx with a fixed seed and drawn on the server; every node a link, a list of the same links below."""

import re

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct, Membership, Organisation
from pages import network
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
NETWORK = reverse("pages:network")
Status = KnowledgeProduct.Status


@pytest.fixture
def partnerships():
    old, new = (
        ProgrammeFactory(name="Old programme"),
        ProgrammeFactory(name="New programme", start_year=2021, end_year=2025),
    )
    civic = ThemeFactory(name="Civic space", slug="civic-space")
    land = ThemeFactory(name="Land rights", slug="land")
    voice = PartnershipFactory(name="Voices Together", acronym="VT", slug="voices", programme=old)
    voice.themes.set([civic])
    soil = PartnershipFactory(name="Soil Alliance", slug="soil", programme=new)
    ngo = OrganisationFactory(name="Dutch Action", slug="dutch-action")
    cso = OrganisationFactory(name="Kampala Voices", slug="kampala", kind=Organisation.Kind.SOUTHERN_CSO)
    MembershipFactory(partnership=voice, organisation=ngo, role=Membership.Role.LEAD)
    MembershipFactory(partnership=voice, organisation=cso, role=Membership.Role.SOUTHERN_PARTNER)
    MembershipFactory(partnership=soil, organisation=ngo)
    ProductFactory(themes=[civic], partnerships=[voice], organisations=[cso])
    ProductFactory(themes=[civic, land], partnerships=[voice, soil], organisations=[ngo])
    ProductFactory(
        status=Status.DRAFT, published_at=None, themes=[land], partnerships=[soil], organisations=[ngo]
    )


def node_links(page: str) -> dict[str, str]:
    return dict(re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"><title>', page))


def test_every_partnership_and_member_is_a_node_linking_to_its_page(client, partnerships):
    page = client.get(NETWORK).content.decode()
    links = node_links(page)
    assert links == {
        reverse("pages:partnership-detail", args=["voices"]): "Voices Together (Old programme): 2 products",
        reverse("pages:partnership-detail", args=["soil"]): "Soil Alliance (New programme): 1 product",
        reverse("pages:organisation-detail", args=["dutch-action"]): "Dutch Action, Dutch NGO: 1 product",
        reverse("pages:organisation-detail", args=["kampala"]): (
            "Kampala Voices, Southern civil-society organisation: 1 product"
        ),
    }
    assert page.count("<line ") == 3  # one per membership


def test_southern_organisations_differ_by_shape_as_well_as_colour(client, partnerships):
    page = client.get(NETWORK).content.decode()
    shapes = dict(re.findall(r'aria-label="([^":,(]+)[^"]*"><title>[^<]*</title><(\w+) ', page))
    assert shapes == {
        "Kampala Voices": "polygon",
        "Dutch Action": "circle",
        "Voices Together ": "rect",
        "Soil Alliance ": "rect",
    }


def test_the_pictures_numbers_have_one_decimal_at_most(client, partnerships):
    # The layout computes in float32: printed as such, 467.7 came out as 467.70001220703125, a sixth of the
    # page's weight.
    page = client.get(NETWORK).content.decode()
    picture = page[page.index('<svg xmlns="http://www.w3.org/2000/svg"') : page.index("</figure>")]
    numbers = re.findall(r"\d+\.\d+", picture)
    assert numbers
    assert [n for n in numbers if len(n.partition(".")[2]) > 1] == []


def test_the_layout_is_the_same_every_time(client, partnerships, uncached):
    first = network.network("members")
    second = network.network("members")
    assert {k: (n.x, n.y) for k, n in first.nodes.items()} == {k: (n.x, n.y) for k, n in second.nodes.items()}
    xs = [n.x for n in first.nodes.values()]
    ys = [n.y for n in first.nodes.values()]
    assert min(xs) >= 0 and max(xs) <= network.WIDTH and min(ys) >= 0 and max(ys) <= network.HEIGHT


def test_the_list_under_the_picture_gives_the_same_links_with_roles(client, partnerships):
    page = client.get(NETWORK).content.decode()
    listing = page[page.index('class="network-list"') :]
    assert (
        '<a href="/organisations/kampala/">Kampala Voices</a> <span class="muted">Southern partner</span>'
        in listing
    )
    assert listing.count('href="/organisations/dutch-action/"') == 2  # in both partnerships


def test_themes_mode_links_partnerships_to_the_themes_they_published_on(client, partnerships):
    figures = client.get(NETWORK, {"show": "themes"}).context["network"]
    edges = {(e.source, e.target): e.weight for e in figures.edges}
    # The draft on land rights by the Soil Alliance is not counted.
    assert edges == {
        ("p:voices", "t:civic-space"): 2,
        ("p:soil", "t:civic-space"): 1,
        ("p:voices", "t:land"): 1,
        ("p:soil", "t:land"): 1,
    }
    assert figures.nodes["t:civic-space"].url == "/products/?theme=civic-space"


def test_a_programme_or_a_theme_narrows_the_partnerships(client, partnerships):
    new = client.get(NETWORK, {"programme": "new-programme"}).context["network"]
    assert [g["partnership"].name for g in new.groups] == ["Soil Alliance"]
    civic = client.get(NETWORK, {"theme": "civic-space"}).context["network"]
    assert [g["partnership"].name for g in civic.groups] == ["Voices Together"]


def test_past_the_limit_only_the_partnerships_with_most_products_are_drawn(client, partnerships, monkeypatch):
    monkeypatch.setattr(network, "MOST_PARTNERSHIPS", 1)
    response = client.get(NETWORK, {"programme": ""})
    figures = response.context["network"]
    assert (figures.drawn, figures.partnerships) == (1, 2)
    assert [g["partnership"].name for g in figures.groups] == ["Voices Together"]
    assert (
        "The picture shows the 1 of 2 partnerships with the most published products."
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"programme": "nothing"}, "There is no programme “nothing”."),
        ({"theme": "nothing"}, "There is no theme “nothing”."),
        ({"show": "everyone"}, "Show one of: members, themes."),
    ],
)
def test_bad_input_answers_400_with_the_reason(client, partnerships, query, message):
    response = client.get(NETWORK, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    picture = client.get(reverse("pages:network-picture", args=["png"]), query)
    assert picture.status_code == 400 and message in picture.content.decode()


def test_the_downloads_carry_a_caption_the_date_and_the_filters(client, partnerships):
    svg = client.get(reverse("pages:network-picture", args=["svg"]), {"programme": "old-programme"})
    text = svg.content.decode()
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "Partnerships and their member organisations" in text
    assert "Filters: Programme: Old programme" in text
    assert "Partos knowledge map, " in text
    assert "<a " not in text
    png = client.get(reverse("pages:network-picture", args=["png"]), {"show": "themes"})
    assert png.content.startswith(b"\x89PNG") and 'filename="network-' in png["Content-Disposition"]


def test_the_network_makes_the_same_queries_however_many_partnerships(
    client, partnerships, django_assert_num_queries
):
    # Warm: the layout comes from the cache; 1 the programmes and 2 the core themes for the choices.
    client.get(NETWORK)
    with django_assert_num_queries(2):
        client.get(NETWORK)
    for _ in range(20):
        partnership = PartnershipFactory()
        MembershipFactory(partnership=partnership)
        MembershipFactory(partnership=partnership, organisation__kind=Organisation.Kind.SOUTHERN_CSO)
        ProductFactory(partnerships=[partnership])
    client.get(NETWORK)
    with django_assert_num_queries(2):
        response = client.get(NETWORK)
    assert len(response.context["network"].groups) == 22
