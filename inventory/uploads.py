"""Which uploaded files the public may nominate: documents, recognised by their content and not only by
their name, so a renamed executable or script never reaches the media folder as a "PDF"."""

import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

PDF = "pdf"
OLE2 = "ole2"  # Word, Excel and PowerPoint before 2007
OOXML = "ooxml"  # .docx, .xlsx, .pptx
ODF = "odf"  # OpenDocument

KIND_OF_EXTENSION = {
    "pdf": PDF,
    "doc": OLE2,
    "xls": OLE2,
    "ppt": OLE2,
    "docx": OOXML,
    "xlsx": OOXML,
    "pptx": OOXML,
    "odt": ODF,
    "ods": ODF,
    "odp": ODF,
}
DOCUMENT_ACCEPT = ",".join(f".{extension}" for extension in KIND_OF_EXTENSION)

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
ODF_MIMETYPE_PREFIX = b"application/vnd.oasis.opendocument."


def max_upload_bytes() -> int:
    return settings.NOMINATION_MAX_UPLOAD_MB * 1024 * 1024


def document_kind(file: File) -> str | None:
    """What the content says the file is: PDF, OLE2, OOXML, ODF, or None for anything else."""
    file.seek(0)
    head = file.read(8)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head == OLE2_SIGNATURE:
            return OLE2
        if head.startswith(ZIP_SIGNATURE):
            return _zip_document_kind(file)
        return None
    finally:
        file.seek(0)


def _zip_document_kind(file: File) -> str | None:
    """Office Open XML packages list their parts in [Content_Types].xml; OpenDocument packages name their
    type in a `mimetype` member."""
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" in names:
                return OOXML
            if "mimetype" in names:
                with package.open("mimetype") as member:
                    if member.read(len(ODF_MIMETYPE_PREFIX)) == ODF_MIMETYPE_PREFIX:
                        return ODF
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    return None


def validate_document(file: File) -> None:
    """Refuse what is not a PDF, Office or OpenDocument file of at most the allowed size."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    expected = KIND_OF_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            _("Upload a PDF, Word, Excel, PowerPoint or OpenDocument file (%(types)s).")
            % {"types": ", ".join(f".{e}" for e in KIND_OF_EXTENSION)},
            code="file_type",
        )
    if file.size > max_upload_bytes():
        raise ValidationError(
            _(
                "The file is larger than %(mb)s MB, the most we accept. Give a link to it instead, or "
                "upload a smaller version."
            )
            % {"mb": settings.NOMINATION_MAX_UPLOAD_MB},
            code="file_size",
        )
    if document_kind(file) != expected:
        raise ValidationError(
            _(
                "This file is not a real .%(extension)s file: its content is something else. Check that it "
                "opens on your computer, or give a link instead."
            )
            % {"extension": extension},
            code="file_content",
        )


def document_field(label, **options) -> forms.FileField:
    """An optional upload of one document on a public form: checked by `validate_document`, the file picker
    offering the accepted kinds."""
    return forms.FileField(
        label=label,
        required=False,
        max_length=200,
        allow_empty_file=False,
        validators=[validate_document],
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        **options,
    )
