"""The translations are complete, in every language of the site but English: every interface string is in
each catalogue, every entry is translated with its placeholders, each compiled catalogue is up to date,
and no English interface text shows on a page in another language."""

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

# Every language of the site but the one the interface is written in.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The plural forms of each language, as gettext counts them: French says "0 produit", Spanish "0 productos".
PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}


def catalogue_path(language: str):
    return settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


# What `make messages` runs; the sources makemessages reads are those below, the rest is ignored.
MAKEMESSAGES = ["makemessages", *(f"--locale={code}" for code in TRANSLATED), "--no-location", "--no-wrap"]
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


def test_every_language_but_english_has_a_catalogue():
    assert set(TRANSLATED) == {"nl", "fr", "es"}
    for language in TRANSLATED:
        assert catalogue_path(language).exists(), language
        assert catalogue_path(language).with_suffix(".mo").exists(), language


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy(language):
    catalogue = polib.pofile(str(catalogue_path(language)))
    assert len(catalogue) > 300, "the catalogue holds the site's strings"
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    obsolete = [entry.msgid for entry in catalogue.obsolete_entries()]
    assert not untranslated, f"not translated: {untranslated}"
    assert not fuzzy, f"fuzzy (check and clear the flag): {fuzzy}"
    assert not obsolete, f"obsolete (remove them): {obsolete}"
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == language
    assert catalogue.metadata["Plural-Forms"] == PLURAL_FORMS[language]


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_and_markup_of_its_english(language):
    """A placeholder renamed or lost fails at run time (KeyError) or shows nothing; markup lost breaks a
    link. The singular of a plural may leave the number out ("A need …"), its plural may not."""
    changed = []
    for entry in polib.pofile(str(catalogue_path(language))).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, entry.msgstr_plural[1])]
            pairs += (
                [(entry.msgid, entry.msgstr_plural[0])] if "%(counter)s" in entry.msgstr_plural[0] else []
            )
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, translated in pairs:
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(translated)):
                changed.append((english, translated))
    assert not changed, f"placeholders or markup differ: {changed}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_says_what_the_po_file_says(language):
    with catalogue_path(language).with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = []
    for entry in polib.pofile(str(catalogue_path(language))).translated_entries():
        if entry.msgid_plural and entry.msgctxt:
            found = [
                translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)
            ]
            wanted = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        elif entry.msgid_plural:
            found = [translations.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            wanted = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        else:
            found = (
                translations.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else translations.gettext(entry.msgid)
            )
            wanted = entry.msgstr
        if found != wanted:
            stale.append(entry.msgid)
    assert not stale, f"{language} django.mo is out of date (run `make messages`): {stale[:5]}"


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
    for language in TRANSLATED:
        catalogue = catalogue_path(language)
        collected = {
            key(entry) for entry in polib.pofile(str(tmp_path / catalogue.relative_to(settings.BASE_DIR)))
        }
        committed = {key(entry) for entry in polib.pofile(str(catalogue))}
        missing, gone = collected - committed, committed - collected
        assert not missing, f"marked for translation but not in the {language} catalogue: {missing}"
        assert not gone, f"in the {language} catalogue but no longer in the code: {gone}"


def _visible_text(page_html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _english_phrases(language: str = "nl") -> list[str]:
    """Interface texts of two words or more whose translation differs, with placeholders and markup left
    out."""
    phrases = set()
    for entry in polib.pofile(str(catalogue_path(language))).translated_entries():
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid):
                part = part.strip(" .,:;“”()·")
                if len(part.split()) >= 2 and part not in (
                    entry.msgstr or "".join(entry.msgstr_plural.values())
                ):
                    phrases.add(part)
    return sorted(phrases)


def neutral_map() -> None:
    """A small map whose own text is not English, so that English on a translated page is the interface's."""
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
@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_interface_text_shows_on_any_page_in_another_language(client, language):
    neutral_map()
    phrases = _english_phrases(language)
    assert len(phrases) > 200
    found = {}
    for page in public_pages():
        if not page.translated:
            continue
        path = page.path_in(language)
        response = client.post(path, {}) if page.sent_empty else client.get(path)
        text = _visible_text(response.content.decode())
        english = [phrase for phrase in phrases if phrase in text]
        if english:
            found[path] = english
    assert not found, f"English on {language} pages: {found}"


@pytest.mark.django_db
def test_the_english_text_check_finds_english(client):
    """The check above would pass without looking: the English pages must be full of its phrases."""
    neutral_map()
    text = _visible_text(client.get("/products/").content.decode())
    assert sum(phrase in text for phrase in _english_phrases()) > 10
