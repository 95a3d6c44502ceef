"""Thumbnails: a real PDF made here is rendered by the job once its product is published; a broken PDF gets
the type's default image; an unpublished product's file is never rendered, nor its picture served."""

import io

import pypdfium2
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from inventory.models import KnowledgeProduct
from inventory.thumbnails import product_thumbnail_make, render_first_page
from tests.factories import ProductFactory, ProductTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def a_pdf(pages: int = 2) -> bytes:
    """A real PDF of A4 pages, made with PDFium."""
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    output = io.BytesIO()
    document.save(output)
    document.close()
    return output.getvalue()


def made_with_file(capture, name: str, data: bytes, **kwargs):
    """A product saved with a file, and what the jobs made of it once the transaction committed."""
    with capture(execute=True):
        product = ProductFactory(**kwargs)
        product.file.save(name, ContentFile(data))  # a save with signals: the job follows the commit
    product.refresh_from_db()
    return product


def test_the_first_page_becomes_a_small_png():
    png = render_first_page(a_pdf())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 400
    assert image.height == pytest.approx(400 * 842 / 595, abs=2)


def test_a_published_products_pdf_gets_a_thumbnail_by_the_job(
    client, settings, django_capture_on_commit_callbacks
):
    product = made_with_file(django_capture_on_commit_callbacks, "toolkit.pdf", a_pdf())
    assert product.thumbnail.name.startswith("thumbnails/")
    assert product.thumbnail_of == product.file.name
    response = client.get(reverse("inventory:product-thumbnail", args=[product.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).width == 400
    page = client.get(product.get_absolute_url()).content.decode()
    thumbnail = reverse("inventory:product-thumbnail", args=[product.slug])
    assert f'src="{thumbnail}"' in page
    assert f'<meta property="og:image" content="{settings.SITE_URL}{thumbnail}">' in page
    assert f'"image": "{settings.SITE_URL}{thumbnail}"' in page  # in the JSON-LD too


def test_a_broken_pdf_gets_the_default_image_of_its_type(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = ProductTypeFactory(name="Video or podcast")
    product = made_with_file(
        django_capture_on_commit_callbacks,
        "broken.pdf",
        b"%PDF-1.7 this is not a PDF at all",
        product_type=video,
    )
    assert product.thumbnail.name == ""
    assert product.thumbnail_of == product.file.name  # tried once; not tried again for the same file
    assert product_thumbnail_make(product_id=product.pk) == "nothing to do"
    assert client.get(reverse("inventory:product-thumbnail", args=[product.slug])).status_code == 404
    assert "/static/img/types/video" in client.get(product.get_absolute_url()).content.decode()


def test_an_unpublished_products_file_is_never_rendered(client, django_capture_on_commit_callbacks):
    draft = made_with_file(
        django_capture_on_commit_callbacks,
        "draft.pdf",
        a_pdf(),
        status=KnowledgeProduct.Status.DRAFT,
        published_at=None,
    )
    assert draft.thumbnail.name == ""
    assert product_thumbnail_make(product_id=draft.pk) == "not published"
    draft.refresh_from_db()
    assert draft.thumbnail.name == ""


def test_a_thumbnail_is_not_served_once_its_product_is_unpublished(
    client, django_capture_on_commit_callbacks
):
    product = made_with_file(django_capture_on_commit_callbacks, "toolkit.pdf", a_pdf())
    url = reverse("inventory:product-thumbnail", args=[product.slug])
    assert client.get(url).status_code == 200
    KnowledgeProduct.objects.filter(pk=product.pk).update(status=KnowledgeProduct.Status.DRAFT)
    assert client.get(url).status_code == 404


def test_publishing_a_product_with_a_pdf_makes_its_thumbnail(django_capture_on_commit_callbacks):
    draft = made_with_file(
        django_capture_on_commit_callbacks,
        "report.pdf",
        a_pdf(),
        status=KnowledgeProduct.Status.DRAFT,
        published_at=None,
    )
    assert draft.thumbnail.name == ""
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = KnowledgeProduct.Status.PUBLISHED
        draft.save()
    draft.refresh_from_db()
    assert draft.thumbnail.name.startswith("thumbnails/")


def test_the_cards_show_the_thumbnail_and_other_products_their_types_picture(
    client, django_capture_on_commit_callbacks
):
    product = made_with_file(django_capture_on_commit_callbacks, "toolkit.pdf", a_pdf())
    ProductFactory(product_type=ProductTypeFactory(name="Video or podcast"))
    page = client.get("/products/").content.decode()
    thumbnail = reverse("inventory:product-thumbnail", args=[product.slug])
    assert f'<img class="card-image" src="{thumbnail}"' in page
    assert '<img class="card-image" src="/static/img/types/video' in page
