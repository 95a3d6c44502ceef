"""No admin page relies on inline script, which the Content-Security-Policy blocks: every handler comes from
a script file (the export page's "Select all" in a browser: tests/browser/test_admin_export.py)."""

import contextlib
import re

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    MembershipFactory,
    ProductFactory,
    curator,
)

pytestmark = pytest.mark.django_db
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def admin_pages() -> list[str]:
    """Every admin list with its add, export and import pages; a record's change and history pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for view in ["changelist", "add", "export", "import"]:
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{name}_{view}"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            for view in ["change", "history"]:
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(f"{name}_{view}", args=[record.pk]))
    return urls


def test_no_admin_page_has_an_inline_script_or_event_handler(client):
    ProductFactory().tags.add("budget")
    MembershipFactory()
    KnowledgeNeedFactory()
    LearningActivityFactory()
    client.force_login(curator())
    checked = 0
    for url in admin_pages():
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        content = response.content.decode()
        assert not INLINE_HANDLER.search(content), f"{url}: {INLINE_HANDLER.search(content).group(0)}"
        scripts = [tag for tag in INLINE_SCRIPT.findall(content) if "application/json" not in tag]
        assert scripts == [], f"{url}: {scripts}"
        checked += 1
    assert checked > 40
