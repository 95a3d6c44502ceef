"""Uploaded files of published products, served as downloads only."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert('from the upload')</script></body></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def product_with_file(name: str, content: bytes, **kwargs) -> KnowledgeProduct:
    return ProductFactory(file=ContentFile(content, name=name), **kwargs)


def download(client, product):
    return client.get(reverse("inventory:product-download", args=[product.slug]))


def test_an_html_upload_is_sent_as_an_attachment_that_no_browser_renders(client):
    product = product_with_file("lessons.html", HTML)
    response = download(client, product)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="lessons.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == HTML


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("toolkit.pdf", "application/pdf"),
        ("figures.csv", "text/csv"),
        ("drawing.svg", "application/octet-stream"),
        ("feed.xml", "application/octet-stream"),
        ("script.js", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_only_types_a_browser_does_not_run_keep_their_content_type(client, name, content_type):
    response = download(client, product_with_file(name, b"content"))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("status", ["draft", "submitted", "archived"])
def test_the_file_of_an_unpublished_product_is_not_found(client, status):
    product = product_with_file("draft.pdf", b"not yet", status=status, published_at=None)
    assert download(client, product).status_code == 404


def test_a_product_without_a_file_has_nothing_to_download(client):
    assert download(client, ProductFactory()).status_code == 404


def test_a_file_missing_from_storage_is_a_404_not_a_500(client, media_root):
    product = product_with_file("gone.pdf", b"soon gone")
    (media_root / product.file.name).unlink()
    assert download(client, product).status_code == 404


def test_the_product_page_links_to_the_download_only_when_there_is_a_file(client):
    with_file = product_with_file("toolkit.pdf", b"%PDF")
    without_file = ProductFactory()
    link = reverse("inventory:product-download", args=[with_file.slug])
    assert link in client.get(with_file.get_absolute_url()).content.decode()
    assert "/download/" not in client.get(without_file.get_absolute_url()).content.decode()


def test_a_download_takes_one_query(client, django_assert_num_queries):
    ProductFactory.create_batch(5)
    product = product_with_file("toolkit.pdf", b"%PDF")
    # 1 the published product with a file, by slug. The file comes from storage, not the database.
    with django_assert_num_queries(1):
        assert download(client, product).status_code == 200


def test_a_file_name_with_quotes_and_accents_is_sent_safely(client):
    product = product_with_file('Leçons "finales".pdf', b"%PDF")
    disposition = download(client, product)["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
