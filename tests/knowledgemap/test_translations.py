"""The Dutch translation is complete: every interface string is in the catalogue, every entry is
translated, the compiled catalogue is up to date, and no English interface text shows on a Dutch page."""

import gettext
import html
import os
import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from inventory.models import Involvement, KnowledgeProduct, Membership, Organisation
from needs.models import LearningActivity
from tests.external_tools import xgettext
from tests.factories import (
    InvolvementFactory,
    KnowledgeNeedFactory,
    LearningActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    StakeholderFactory,
    ThemeFactory,
    country,
)
from tests.public_pages import public_pages

CATALOGUE = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# What `make messages` runs; the sources makemessages reads are those below, the rest is ignored.
MAKEMESSAGES = ["makemessages", "--locale=nl", "--no-location", "--no-wrap"]
SOURCES = [
    "core",
    "inventory",
    "search",
    "alerts",
    "needs",
    "pages",
    "opendata",
    "knowledgemap",
    "bench",
    "templates",
]
SOURCES += ["manage.py"]


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def test_every_entry_of_the_dutch_catalogue_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 300, "the catalogue holds the site's strings"
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    obsolete = [entry.msgid for entry in catalogue.obsolete_entries()]
    assert not untranslated, f"not translated: {untranslated}"
    assert not fuzzy, f"fuzzy (check and clear the flag): {fuzzy}"
    assert not obsolete, f"obsolete (remove them): {obsolete}"
    assert not catalogue.metadata_is_fuzzy


def test_the_compiled_catalogue_says_what_the_po_file_says():
    with COMPILED.open("rb") as compiled:
        dutch = gettext.GNUTranslations(compiled)
    stale = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if entry.msgid_plural and entry.msgctxt:
            found = [dutch.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            wanted = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        elif entry.msgid_plural:
            found = [dutch.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            wanted = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        else:
            found = (
                dutch.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else dutch.gettext(entry.msgid)
            )
            wanted = entry.msgstr
        if found != wanted:
            stale.append(entry.msgid)
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:5]}"


@pytest.mark.slow
def test_makemessages_finds_no_string_that_the_catalogue_lacks(tmp_path):
    """makemessages, run on a copy of the sources, collects exactly the strings of the committed catalogue:
    none marked in the code is missing from it, and none in it is gone from the code."""
    xgettext()
    for source in SOURCES:
        if (settings.BASE_DIR / source).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(settings.BASE_DIR / source, tmp_path / source, ignore=ignore)
        else:
            shutil.copy(settings.BASE_DIR / source, tmp_path / source)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    collected = {
        key(entry) for entry in polib.pofile(str(tmp_path / CATALOGUE.relative_to(settings.BASE_DIR)))
    }
    committed = {key(entry) for entry in polib.pofile(str(CATALOGUE))}
    missing, gone = collected - committed, committed - collected
    assert not missing, f"marked for translation but not in the catalogue (run `make messages`): {missing}"
    assert not gone, f"in the catalogue but no longer in the code (run `make messages`): {gone}"


def _visible_text(page_html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _english_phrases() -> list[str]:
    """Interface texts of two words or more whose Dutch differs, with placeholders and markup left out."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid):
                part = part.strip(" .,:;“”()·")
                if len(part.split()) >= 2 and part not in (
                    entry.msgstr or "".join(entry.msgstr_plural.values())
                ):
                    phrases.add(part)
    return sorted(phrases)


def neutral_map() -> None:
    """A small map whose own text is not English, so that any English on a Dutch page is the interface's."""
    core = ThemeFactory(name="Thema Een", slug="thema-een")
    sub = ThemeFactory(name="Thema Twee", parent=core)
    kind = ProductTypeFactory(name="Soort A")
    south = OrganisationFactory(
        name="Organisatie Zuid", kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE")
    )
    north = OrganisationFactory(name="Organisatie Noord")
    partnership = PartnershipFactory(name="Partnerschap P", programme=ProgrammeFactory(name="Programma Q"))
    MembershipFactory(partnership=partnership, organisation=north, role=Membership.Role.LEAD)
    MembershipFactory(partnership=partnership, organisation=south, role=Membership.Role.SOUTHERN_PARTNER)
    stakeholder = StakeholderFactory(name="Betrokkene S", organisation=south)
    for n, year in enumerate([2017, 2018, 2019]):
        product = ProductFactory(
            title=f"Product {n}",
            summary="Samenvatting.",
            why_valuable="Lessen.",
            product_type=kind,
            year=year,
            featured=n == 0,
            themes=[core, sub],
            partnerships=[partnership],
            organisations=[south, north],
            countries=["KE"],
            languages=["nl"],
        )
        InvolvementFactory(product=product, stakeholder=stakeholder, role=Involvement.Role.CO_CREATOR)
    ProductFactory(title="Voordracht", product_type=kind, status=KnowledgeProduct.Status.SUBMITTED)
    need = KnowledgeNeedFactory(title="Behoefte", themes=[core], consent_to_publish=True)
    LearningActivityFactory(title="Activiteit", summary="Samenvatting.", themes=[core], needs=[need])
    LearningActivityFactory(
        title="Afgelast", summary="Samenvatting.", status=LearningActivity.Status.CANCELLED
    )


@pytest.mark.django_db
def test_no_english_interface_text_shows_on_any_dutch_page(client):
    neutral_map()
    phrases = _english_phrases()
    assert len(phrases) > 200
    found = {}
    for page in public_pages():
        if not page.translated:
            continue
        path = page.path_in("nl")
        response = client.post(path, {}) if page.sent_empty else client.get(path)
        text = _visible_text(response.content.decode())
        english = [phrase for phrase in phrases if phrase in text]
        if english:
            found[path] = english
    assert not found, f"English on Dutch pages: {found}"


@pytest.mark.django_db
def test_the_english_text_check_finds_english(client):
    """The check above would pass without looking: the English pages must be full of its phrases."""
    neutral_map()
    text = _visible_text(client.get("/products/").content.decode())
    assert sum(phrase in text for phrase in _english_phrases()) > 10
