"""What search engines and shared links see: schema.org JSON-LD on product pages, allowed by the content
security policy through the hash of its text, and OpenGraph and Twitter card tags on every page."""

import base64
import hashlib
import json
import re

import pytest

from pages.structured_data import product_json_ld
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(response) -> tuple[str, dict]:
    """The script's text as the page has it, and its data."""
    (text,) = JSON_LD.findall(response.content.decode())
    return text, json.loads(text)


def meta(response) -> dict[str, str]:
    page = response.content.decode()
    tags = re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z_:]+)" content="([^"]*)">', page)
    return dict(tags)


@pytest.fixture
def product():
    membership = MembershipFactory(partnership__name="Green Alliance")
    return ProductFactory(
        slug="budget-toolkit",
        title="Budget toolkit",
        summary="How to follow the money.",
        themes=[ThemeFactory(name="Land rights")],
        tags=["budget", "audit"],
        partnerships=[membership.partnership],
        organisations=[membership.organisation],
        countries=["KE"],
        languages=["en", "sw"],
        year=2019,
        url="https://example.org/toolkit",
    )


def test_a_product_page_describes_the_product_as_a_learning_resource(client, product):
    _nonce, data = json_ld(client.get(product.get_absolute_url()))
    organisation = product.organisations.get()
    assert data == {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": "http://testserver/products/budget-toolkit/",
        "url": "http://testserver/products/budget-toolkit/",
        "name": "Budget toolkit",
        "description": "How to follow the money.",
        "learningResourceType": product.product_type.name,
        "about": [{"@type": "Thing", "name": "Land rights"}],
        "keywords": "audit, budget",
        "creator": [
            {
                "@type": "Organization",
                "name": organisation.name,
                "url": f"http://testserver/organisations/{organisation.slug}/",
            }
        ],
        "sourceOrganization": [
            {
                "@type": "Organization",
                "name": "Green Alliance",
                "url": f"http://testserver{product.partnerships.get().get_absolute_url()}",
            }
        ],
        "spatialCoverage": [{"@type": "Country", "name": "Kenya", "identifier": "KE"}],
        "inLanguage": ["en", "sw"],
        "dateCreated": "2019",
        "datePublished": product.published_at.date().isoformat(),
        "dateModified": product.updated_at.isoformat(),
        "isAccessibleForFree": True,
        "sameAs": "https://example.org/toolkit",
        "publisher": {"@type": "Organization", "name": "Partos", "url": "https://www.partos.nl/"},
    }


def test_the_policy_allows_the_json_ld_script_by_the_hash_of_its_text(client, product):
    response = client.get(product.get_absolute_url())
    text, _data = json_ld(response)
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    script_src = re.search(r"script-src ([^;]+)", response["Content-Security-Policy"]).group(1).split()
    assert script_src == ["'self'", f"'sha256-{digest}'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "nonce" not in response["Content-Security-Policy"]
    # No nonce, nothing else per response: every visitor gets the same page, which a shared cache may keep.
    again = client.get(product.get_absolute_url())
    assert again.content == response.content
    assert again["Content-Security-Policy"] == response["Content-Security-Policy"]


def test_pages_without_json_ld_keep_the_policy_without_a_hash(client, product):
    for url in ["/", "/products/", product.partnerships.get().get_absolute_url()]:
        assert re.search(r"script-src 'self'(;|$)", client.get(url)["Content-Security-Policy"]), url


def test_text_cannot_break_out_of_the_script_element(client):
    product = ProductFactory(title="</script><script>alert(1)</script>", summary="<!-- & -->")
    response = client.get(product.get_absolute_url())
    page = response.content.decode()
    assert "</script><script>alert(1)" not in page
    _nonce, data = json_ld(response)
    assert data["name"] == "</script><script>alert(1)</script>" and data["description"] == "<!-- & -->"


def test_empty_facts_are_left_out(client):
    product = ProductFactory(year=None, url="")
    data = product_json_ld(product, lambda path: f"https://map.example{path}")
    for absent in [
        "about",
        "keywords",
        "creator",
        "sourceOrganization",
        "spatialCoverage",
        "inLanguage",
        "dateCreated",
        "sameAs",
    ]:
        assert absent not in data


def test_a_shared_product_link_shows_its_title_summary_and_address(client, product):
    response = client.get(product.get_absolute_url())
    assert meta(response) == {
        "og:site_name": "Partos knowledge map",
        "og:type": "article",
        "og:title": "Budget toolkit",
        "og:description": "How to follow the money.",
        "og:url": "http://testserver/products/budget-toolkit/",
        "og:image": "http://testserver/static/img/share.png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "Partos knowledge map",
        "og:locale": "en_GB",
        "og:locale:alternate": "es_ES",  # the last of the three, as a dict keeps it
        "twitter:card": "summary",
        "twitter:title": "Budget toolkit",
        "twitter:description": "How to follow the money.",
    }
    assert (
        '<link rel="canonical" href="http://testserver/products/budget-toolkit/">'
        in response.content.decode()
    )
    alternates = re.findall(
        r'<meta property="og:locale:alternate" content="([^"]*)">', response.content.decode()
    )
    assert alternates == ["nl_NL", "fr_FR", "es_ES"]


def test_a_page_in_french_names_its_locale_and_the_others_as_alternates(client, product):
    content = client.get(f"/fr{product.get_absolute_url()}").content.decode()
    assert '<meta property="og:locale" content="fr_FR">' in content
    alternates = re.findall(r'<meta property="og:locale:alternate" content="([^"]*)">', content)
    assert alternates == ["en_GB", "nl_NL", "es_ES"]


def test_partnership_and_organisation_pages_give_their_own_title(client):
    partnership = PartnershipFactory(name="Green Alliance", summary="Forests and rights.")
    organisation = OrganisationFactory(name="Delta NGO", description="")
    tags = meta(client.get(partnership.get_absolute_url()))
    assert (tags["og:title"], tags["og:description"], tags["og:type"]) == (
        "Green Alliance",
        "Forests and rights.",
        "website",
    )
    tags = meta(client.get(organisation.get_absolute_url()))
    assert (tags["og:title"], tags["og:description"]) == ("Delta NGO", "Delta NGO")


def test_other_pages_share_as_the_site_with_their_own_address(client):
    tags = meta(client.get("/map/?across=region"))
    assert tags["og:title"] == "Partos knowledge map"
    assert tags["og:description"].startswith("What the Strategic Partnerships learned")
    assert tags["og:url"] == "http://testserver/map/"
