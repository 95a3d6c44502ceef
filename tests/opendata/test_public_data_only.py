"""No private field and no unpublished record in any open-data answer: every API list and record, the
schema and its documentation, the CSV, the feed and the sitemap are read whole and searched for the
nominators' details and for the titles and addresses of unpublished products."""

import pytest

from tests.open_data import FILTER_QUERIES, build_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory():
    return build_inventory()


def crawl_api(client) -> dict[str, str]:
    """Every answer the API gives for its lists (each page) and each record in them, by address."""
    answers, to_visit = {}, ["/api/"]
    while to_visit:
        url = to_visit.pop()
        if url in answers:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        answers[url] = response.content.decode()
        if not response["Content-Type"].startswith("application/json"):
            continue  # the documentation page
        body = response.json()
        if url == "/api/":
            links = [value for value in body.values() if isinstance(value, str)]  # not the licence
            to_visit += [link.removeprefix("http://testserver") for link in links]
            continue
        if "results" in body:
            to_visit += [record["url"].removeprefix("http://testserver") for record in body["results"]]
            if body["next"]:
                to_visit.append(body["next"].removeprefix("http://testserver"))
    return answers


def assert_nothing_private(answers: dict[str, str], secrets: list[str]):
    for url, text in answers.items():
        leaked = [secret for secret in secrets if secret in text]
        assert leaked == [], url


def test_no_api_answer_holds_a_private_detail_or_an_unpublished_product(client, inventory):
    answers = crawl_api(client)
    record_pages = [url for url in answers if url.count("/") == 4 and url.startswith("/api/products/")]
    assert len(record_pages) == len(inventory.published), "every published product was read"
    assert any("/api/organisations/" in url for url in answers) and "/api/schema/" in answers
    assert_nothing_private(answers, inventory.secrets)


def test_no_filtered_api_list_holds_an_unpublished_product(client, inventory):
    answers = {}
    for query in FILTER_QUERIES:
        response = client.get(f"/api/products/?page_size=100&{query}")
        assert response.status_code == 200, query
        answers[query] = response.content.decode()
    assert_nothing_private(answers, inventory.secrets)


def test_the_csv_feed_sitemap_and_documentation_hold_nothing_private(client, inventory):
    answers = {}
    for url in [
        "/products/export.csv",
        "/products/export.csv?q=budget",
        "/feeds/products/",
        "/sitemap.xml",
        "/sitemap-products.xml",
        "/sitemap-pages.xml",
        "/api/docs/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        answers[url] = content.decode()
    assert_nothing_private(answers, inventory.secrets)
    # Nothing in the schema names a private field either.
    for field in ["nominator", "nominated_", "contact_email", "curator_notes", "search_vector"]:
        assert field not in answers["/api/docs/"]
        assert field not in client.get("/api/schema/").content.decode()
