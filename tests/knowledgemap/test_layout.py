"""The layout every public page shares: header, skip link, footer; no inline script or style, nothing
from other hosts (the content security policy will forbid both)."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import (
    InvolvementFactory,
    MembershipFactory,
    ProductFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    theme = ThemeFactory(slug="land")
    membership = MembershipFactory()
    product = ProductFactory(
        themes=[theme],
        tags=["budget"],
        partnerships=[membership.partnership],
        organisations=[membership.organisation],
        url="https://example.org/product",
    )
    InvolvementFactory(product=product)
    return [
        reverse("pages:home"),
        reverse("pages:product-list"),
        reverse("pages:product-list") + "?theme=land&q=product",
        reverse("pages:product-list") + "?theme=unknown",
        product.get_absolute_url(),
        reverse("pages:partnership-list"),
        membership.partnership.get_absolute_url(),
        reverse("pages:organisation-list"),
        membership.organisation.get_absolute_url(),
        reverse("pages:map"),
        reverse("pages:map") + "?across=region",
    ]


NAV = [
    ("/products/", "Browse"),
    ("/map/", "Map"),
    ("/partnerships/", "Partnerships"),
    ("/organisations/", "Organisations"),
    ("/gaps/", "Gaps"),
    ("/activities/", "Activities"),
    ("/needs/new/", "Share a need"),
    ("/products/nominate/", "Nominate a product"),
]


def test_every_page_has_the_header_skip_link_and_footer(client, pages, settings):
    settings.CONTACT_EMAIL = "map@partos.example"
    for url in pages:
        page = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">Skip to content</a>' in page, url
        assert '<main id="main"' in page, url
        nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
        assert [(href, text) for href, text in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)] == NAV, (
            url
        )
        assert 'href="mailto:map@partos.example"' in page, url


def test_the_current_section_is_marked_in_the_header(client, pages):
    def current(url):
        page = client.get(url).content.decode()
        return re.findall(r'<a[^>]*href="([^"]+)"[^>]*aria-current="page"', page[: page.index("</header>")])

    assert current(reverse("pages:product-list")) == ["/products/"]
    assert current(reverse("pages:map")) == ["/map/"]
    assert current(reverse("pages:home")) == []


def test_no_page_has_inline_script_or_style_or_loads_from_another_host(client, pages):
    for url in pages:
        page = client.get(url).content.decode()
        assert "style=" not in page and "<style" not in page, url
        # JSON-LD (data, not code), allowed by its hash, is the one inline <script> allowed.
        page = re.sub(r'<script type="application/ld\+json">', "", page)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert not re.search(r"\son[a-z]+=", page), url
        for tag, address in re.findall(r"<(script|link|img|iframe)[^>]*\b(?:src|href)=\"([^\"]+)\"", page):
            # This site's own addresses: paths, or full ones (the canonical link) on this host.
            assert address.startswith(("/", "http://testserver/")), (url, tag, address)


def test_a_page_not_found_keeps_the_layout_and_offers_a_search(client, settings):
    settings.DEBUG = False
    response = client.get("/products/not-published-or-never-was/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page is not on the map" in page
    assert '<a class="skip-link" href="#main">' in page and 'action="/products/"' in page


def test_the_server_error_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
