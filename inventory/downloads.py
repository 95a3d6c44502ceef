"""What uploaded files are served as. The file's own claim is never trusted: the type comes from its name,
and only from a list of types a browser does not run."""

import mimetypes
from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from inventory.models import KnowledgeProduct, ProductDocument

SAFE_CONTENT_TYPES = {
    "application/pdf",
    "application/epub+zip",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "video/mp4",
}
# HTML, SVG, XML, JavaScript and anything unknown: plain bytes.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def download_content_type(file_name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(file_name, strict=False)
    return guessed if guessed in SAFE_CONTENT_TYPES else FALLBACK_CONTENT_TYPE


@require_safe
def product_download(request, slug):
    """A published product's uploaded file, always as a download: whatever someone uploaded (an HTML page,
    an SVG with a script in it) is saved to disk by the browser, never shown or run on this site."""
    product = get_object_or_404(
        KnowledgeProduct.objects.published().exclude(file="").only("slug", "status", "file"), slug=slug
    )
    return _attachment(product.file)


@require_safe
def document_download(request, slug, pk):
    """A further file of a published product (a summary, a translation), served as the main one is."""
    document = get_object_or_404(
        ProductDocument.objects.exclude(file="").only("file"),
        pk=pk,
        product__slug=slug,
        product__status=KnowledgeProduct.Status.PUBLISHED,
    )
    return _attachment(document.file)


def _attachment(file) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this product is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=PurePosixPath(file.name).name,
        content_type=download_content_type(file.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it after all, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
