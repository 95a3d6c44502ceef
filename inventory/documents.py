"""The text of products' uploaded documents, for search (search.fulltext indexes it at the lowest weight).

When a committed change leaves a product with a file whose text was not read yet (or without the file it
was read from), `follow_changes` queues the job `extract_document_text`. The job reads the file in a child
process (`python -m inventory.extraction`) with a time limit and a memory limit, so an encrypted, scanned,
huge or malformed file, or a zip bomb, never breaks the upload or the worker: the product's DocumentText
records the text, or why there is none, which curators see on the product's admin page.
"""

import logging
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from core.freshness import Changes
from inventory.models import DocumentText, KnowledgeProduct

logger = logging.getLogger(__name__)

# The most text kept per product (characters; about 1 MB).
MAX_TEXT_CHARS = 1_000_000
# The child process reading a file may take this long and use this much memory.
EXTRACTION_SECONDS = getattr(settings, "DOCUMENT_EXTRACTION_SECONDS", 60)
EXTRACTION_MEMORY_BYTES = 1024 * 1024 * 1024


@transaction.atomic
def record_text(
    *, product: KnowledgeProduct, text: str, file_name: str = "", problem: str = "", detail: str = ""
) -> DocumentText:
    """Store what was read of the product's document: its text (the first MAX_TEXT_CHARS), or the problem."""
    text = text.replace("\x00", "")  # PostgreSQL's text holds no NUL
    record = DocumentText.objects.filter(product=product).first() or DocumentText(product=product)
    record.file_name = file_name[:250]
    record.text = text[:MAX_TEXT_CHARS]
    record.truncated = len(text) > MAX_TEXT_CHARS
    record.problem = problem
    record.detail = detail[:500]
    record.full_clean()
    record.save()
    return record


def follow_changes(changes: Changes) -> None:
    """Queue the extraction of each touched product's new file; forget the text of a file removed."""
    touched = changes.touched("inventory.knowledgeproduct")
    if not touched:
        return
    files = dict(KnowledgeProduct.objects.filter(pk__in=touched).values_list("pk", "file"))
    read = dict(DocumentText.objects.filter(product_id__in=touched).values_list("product_id", "file_name"))
    gone = [pk for pk, name in read.items() if not files.get(pk)]
    if gone:
        DocumentText.objects.filter(product_id__in=gone).delete()
    for pk, name in files.items():
        if name and read.get(pk) != name:
            try:
                extract_document_text.enqueue(pk)
            except Exception:  # the upload stands; `extract_documents` reads it later
                logger.exception("Could not queue the reading of product %s's document", pk)


@task()
def extract_document_text(product_id: int) -> str:
    """Read the text of the product's file and store it (or why there is none). Returns the problem, or
    "text" when the text was read."""
    product = KnowledgeProduct.objects.filter(pk=product_id).first()
    if product is None or not product.file:
        return "no file"
    text, problem, detail = read_file(product)
    record_text(product=product, text=text, file_name=product.file.name, problem=problem, detail=detail)
    return problem or "text"


def read_file(product: KnowledgeProduct) -> tuple[str, str, str]:
    """(text, problem, detail) of the product's file, read in a child process."""
    name = Path(product.file.name).name
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document"
        try:
            with product.file.open("rb") as source, path.open("wb") as copy:
                shutil.copyfileobj(source, copy)
        except OSError as error:
            return "", DocumentText.Problem.MALFORMED, f"the file could not be read: {error}"[:500]
        return _read_in_child(path, name)


def _limit_memory() -> None:  # pragma: no cover (runs in the child)
    resource.setrlimit(resource.RLIMIT_AS, (EXTRACTION_MEMORY_BYTES, EXTRACTION_MEMORY_BYTES))


def _read_in_child(path: Path, name: str) -> tuple[str, str, str]:
    import json

    try:
        done = subprocess.run(
            [sys.executable, "-m", "inventory.extraction", str(path), name],
            capture_output=True,
            timeout=EXTRACTION_SECONDS,
            preexec_fn=_limit_memory,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "", DocumentText.Problem.TOO_SLOW, f"more than {EXTRACTION_SECONDS} seconds"
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        problem = DocumentText.Problem.TOO_BIG if "MemoryError" in last else DocumentText.Problem.MALFORMED
        return "", problem, last[:500]
    text, problem, detail = json.loads(done.stdout)
    return text, problem, detail
