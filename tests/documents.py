"""Small documents for upload tests: real enough for a content check, tiny enough to be fast."""

import io
import zipfile

from inventory.uploads import OLE2_SIGNATURE


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
DOC = OLE2_SIGNATURE + b"\x00" * 504
PLAIN_ZIP = zip_bytes({"readme.txt": b"hello"})
