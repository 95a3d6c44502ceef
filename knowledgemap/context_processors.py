from dataclasses import dataclass

from django.conf import settings
from django.urls import LocalePrefixPattern, Resolver404, resolve
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.site import absolute


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str | Promise
    call_to_action: bool = False


# The header of every page. The paths are the public pages' addresses, which people share (in English; other
# languages add their prefix); the longest matching one is current.
NAV_ITEMS = [
    NavItem("/products/", _("Browse")),
    NavItem("/map/", _("Map")),
    NavItem("/partnerships/", _("Partnerships")),
    NavItem("/organisations/", _("Organisations")),
    NavItem("/gaps/", _("Gaps")),
    NavItem("/activities/", _("Activities")),
    NavItem("/needs/new/", _("Share a need"), call_to_action=True),
    NavItem("/products/nominate/", _("Nominate a product"), call_to_action=True),
]


OG_LOCALES = {"en": "en_GB", "nl": "nl_NL", "fr": "fr_FR", "es": "es_ES"}


def language_prefix(language: str) -> str:
    """ "" for the default language, whose pages have no prefix; "/nl" for Dutch."""
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def path_in_default_language(path: str) -> str:
    """The path without its language prefix: /nl/products/ → /products/. Pages have the same path in
    every language, so this is the page itself."""
    language = translation.get_language_from_path(path)
    if language and language != settings.LANGUAGE_CODE:
        return path[len(language) + 1 :] or "/"
    return path


def site(request):
    language = translation.get_language()
    prefix = language_prefix(language)
    page_path = path_in_default_language(request.path_info)
    matches = [item for item in NAV_ITEMS if page_path.startswith(item.path)]
    current = max(matches, key=lambda item: len(item.path)) if matches else None
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "nav_items": [
            (NavItem(prefix + item.path, item.label, item.call_to_action), item == current)
            for item in NAV_ITEMS
        ],
        "languages": _language_links(request, page_path, language),
        # OpenGraph names locales with a territory; the site's are written for these readers.
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
    }


def _language_links(request, page_path: str, current: str) -> list[dict]:
    """This page in each language, for the switch in the header and the alternate links in the head;
    none for a page that has one address for all languages (the API's documentation)."""
    if not _has_languages(page_path):
        return []
    # One leading slash: `//elsewhere.example/` in a request's path must not become a link off the site.
    page_path = "/" + page_path.lstrip("/")
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return [
        {
            "code": code,
            "name": name,
            "url": language_prefix(code) + page_path + query,
            "absolute_url": absolute(language_prefix(code) + page_path + query),
            "current": code == current,
            "default": code == settings.LANGUAGE_CODE,
        }
        for code, name in settings.LANGUAGES
    ]


def _has_languages(page_path: str) -> bool:
    """Whether the page (by its path in the default language) is one of the public pages that exist in
    every language. A path that names no page counts as one: its 404 page offers the other languages."""
    try:
        match = resolve(page_path)
    except Resolver404:
        return True
    # The last pattern tried is the one that matched; its outermost resolver is i18n_patterns' for pages.
    return bool(match.tried) and isinstance(match.tried[-1][0].pattern, LocalePrefixPattern)
