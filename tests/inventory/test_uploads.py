"""Nominated files are recognised by their content, not by their name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.uploads import document_kind, validate_document
from tests.documents import DOC, DOCX, ODT, PDF, PLAIN_ZIP, zip_bytes


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("Report.PDF", PDF),
        ("guide.docx", DOCX),
        ("sheet.xlsx", DOCX),
        ("notes.odt", ODT),
        ("old.doc", DOC),
        ("slides.ppt", DOC),
    ],
)
def test_it_accepts_real_documents(name, content):
    validate_document(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "file_content"),
        ("fake.pdf", b"MZ\x90\x00 an executable", "file_content"),
        ("fake.docx", PLAIN_ZIP, "file_content"),
        ("fake.odt", zip_bytes({"mimetype": b"application/zip"}), "file_content"),
        ("broken.docx", b"PK\x03\x04 but not a zip at all", "file_content"),
        ("report.pdf", DOCX, "file_content"),
        ("guide.docx", PDF, "file_content"),
        ("script.exe", PDF, "file_type"),
        ("noextension", PDF, "file_type"),
        ("image.png", b"\x89PNG\r\n", "file_type"),
    ],
)
def test_it_refuses_what_is_not_what_its_name_says(name, content, code):
    with pytest.raises(ValidationError) as raised:
        validate_document(upload(name, content))
    assert raised.value.code == code


def test_it_refuses_files_over_the_limit(settings):
    settings.NOMINATION_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as raised:
        validate_document(upload("big.pdf", PDF + b"0" * 1024 * 1024))
    assert raised.value.code == "file_size"
    assert "The file is larger than 1 MB, the most we accept." in raised.value.messages[0]


def test_reading_the_kind_leaves_the_file_at_its_start():
    file = upload("report.pdf", PDF)
    assert document_kind(file) == "pdf"
    assert file.read(5) == b"%PDF-"
