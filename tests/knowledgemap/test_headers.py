"""Security headers on the public pages and on the curators' admin."""

import re

import pytest
from django.urls import reverse

from knowledgemap.settings import BASE_DIR

pytestmark = pytest.mark.django_db

PAGES = {
    "a public page": lambda: reverse("pages:home"),
    "the admin": lambda: reverse("admin:login"),
    "a 404 page": lambda: "/no-such-page/",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.fixture(params=PAGES.values(), ids=PAGES.keys())
def response(request, client):
    return client.get(request.param())


def test_the_content_security_policy_allows_only_this_sites_own_files(response):
    policy = directives(response)
    for directive in ["default-src", "script-src", "style-src", "img-src", "font-src"]:
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_browsers_may_not_guess_content_types(response):
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_sites_are_not_told_which_page_sent_a_visitor(response):
    assert response["Referrer-Policy"] == "same-origin"


def test_no_site_may_frame_the_pages(response):
    assert response["X-Frame-Options"] == "DENY"


def test_powerful_browser_features_are_switched_off(response):
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
# The one inline <script> allowed: schema.org JSON-LD, which is data (browsers do not run it), made safe by
# the json_ld filter, which writes the text whose hash the view puts in the policy.
JSON_LD = re.compile(r'<script type="application/ld\+json">\{\{ [\w.]+\|json_ld \}\}</script>')


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy forbids them, so a browser would silently drop them: catch them here instead."""
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = JSON_LD.sub("", template.read_text())
        if INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(template.relative_to(BASE_DIR)))
    assert offenders == []


def test_the_scan_allows_only_json_ld_through_the_json_ld_filter():
    allowed = '<script type="application/ld+json">{{ data|json_ld }}</script>'
    assert not INLINE_SCRIPT.search(JSON_LD.sub("", allowed))
    for refused in [
        '<script type="application/ld+json">{{ data }}</script>',
        '<script type="text/javascript">{{ data|json_ld }}</script>',
        '<script nonce="{{ request.csp_nonce }}">alert(1)</script>',
    ]:
        assert INLINE_SCRIPT.search(JSON_LD.sub("", refused)), refused
