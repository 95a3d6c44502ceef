"""Every public page is valid HTML, in English, Dutch, French and Spanish, by the Nu Html Checker (the W3C's
validator, run offline from the vnu-jar npm package with Java)."""

import json
import re
import subprocess

import pytest

from tests.external_tools import java_and_vnu
from tests.public_pages import LANGUAGES, error_pages, load_demo_data, public_pages

pytestmark = pytest.mark.slow


def _file_name(name: str, language: str) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.{language}.html"


def rendered_pages(client) -> dict[str, bytes]:
    """{file name: HTML} for every public page and error page, in every language."""
    documents = {}
    for page in public_pages():
        for language in page.languages:
            path = page.path_in(language)
            response = client.post(path, {}) if page.sent_empty else client.get(path)
            assert response.status_code == page.status, f"{path} answered {response.status_code}"
            documents[_file_name(page.name, language)] = response.content
    for language in LANGUAGES:
        for name, content in error_pages(language).items():
            documents[_file_name(name, language)] = content
    return documents


def validate(documents: dict[str, bytes], directory) -> list[str]:
    """The Nu Html Checker's errors, as "file:line: message" lines; empty when every document is valid."""
    java, jar = java_and_vnu()
    for name, content in documents.items():
        (directory / name).write_bytes(content)
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always", str(directory)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']} "
        f"[{m.get('extract', '')}]"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]


# A broken page checked beside the real ones, in the same run: the check must find its error, or it is not
# looking at all.
CONTROL = "control-broken.html"
BROKEN = b"<!doctype html><html lang=en><head><title>x</title></head><body><p><div>x</p></body></html>"


@pytest.mark.django_db
def test_every_public_page_is_valid_html_in_every_language(client, tmp_path):
    load_demo_data()
    documents = rendered_pages(client)
    errors = validate({**documents, CONTROL: BROKEN}, tmp_path)
    assert any(error.startswith(CONTROL) for error in errors), "the checker missed the broken control page"
    errors = [error for error in errors if not error.startswith(CONTROL)]
    assert not errors, "The Nu Html Checker found errors:\n" + "\n".join(errors)
    print(f"\n{len(documents)} pages checked by the Nu Html Checker, no errors")
