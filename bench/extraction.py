"""How fast the extraction job reads uploaded documents: `python bench/extraction.py` (EXTRACTION_FILES=40).

It makes generated documents of about ten pages each (DOCX with python-docx, PDF written by hand with a page
of text per page, XLSX with openpyxl), and reads each as the job does (`inventory.documents`: a child process
with its limits), printing per kind the files per second, the megabytes of file and the characters of text
per second, and the time per file. One worker reads one file at a time; more workers read more.
"""

import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORDS = [
    "budget",
    "council",
    "ward",
    "women",
    "land",
    "rights",
    "water",
    "advocacy",
    "toolkit",
    "youth",
    "climate",
    "evidence",
    "coalition",
    "lessons",
    "monitoring",
    "district",
    "community",
    "health",
    "training",
    "accountability",
    "partners",
    "forest",
    "mining",
    "farmers",
]


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(count)]


def make_docx(rng) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs(rng, 60):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rng) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in range(400):
        workbook.active.append([f"row {row}", *paragraphs(rng, 1)[0].split()[:12]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_pdf(rng) -> bytes:
    pages = []
    for _ in range(10):
        lines = [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(40)]
        body = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
        pages.append(f"BT /F1 11 Tf 50 760 Td {body} ET".encode())
    from tests.documents import pdf_pages  # after Django's setup (main)

    return pdf_pages(pages)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from inventory.documents import _read_in_child

    count = int(os.environ.get("EXTRACTION_FILES", "20"))
    rng = random.Random(1)
    print(f"Reading {count} generated files of each kind, one at a time, as the job does:")
    with tempfile.TemporaryDirectory() as directory:
        for suffix, make in ((".pdf", make_pdf), (".docx", make_docx), (".xlsx", make_xlsx)):
            files = []
            for n in range(count):
                path = Path(directory) / f"file{n}{suffix}"
                path.write_bytes(make(rng))
                files.append(path)
            size = sum(path.stat().st_size for path in files)
            started = time.perf_counter()
            chars = 0
            for path in files:
                text, problem, detail = _read_in_child(path, path.name)
                assert not problem, (path, problem, detail)
                chars += len(text)
            took = time.perf_counter() - started
            print(
                f"  {suffix[1:]:5} {count / took:5.1f} files/s, {size / took / 1e6:5.2f} MB/s of file, "
                f"{chars / took / 1e3:7.0f} k characters/s, {took / count * 1000:5.0f} ms a file "
                f"(files of {size / count / 1e3:.0f} kB, {chars / count / 1e3:.0f} k characters of text)"
            )


if __name__ == "__main__":
    main()
