"""Public pages any shared cache may keep: for anonymous visitors an ETag and a Last-Modified from the data
version and the page's inputs, `Cache-Control: public`, no cookie and no `Vary` on the visitor's language or
cookies; a matching `If-None-Match` answered 304 without rendering; and private answers for forms, the
admin, signed-in visitors and anything personal."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.utils.http import parse_http_date

from inventory.models import Collection, CollectionItem, KnowledgeProduct
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    MembershipFactory,
    ProductFactory,
    ThemeFactory,
    curator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    theme = ThemeFactory(name="Civic space", slug="civic-space")
    membership = MembershipFactory(partnership__name="Green Alliance")
    product = ProductFactory(
        title="Budget toolkit",
        themes=[theme],
        partnerships=[membership.partnership],
        organisations=[membership.organisation],
        countries=["KE"],
    )
    activity = LearningActivityFactory(themes=[theme])
    collection = Collection.objects.create(
        title="Start here", introduction="Read these.", theme=theme, is_public=True
    )
    CollectionItem.objects.create(collection=collection, product=product, position=1)
    return {
        "product": product,
        "activity": activity,
        "theme": theme,
        "membership": membership,
        "collection": collection,
    }


def public_paths(catalogue) -> list[str]:
    product, activity, membership = catalogue["product"], catalogue["activity"], catalogue["membership"]
    paths = [
        "/",
        "/products/",
        "/products/?theme=civic-space&sort=title",
        "/products/?q=budget",
        product.get_absolute_url(),
        "/partnerships/",
        membership.partnership.get_absolute_url(),
        "/organisations/",
        membership.organisation.get_absolute_url(),
        "/map/",
        "/map/?across=region",
        "/gaps/",
        "/activities/",
        activity.get_absolute_url(),
        "/feeds/?theme=civic-space",
        catalogue["theme"].get_absolute_url(),
        "/collections/",
        catalogue["collection"].get_absolute_url(),
    ]
    return paths + [f"/nl{path}" for path in paths] + ["/feeds/products/", "/sitemap.xml", "/robots.txt"]


def test_every_public_page_may_be_kept_by_a_shared_cache(client, catalogue):
    for path in public_paths(catalogue):
        response = client.get(path)
        assert response.status_code == 200, path
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert control == {"public", "max-age=0", "s-maxage=30", "stale-while-revalidate=30"}, path
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), path
        assert parse_http_date(response["Last-Modified"]), path
        assert not response.cookies, path
        # The language is in the path: one copy of each page, whatever the browser's language or cookies.
        assert "accept-language" not in response.get("Vary", "").lower(), path
        assert "cookie" not in response.get("Vary", "").lower(), path


def test_a_matching_if_none_match_is_answered_304_without_rendering(
    client, catalogue, django_assert_num_queries
):
    for path in public_paths(catalogue):
        first = client.get(path)
        # The data version is in the cache (here the process's memory): no query, no template.
        with django_assert_num_queries(0):
            again = client.get(path, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304, path
        assert again.content == b"" and not again.templates, path
        assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"], path


def test_an_if_modified_since_of_the_last_change_is_answered_304(client, catalogue):
    path = catalogue["product"].get_absolute_url()
    first = client.get(path)
    again = client.get(path, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_the_etag_changes_when_the_data_does(client, catalogue):
    product = catalogue["product"]
    path = product.get_absolute_url()
    before = {page: client.get(page)["ETag"] for page in [path, "/products/", "/"]}
    product.title = "Budget toolkit, second edition"
    product.save()
    for page, etag in before.items():
        response = client.get(page, headers={"if-none-match": etag})
        assert response.status_code == 200, page
        assert response["ETag"] != etag, page
    assert "second edition" in client.get(path).content.decode()


# Committed changes, each in its own transaction, as requests make them: the version moves at the commit.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_need_submitted_changes_the_gaps_etag_but_not_the_catalogues(client, catalogue):
    catalogue_pages = [catalogue["product"].get_absolute_url(), "/products/", "/", "/partnerships/"]
    before = {page: client.get(page)["ETag"] for page in [*catalogue_pages, "/gaps/", "/map/"]}
    KnowledgeNeedFactory(themes=[catalogue["theme"]])
    for page in catalogue_pages:
        # A shared cache revalidating the page gets a 304: nothing it shows changed.
        assert client.get(page, headers={"if-none-match": before[page]}).status_code == 304, page
    for page in ["/gaps/", "/map/"]:
        response = client.get(page, headers={"if-none-match": before[page]})
        assert response.status_code == 200 and response["ETag"] != before[page], page


def test_unpublishing_a_product_is_not_hidden_by_a_304(client, catalogue):
    product = catalogue["product"]
    etag = client.get(product.get_absolute_url())["ETag"]
    product.status = KnowledgeProduct.Status.DRAFT
    product.save()
    assert client.get(product.get_absolute_url(), headers={"if-none-match": etag}).status_code == 404


def test_each_address_and_language_has_its_own_etag(client, catalogue):
    paths = ["/products/", "/products/?sort=title", "/nl/products/", "/map/", "/map/?across=region"]
    etags = {client.get(path)["ETag"] for path in paths}
    assert len(etags) == len(paths)


def test_a_page_is_the_same_for_every_anonymous_visitor(client, catalogue):
    path = catalogue["product"].get_absolute_url()
    first = client.get(path)
    # Another browser, in Dutch, with the CSRF cookie of a form it filled in before.
    client.cookies["csrftoken"] = "x" * 32
    other = client.get(path, headers={"accept-language": "nl"})
    assert other.content == first.content and other["ETag"] == first["ETag"]
    assert "public" in other["Cache-Control"]


@pytest.mark.parametrize("path", ["/needs/new/", "/products/nominate/", "/alerts/"])
def test_forms_are_never_shared(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "ETag" not in response or "public" not in response["Cache-Control"]


def test_the_admin_and_the_health_check_are_never_shared(client, catalogue):
    for path in ["/admin/login/", "/healthz"]:
        response = client.get(path)
        assert "public" not in response["Cache-Control"], path
        assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"], path


def test_a_signed_in_visitor_gets_private_pages(client, catalogue):
    client.force_login(curator())
    for path in ["/", "/products/", catalogue["product"].get_absolute_url()]:
        response = client.get(path)
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"] and "private" in response["Cache-Control"], path
        assert "ETag" not in response, path


def test_a_visitor_with_messages_waiting_gets_them_on_a_private_page(client, catalogue):
    storage = CookieStorage(RequestFactory().get("/"))
    encoded = storage._encode([Message(constants.SUCCESS, "Thank you: we got it.")])
    client.cookies[CookieStorage.cookie_name] = encoded
    response = client.get("/")
    assert "Thank you: we got it." in response.content.decode()
    assert "public" not in response["Cache-Control"]


def test_an_unpublished_products_preview_is_never_stored(client, catalogue):
    draft = ProductFactory(status=KnowledgeProduct.Status.DRAFT)
    client.force_login(curator())
    response = client.get(f"/products/{draft.slug}/preview/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_refused_input_is_not_kept_as_a_public_page(client, catalogue):
    response = client.get("/products/?theme=no-such-theme")
    assert response.status_code == 400
    assert "public" not in response["Cache-Control"]
