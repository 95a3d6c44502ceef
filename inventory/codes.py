"""Country and language codes and names from maintained sources, never typed by hand.

pycountry carries ISO 3166-1 and ISO 639; countryinfo carries the UN M49 sub-regions, which we fold into the
regions development cooperation speaks of.
"""

import gettext
import re
from functools import cache

import countryinfo
import pycountry
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation

# UN M49 (region, sub-region) → our region.
_SUBREGION_TO_REGION = {
    "Sub-Saharan Africa": "sub-saharan-africa",
    "Northern Africa": "middle-east-north-africa",
    "Western Asia": "middle-east-north-africa",
    "Latin America and the Caribbean": "latin-america-caribbean",
    "Northern America": "north-america",
}
_REGION_TO_REGION = {"Asia": "asia", "Europe": "europe", "Oceania": "oceania", "Africa": "sub-saharan-africa"}


def _regions_by_code() -> dict[str, str]:
    regions = {}
    for info in countryinfo.all_countries():
        try:
            code, region, subregion = info.iso(2), info.region(), info.subregion()
        except (KeyError, AttributeError, TypeError):
            continue
        region = _SUBREGION_TO_REGION.get(subregion) or _REGION_TO_REGION.get(region, "")
        # The data holds a few codes twice (the United Kingdom's nations); keep the entry that has a region.
        if region or code not in regions:
            regions[code] = region
    return regions


def country_rows() -> list[tuple[str, str, str]]:
    """(alpha-2 code, common name, region) for every ISO 3166-1 country."""
    regions = _regions_by_code()
    return [
        (c.alpha_2, getattr(c, "common_name", None) or c.name, regions.get(c.alpha_2, ""))
        for c in pycountry.countries
    ]


def language_rows() -> list[tuple[str, str]]:
    """(ISO 639-1 code, English name) for every language that has a two-letter code.

    Django's own language names are the plain ones people use ("Greek", not "Greek, Modern (1453-)");
    pycountry names the rest, without its qualifiers ("Swahili (macrolanguage)" → "Swahili")."""
    rows = []
    for lang in pycountry.languages:
        if not hasattr(lang, "alpha_2"):
            continue
        name = LANG_INFO.get(lang.alpha_2, {}).get("name") or re.sub(r"\s*\(.*\)$", "", lang.name)
        rows.append((lang.alpha_2, name))
    return rows


def country_aliases(code: str) -> list[str]:
    """Other names a spreadsheet may give a country: its ISO name, official name and three-letter code
    ("Tanzania, United Republic of", "United Republic of Tanzania", "TZA")."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return []
    return [getattr(country, attr) for attr in ("name", "official_name", "alpha_3") if hasattr(country, attr)]


# Names in the language of the page. The rows keep English names (what curators type and imports match);
# pages show them through the translations that come with pycountry (ISO 3166, ISO 639) and Django.


@cache
def _iso_catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _page_language() -> str | None:
    """The active language when it is not the default one (whose names the rows hold)."""
    language = translation.get_language()
    return language if language and language != settings.LANGUAGE_CODE else None


def country_name(name: str) -> str:
    """A country's name (as stored) in the page's language."""
    language = _page_language()
    return _iso_catalogue("iso3166-1", language).gettext(name) if language else name


def language_name(code: str, name: str) -> str:
    """A language's name (as stored) in the page's language: Django's own translation of the names it
    knows, else pycountry's of the ISO name, without its qualifiers ("Swahili (macrolanguage)")."""
    language = _page_language()
    if not language:
        return name
    if code in LANG_INFO:
        return translation.gettext(LANG_INFO[code]["name"])
    iso = pycountry.languages.get(alpha_2=code)
    if iso is None:
        return name
    return re.sub(r"\s*\(.*\)$", "", _iso_catalogue("iso639-3", language).gettext(iso.name))
