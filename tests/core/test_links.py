"""A record's address from its slug (core.links): what Django's `reverse` writes, in every language, under
a script prefix, and for a slug a path would have to quote; a static file's, what `static` writes."""

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation

from core.links import slug_url, static_url

VIEWS = [
    "pages:product-detail",
    "pages:theme-detail",
    "pages:partnership-detail",
    "pages:organisation-detail",
    "pages:collection-detail",
    "pages:activity-detail",
]


@pytest.mark.parametrize("language", ["en", "nl", "fr", "es"])
@pytest.mark.parametrize("view", VIEWS)
def test_the_address_is_what_reverse_writes_in_each_language(view, language):
    with translation.override(language):
        for slug in ["water-rights", "a_b-2", "x"]:
            assert slug_url(view, slug) == reverse(view, args=[slug])
    assert slug_url(view, "water-rights") != slug_url(view, "land-rights")


def test_a_language_then_another_each_gets_its_own_address():
    with translation.override("nl"):
        dutch = slug_url("pages:theme-detail", "water")
    with translation.override("en"):
        english = slug_url("pages:theme-detail", "water")
    assert (dutch, english) == ("/nl/themes/water/", "/themes/water/")


def test_a_site_under_a_script_prefix_links_under_it():
    set_script_prefix("/kennis/")
    try:
        assert slug_url("pages:product-detail", "toolkit") == "/kennis/products/toolkit/"
        assert slug_url("pages:theme-detail", "water") == reverse("pages:theme-detail", args=["water"])
    finally:
        set_script_prefix("/")
    assert slug_url("pages:product-detail", "toolkit") == "/products/toolkit/"


def test_a_slug_a_path_would_quote_is_reversed_as_django_does():
    # Not a slug the site makes, but an address must never be written wrong: reverse refuses it too.
    for odd in ["ça-va", "a b", "a/b", "50%"]:
        try:
            expected = reverse("pages:product-detail", args=[odd])
        except Exception as refused:  # noqa: BLE001 (whatever reverse raises, slug_url raises alike)
            with pytest.raises(type(refused)):
                slug_url("pages:product-detail", odd)
        else:
            assert slug_url("pages:product-detail", odd) == expected


def test_a_static_files_address_is_what_static_writes_and_follows_the_settings():
    path = "img/types/document.svg"
    assert static_url(path) == static(path)
    with override_settings(STATIC_URL="/assets/"):
        assert static_url(path) == static(path)
        assert static_url(path).startswith("/assets/")
    assert static_url(path) == static(path)
    assert not static_url(path).startswith("/assets/")
