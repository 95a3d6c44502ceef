"""Thumbnails: the first page of a published product's PDF as a small picture, for its page, its cards and
the image a shared link shows (og:image).

A job (`thumbnail_job`, run by the worker) renders it with PDFium (pypdfium2) and stores it through the
file storage; `follow_changes`, called by core.freshness after each commit, queues the job for published
products whose file has no picture yet. The job itself looks again: a product that is not published (any
more) is never rendered, and its picture is never served (`product_thumbnail`). A file PDFium cannot read,
or one that is not a PDF, gets no picture: the page then shows its type's default image. Office documents
would need an office suite on the server to render, so they get the default image too.
"""

import io
import logging
from pathlib import PurePosixPath

import pypdfium2
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django_tasks import task

from core import freshness
from core.freshness import Changes
from inventory.models import KnowledgeProduct

logger = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 400  # pixels; a card shows it at up to 200, a retina screen wants twice that
RENDERABLE = (".pdf",)


def render_first_page(data: bytes, width: int = THUMBNAIL_WIDTH) -> bytes | None:
    """The first page of a PDF as PNG bytes `width` pixels wide; None when it cannot be read."""
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            if len(document) == 0:
                return None
            page = document[0]
            image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
            # PDFium rounds the page's size up; the picture is exactly `width` wide.
            image = image.resize((width, max(1, round(image.height * width / image.width))))
        finally:
            document.close()
    except (pypdfium2.PdfiumError, ValueError, ZeroDivisionError):
        return None
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


@task()
def thumbnail_job(product_id: int) -> str:
    return product_thumbnail_make(product_id=product_id)


def product_thumbnail_make(*, product_id: int) -> str:
    """Render the picture of a published product's file, if it has none for that file; says what it did."""
    product = (
        KnowledgeProduct.objects.published()
        .filter(pk=product_id)
        .only("slug", "file", "thumbnail", "thumbnail_of", "status")
        .first()
    )
    if product is None:
        return "not published"
    if not product.file or product.thumbnail_of == product.file.name:
        return "nothing to do"
    png = None
    if PurePosixPath(product.file.name).suffix.lower() in RENDERABLE:
        try:
            with product.file.open("rb") as handle:
                png = render_first_page(handle.read())
        except OSError:
            logger.warning("The file of product %s cannot be read for its thumbnail", product_id)
    if png is None:
        thumbnail = ""
    else:
        thumbnail = product.thumbnail.storage.save(f"thumbnails/{product.slug}.png", ContentFile(png))
    # update(): no signal, so no new round of follow_changes; the public pages still hear of it.
    KnowledgeProduct.objects.filter(pk=product_id).update(thumbnail=thumbnail, thumbnail_of=product.file.name)
    freshness.changed(KnowledgeProduct, [product_id])
    return "rendered" if png else "default image"


def follow_changes(changes: Changes) -> None:
    """Queue a thumbnail for each published product of the change whose file has none yet."""
    touched = changes.touched("inventory.knowledgeproduct")
    if not touched:
        return
    waiting = (
        KnowledgeProduct.objects.published()
        .filter(pk__in=touched)
        .exclude(file="")
        .filter(~Q(thumbnail_of=F("file")))
        .values_list("pk", flat=True)
    )
    for product_id in waiting:
        try:
            thumbnail_job.enqueue(product_id)
        except Exception:
            logger.exception("Could not queue the thumbnail of product %s", product_id)


@require_safe
def product_thumbnail(request, slug):
    """A published product's picture. Unpublished products have none to show, whatever is stored."""
    product = get_object_or_404(
        KnowledgeProduct.objects.published().exclude(thumbnail="").only("slug", "status", "thumbnail"),
        slug=slug,
    )
    try:
        handle = product.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404("The picture of this product is missing.") from None
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response
