"""Reading the text of an uploaded document: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl), and the
OpenDocument (ODT, ODS, ODP) and PowerPoint (PPTX) formats, which are zipped XML read with the standard
library. Plain Python without Django: inventory.documents runs it in a child process with limits on time
and memory, so a malicious or broken file can only end that process.

`extract(path, name)` returns (text, problem, detail); problem is "" when the text was read, else one of
inventory.models.DocumentText.Problem's values.

    python -m inventory.extraction FILE NAME   # prints the result as JSON (what the child process does)
"""

import json
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# A zipped document (DOCX, XLSX, PPTX, ODF) whose parts unpack to more than this, or to more than this many
# times its size, is refused before it is read: a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_UNPACK_RATIO = 200
# Stop reading once this much text is found (inventory.documents keeps at most 1 MB).
ENOUGH_CHARS = 1_100_000

UNSUPPORTED, ENCRYPTED, NO_TEXT, MALFORMED, TOO_BIG = (
    "unsupported",
    "encrypted",
    "no-text",
    "malformed",
    "too-big",
)
SUFFIXES = {".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}


class Refused(Exception):
    def __init__(self, problem: str, detail: str = ""):
        super().__init__(detail)
        self.problem, self.detail = problem, detail


def extract(path: str | Path, name: str) -> tuple[str, str, str]:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return "", UNSUPPORTED, f"{suffix or 'no extension'}"
    try:
        if suffix == ".pdf":
            text = _pdf(path)
        elif suffix in (".docx", ".xlsx", ".pptx") and _is_encrypted_office(path):
            raise Refused(ENCRYPTED, "an encrypted Office document")
        else:
            _check_zip(path)
            text = READERS[suffix](path)
    except Refused as refused:
        return "", refused.problem, refused.detail
    except Exception as error:  # noqa: BLE001  (a reader's own error for a file it cannot read)
        return "", MALFORMED, f"{type(error).__name__}: {error}"[:500]
    text = " ".join(text.split()) if len(text) < 10_000 else text
    if not text.strip():
        return "", NO_TEXT, ""
    return text, "", ""


def _pdf(path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            # An owner password only (no password to open) still lets the text be read.
            try:
                if not reader.decrypt(""):
                    raise Refused(ENCRYPTED, "needs a password to open")
            except (NotImplementedError, FileNotDecryptedError) as error:
                raise Refused(ENCRYPTED, str(error)[:500]) from error
        parts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > ENOUGH_CHARS:
                break
        return "\n".join(parts)
    except FileNotDecryptedError as error:
        raise Refused(ENCRYPTED, str(error)[:500]) from error
    except PdfReadError as error:
        raise Refused(MALFORMED, f"{error}"[:500]) from error


def _check_zip(path) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        packed = max(1, Path(path).stat().st_size)
        if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACK_RATIO * packed:
            raise Refused(TOO_BIG, f"{packed} bytes unpack to {unpacked}")
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise Refused(ENCRYPTED, "an encrypted zip")
        if "EncryptionInfo" in archive.namelist() or "EncryptedPackage" in archive.namelist():
            raise Refused(ENCRYPTED, "an encrypted Office document")


def _is_encrypted_office(path) -> bool:
    """A password-protected DOCX/XLSX/PPTX is not a zip but an OLE file holding the encrypted package."""
    with open(path, "rb") as file:
        return file.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _docx(path) -> str:
    import docx

    document = docx.Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _xlsx(path) -> str:
    import openpyxl

    parts, size = [], 0
    # A file object: openpyxl refuses a path whose name does not end in .xlsx.
    with open(path, "rb") as file:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [value for value in row if isinstance(value, str)]
                parts.append(" ".join(cells))
                size += sum(len(c) for c in cells)
                if size > ENOUGH_CHARS:
                    return "\n".join(parts)
    return "\n".join(parts)


def _xml_text(data: bytes, text_tags: set[str], paragraph_tags: set[str]) -> str:
    """The text of the elements named (local names) in an XML part, a line per paragraph."""
    parts: list[str] = []
    for _event, element in ElementTree.iterparse(_bytes_io(data), events=("end",)):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in text_tags and element.text:
            parts.append(element.text)
        if tag in paragraph_tags:
            parts.append("\n")
    return " ".join(parts)


def _bytes_io(data: bytes):
    from io import BytesIO

    return BytesIO(data)


def _pptx(path) -> str:
    with zipfile.ZipFile(path) as archive:
        slides = sorted(
            (
                name
                for name in archive.namelist()
                if name.startswith("ppt/slides/slide") and name.endswith(".xml")
            ),
            key=lambda name: int("".join(c for c in name if c.isdigit()) or 0),
        )
        return "\n".join(_xml_text(archive.read(name), {"t"}, {"p"}) for name in slides)


def _odf(path) -> str:
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml")
    # ODF text sits in <text:p> and <text:h>, with spans inside: take all the text of each paragraph.
    parts = []
    for _event, element in ElementTree.iterparse(_bytes_io(content), events=("end",)):
        if element.tag.rsplit("}", 1)[-1] in ("p", "h"):
            parts.append("".join(element.itertext()))
            element.clear()
    return "\n".join(parts)


READERS = {".docx": _docx, ".xlsx": _xlsx, ".pptx": _pptx, ".odt": _odf, ".ods": _odf, ".odp": _odf}


def main() -> None:
    sys.stdout.write(json.dumps(extract(sys.argv[1], sys.argv[2])))


if __name__ == "__main__":
    main()
