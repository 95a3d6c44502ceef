"""What a product's page says about the product as a record: what opens behind each of its files and links
("PDF · 2.3 MB · French", "Web page on another site"), and the picture that stands for it."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.links import slug_url, static_url
from inventory.models import KnowledgeProduct, Language

# File formats by extension, as a reader knows them.
FORMATS = {
    "pdf": "PDF",
    "doc": _("Word document"),
    "docx": _("Word document"),
    "odt": _("Text document"),
    "xls": _("Excel spreadsheet"),
    "xlsx": _("Excel spreadsheet"),
    "ods": _("Spreadsheet"),
    "csv": "CSV",
    "ppt": _("PowerPoint presentation"),
    "pptx": _("PowerPoint presentation"),
    "odp": _("Presentation"),
    "epub": "EPUB",
    "zip": _("ZIP archive"),
    "mp3": _("MP3 audio"),
    "mp4": _("MP4 video"),
    "txt": _("Text file"),
    "png": _("PNG image"),
    "jpg": _("JPEG image"),
    "jpeg": _("JPEG image"),
}
WEB_PAGE = _("Web page on another site")


@dataclass
class Opening:
    """One file or link of a product, as its page offers it."""

    label: str
    href: str
    is_download: bool
    format: str
    size: int | None
    language: Language | None


def what_opens(product: KnowledgeProduct, languages: list[Language]) -> list[Opening]:
    """The product's main link and file, then its further files and links (prefetched `documents`). The
    main ones are in the product's language when it has only one."""
    only_language = languages[0] if len(languages) == 1 else None
    openings = []
    if product.url:
        openings.append(Opening(_("Open the product"), product.url, False, WEB_PAGE, None, only_language))
    if product.file:
        href = reverse("inventory:product-download", args=[product.slug])
        openings.append(_file(_("Download"), href, product.file, only_language))
    for document in product.documents.all():
        if document.file:
            href = reverse("inventory:product-document-download", args=[product.slug, document.pk])
            openings.append(_file(document.label or _("Download"), href, document.file, document.language))
        else:
            label = document.label or _("Open")
            openings.append(Opening(label, document.url, False, WEB_PAGE, None, document.language))
    return openings


def _file(label, href: str, file, language) -> Opening:
    extension = PurePosixPath(file.name).suffix.lower().lstrip(".")
    kind = FORMATS.get(extension) or format_lazy(_("{extension} file"), extension=extension.upper() or "?")
    return Opening(label, href, True, kind, _size(file), language)


def _size(file) -> int | None:
    """The file's size from the storage; None when the storage cannot say (the file went missing)."""
    try:
        return file.size
    except OSError:
        return None


# The picture for a product without a thumbnail of its own: by words in its type's name, else the generic.
DEFAULT_IMAGES = [
    (("video", "podcast", "film", "audio"), "img/types/video.svg"),
    (("course", "training", "module", "cursus"), "img/types/course.svg"),
    (("data", "dataset", "database"), "img/types/data.svg"),
    (("tool", "method", "toolkit", "guide", "manual"), "img/types/toolkit.svg"),
]
GENERIC_IMAGE = "img/types/document.svg"


def default_image(product_type_name: str) -> str:
    """The static path of the picture that stands for a product of this type."""
    name = product_type_name.lower()
    for words, path in DEFAULT_IMAGES:
        if any(word in name for word in words):
            return path
    return GENERIC_IMAGE


def product_image(product: KnowledgeProduct) -> str:
    """The address (a path on this site) of the product's picture: its thumbnail once the job made one
    (served for published products only), else its type's picture."""
    if product.thumbnail and product.is_public:
        return slug_url("inventory:product-thumbnail", product.slug)
    return static_url(default_image(product.product_type.name))
