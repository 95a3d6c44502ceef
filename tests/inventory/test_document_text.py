"""The text of uploaded documents, read by a job for search: real small files made here (PDF, DOCX, XLSX,
PPTX, ODT), an encrypted PDF, a scan without text, corrupt files and a zip bomb. The text is found, or the
product records a clear reason; an upload never fails."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from inventory import extraction
from inventory.documents import MAX_TEXT_CHARS, record_text
from inventory.models import DocumentText
from tests.documents import pdf_pages
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
Problem = DocumentText.Problem


def pdf(text: str | None) -> bytes:
    """A one-page PDF showing `text` in Helvetica (None: a page with no text, as a scan has)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text is not None else b""
    return pdf_pages([stream])


def encrypted_pdf(text: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(text: str) -> bytes:
    document = docx.Document()
    document.add_heading("Annex", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(text: str) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Ward", text])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def pptx_file(text: str) -> bytes:
    slide = (
        '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>'
        f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
    )
    return zipped({"[Content_Types].xml": b"<Types/>", "ppt/slides/slide1.xml": slide.encode()})


def odt_file(text: str) -> bytes:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"<text:h>Annex</text:h><text:p>{text} <text:span>inside a span</text:span></text:p>"
        "</office:text></office:body></office:document-content>"
    )
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": content.encode()})


def zip_bomb() -> bytes:
    """A DOCX-named zip of 20 MB of zeros: a few kilobytes that unpack a thousand times larger."""
    return zipped({"word/document.xml": b"\0" * (20 * 1024 * 1024)})


def read(data: bytes, name: str, tmp_path) -> tuple[str, str, str]:
    path = tmp_path / "file"
    path.write_bytes(data)
    return extraction.extract(path, name)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("report.pdf", pdf),
        ("annex.docx", docx_file),
        ("sheet.xlsx", xlsx_file),
        ("slides.pptx", pptx_file),
        ("paper.odt", odt_file),
    ],
)
def test_the_text_of_each_kind_of_document_is_read(name, make, tmp_path):
    text, problem, _ = read(make("Appropriations committee memorandum"), name, tmp_path)
    assert problem == ""
    assert "Appropriations committee memorandum" in text


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (encrypted_pdf("Secret minutes"), "minutes.pdf", Problem.ENCRYPTED),
        (pdf(None), "scan.pdf", Problem.NO_TEXT),
        (b"%PDF-1.4 this is not really a PDF", "broken.pdf", Problem.MALFORMED),
        (b"PK\x03\x04 truncated zip", "broken.docx", Problem.MALFORMED),
        (zip_bomb(), "bomb.docx", Problem.TOO_BIG),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "locked.docx", Problem.ENCRYPTED),
        (b"MZ\x90\x00", "setup.exe", Problem.UNSUPPORTED),
    ],
)
def test_a_file_that_cannot_be_read_gives_a_clear_reason(data, name, problem, tmp_path):
    text, found, _ = read(data, name, tmp_path)
    assert (text, found) == ("", problem)


class TestTheJob:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def upload(self, data: bytes, name: str, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            product = ProductFactory(title="Uploaded", file=SimpleUploadedFile(name, data))
        return DocumentText.objects.get(product=product)

    def test_an_uploaded_document_is_read_once_its_product_commits(self, django_capture_on_commit_callbacks):
        found = self.upload(
            docx_file("Emergency relocation fund"), "protocol.docx", django_capture_on_commit_callbacks
        )
        assert "Emergency relocation fund" in found.text
        assert found.problem == ""

    def test_a_zip_bomb_is_recorded_and_the_upload_stands(self, django_capture_on_commit_callbacks):
        found = self.upload(zip_bomb(), "bomb.docx", django_capture_on_commit_callbacks)
        assert (found.text, found.problem) == ("", Problem.TOO_BIG)
        assert found.product.file

    def test_curators_see_why_a_document_has_no_text(
        self, curator_client, django_capture_on_commit_callbacks
    ):
        found = self.upload(encrypted_pdf("Secret"), "minutes.pdf", django_capture_on_commit_callbacks)
        page = curator_client.get(reverse("admin:inventory_knowledgeproduct_change", args=[found.product_id]))
        assert "Encrypted: the file asks for a password" in page.content.decode()


def test_the_text_kept_is_limited_and_says_so():
    product = ProductFactory()
    found = record_text(product=product, text="word " * (MAX_TEXT_CHARS // 4))
    assert len(found.text) == MAX_TEXT_CHARS and found.truncated
