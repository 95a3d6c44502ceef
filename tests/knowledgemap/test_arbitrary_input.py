"""Whatever someone types into an address or a form, the site answers, never with a 500.

Add a page or a form with one line in PAGES or FORMS below.
"""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory.forms import NominationForm
from needs.filters import ActivityFilter
from needs.forms import NeedForm
from search.filters import OrganisationFilter, ProductFilter
from tests.factories import (
    LearningActivityFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Every public page, by its path; "{}" is filled with an arbitrary slug, and any query string is added.
PAGES = [
    "/",
    "/healthz",
    "/products/",
    "/partnerships/",
    "/organisations/",
    "/map/",
    "/needs/new/",
    "/products/nominate/",
    "/products/{}/",
    "/products/{}/download/",
    "/partnerships/{}/",
    "/organisations/{}/",
    "/products/export.csv",
    "/feeds/products/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-{}.xml",
    "/api/",
    "/api/docs/",
    "/api/products/{}/",
    "/gaps/",
    "/activities/",
    "/activities/{}/",
    "/activities/{}/calendar.ics",
]

# Every public form: its path and the names of the fields a person fills in.
FORMS = [
    ("/admin/login/", ["username", "password"]),
    ("/needs/new/", list(NeedForm.base_fields)),
    ("/products/nominate/", [name for name in NominationForm.base_fields if name != "file"]),
]

# Pages with filters: each parameter they read, given arbitrary values (and repeated).
FILTERED_PAGES = [
    ("/products/", [*ProductFilter.base_filters, "page"]),
    ("/organisations/", [*OrganisationFilter.base_filters, "page"]),
    ("/map/", ["across"]),
    ("/products/export.csv", list(ProductFilter.base_filters)),
    ("/feeds/products/", list(ProductFilter.base_filters)),
    ("/api/products/", [*ProductFilter.base_filters, "page", "page_size"]),
    ("/api/organisations/", [*OrganisationFilter.base_filters, "page", "page_size"]),
    ("/activities/", [*ActivityFilter.base_filters, "page"]),
]

# The slugs that exist, so the pages are also tried with a real object and arbitrary query strings.
KNOWN_SLUGS = ["known"]

text = st.text(max_size=200)
slugs = st.sampled_from(KNOWN_SLUGS) | text
query_strings = st.dictionaries(st.text(max_size=20), text | st.lists(text, max_size=3), max_size=5)

arbitrary_input = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def known_objects(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ProductFactory(slug="known", file=ContentFile(b"%PDF", name="known.pdf"))
    PartnershipFactory(slug="known")
    OrganisationFactory(slug="known")
    LearningActivityFactory(slug="known")


@pytest.mark.parametrize("page", PAGES)
@arbitrary_input
@given(slug=slugs, query=query_strings)
def test_no_page_answers_500_to_arbitrary_addresses(client, known_objects, page, slug, query):
    response = client.get(page.format(quote(slug, safe="")), query)
    assert response.status_code < 500
    read_whole(response)


@pytest.mark.parametrize(("path", "parameters"), FILTERED_PAGES)
@arbitrary_input
@given(data=st.data())
def test_no_filter_answers_500_to_arbitrary_values(client, known_objects, path, parameters, data):
    chosen = data.draw(st.lists(st.sampled_from(parameters), max_size=4, unique=True), label="parameters")
    query = {name: data.draw(text | st.lists(text, max_size=3), label=name) for name in chosen}
    response = client.get(path, query)
    assert response.status_code < 500
    read_whole(response)


def read_whole(response):
    """A streamed answer (the CSV export) fails while it is read, after its status has been sent."""
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.fixture
def fast_password_hashing(settings):
    """The login form hashes every password it is sent, even for no user; the real hasher takes a
    noticeable fraction of a second by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(("path", "fields"), FORMS)
@arbitrary_input
@given(data=st.data())
def test_no_form_answers_500_to_arbitrary_text(client, fast_password_hashing, settings, path, fields, data):
    settings.SUBMISSION_RATE_LIMIT = ""  # every example is a new post from one address
    values = {field: data.draw(text | st.lists(text, max_size=3), label=field) for field in fields}
    response = client.post(path, values)
    assert response.status_code < 500


@pytest.mark.parametrize("path", ["/api/products/%00/", "/products/a%00b/", "/partnerships/%00/"])
def test_a_nul_byte_in_an_address_answers_400_on_either_database(client, path):
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_an_admin_filter_or_search_answers_400(curator_client):
    for path in [
        "/admin/inventory/knowledgeproduct/?status__exact=%00",
        "/admin/inventory/knowledgeproduct/?q=%00",
        "/admin/autocomplete/?app_label=inventory&model_name=knowledgeproduct&field_name=themes&term=%00",
    ]:
        assert curator_client.get(path).status_code == 400, path
