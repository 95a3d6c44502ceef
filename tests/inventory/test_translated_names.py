"""Curators' names in every language: themes, product types, programmes and learning formats carry a name
per language of the site, fall back to English, and are shown, filtered, searched and exported in the
page's language, with their slugs unchanged."""

import csv
import io

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.translations import translations_form
from inventory.models import Collection, CollectionItem, Theme
from needs.models import LearningFormat
from tests.factories import (
    LearningActivityFactory,
    MembershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gender():
    return ThemeFactory(
        name="Gender equality",
        slug="gender-equality",
        translations={"nl": {"name": "Gendergelijkheid", "description": "Over gelijkheid."}},
    )


@pytest.fixture
def product(gender):
    product_type = ProductTypeFactory(
        name="Research report", translations={"nl": {"name": "Onderzoeksrapport"}}
    )
    product = ProductFactory(title="Counting voices", product_type=product_type, themes=[gender])
    product.partnerships.add(MembershipFactory().partnership)
    return product


def test_a_name_falls_back_to_english_where_it_has_no_translation(gender):
    untranslated = ThemeFactory(name="Civic space")
    with translation.override("nl"):
        assert gender.display_name == "Gendergelijkheid"
        assert untranslated.display_name == "Civic space"
        assert gender.display_description == "Over gelijkheid."
    with translation.override("en"):
        assert gender.display_name == "Gender equality"


def test_a_language_added_to_the_settings_is_offered_and_shown_without_more_code(gender):
    with override_settings(LANGUAGES=[("en", "English"), ("nl", "Nederlands"), ("es", "Español")]):
        form = translations_form(Theme)(
            instance=gender,
            data={"name": "Gender equality", "slug": "gender-equality", "position": 0, "name_es": "Igualdad"},
        )
        assert "name_es" in form.fields and "description_es" in form.fields
        assert form.fields["name_es"].label == "Name (Español)"
        assert form.is_valid(), form.errors
        form.save()
        gender.refresh_from_db()
        assert gender.translations == {"es": {"name": "Igualdad"}}
        with translation.override("es"):
            assert gender.display_name == "Igualdad"
    assert gender.slug == "gender-equality"


class TestPublicPages:
    def test_the_browse_facet_names_the_theme_in_the_pages_language_and_filters_by_the_same_slug(
        self, client, product
    ):
        dutch = client.get("/nl/products/?theme=gender-equality")
        assert dutch.status_code == 200
        theme_facet = next(f for f in dutch.context["facets"] if f.param == "theme")
        assert [v.label for v in theme_facet.values] == ["Gendergelijkheid"]
        assert [p.title for p in dutch.context["page"].object_list] == ["Counting voices"]
        assert "Onderzoeksrapport" in dutch.content.decode()
        english = client.get("/products/?theme=gender-equality")
        assert [v.label for v in next(f for f in english.context["facets"] if f.param == "theme").values] == [
            "Gender equality"
        ]
        assert "Gendergelijkheid" not in english.content.decode()

    def test_the_removable_filter_is_named_in_the_pages_language(self, client, product):
        page = client.get("/nl/products/?theme=gender-equality").content.decode()
        assert "Gendergelijkheid" in page

    def test_a_product_page_names_its_theme_and_type_in_the_pages_language(self, client, product):
        page = client.get(f"/nl{product.get_absolute_url()}").content.decode()
        assert "Gendergelijkheid" in page and "Onderzoeksrapport" in page
        assert "Gender equality" not in page

    def test_a_search_finds_the_products_of_a_theme_named_in_any_language(self, client, product):
        ProductFactory(title="Something else")
        for path in (
            "/nl/products/?q=gendergelijkheid",
            "/products/?q=Gendergelijkheid",
            "/products/?q=gender",
        ):
            response = client.get(path)
            assert [p.title for p in response.context["page"].object_list] == ["Counting voices"], path

    def test_the_csv_export_names_themes_and_types_in_the_pages_language(self, client, product):
        def rows(path):
            response = client.get(path)
            assert response.status_code == 200
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            return list(csv.DictReader(io.StringIO(text)))

        [dutch] = rows("/nl/products/export.csv")
        [english] = rows("/products/export.csv")
        assert dutch["themes"] == "Gendergelijkheid" and dutch["type"] == "Onderzoeksrapport"
        assert english["themes"] == "Gender equality" and english["type"] == "Research report"

    def test_the_map_names_its_columns_in_each_pages_language_from_one_cached_map(self, client, product):
        assert "Onderzoeksrapport" in client.get("/nl/map/").content.decode()
        english = client.get("/map/").content.decode()
        assert "Research report" in english and "Onderzoeksrapport" not in english
        assert "Afrika" not in client.get("/map/?across=region").content.decode()

    def test_the_need_form_offers_themes_and_formats_in_the_pages_language(self, client, gender):
        webinar = LearningFormat.objects.get(slug="webinar")
        webinar.translations = {"nl": {"name": "Online sessie"}}
        webinar.save()
        page = client.get("/nl/needs/new/").content.decode()
        assert "Gendergelijkheid" in page and "Online sessie" in page

    def test_an_activity_names_its_format_and_themes_in_the_pages_language(self, client, gender):
        activity = LearningActivityFactory(themes=[gender])
        activity.learning_format.translations = {"nl": {"name": "Uitwisseling"}}
        activity.learning_format.save()
        page = client.get(f"/nl{activity.get_absolute_url()}").content.decode()
        assert "Uitwisseling" in page and "Gendergelijkheid" in page

    def test_a_theme_page_and_its_collections_name_the_themes_and_formats_in_the_pages_language(
        self, client, product, gender
    ):
        ThemeFactory(
            name="Women's rights",
            slug="womens-rights",
            parent=gender,
            translations={"nl": {"name": "Vrouwenrechten"}},
        )
        activity = LearningActivityFactory(themes=[gender])
        activity.learning_format.translations = {"nl": {"name": "Uitwisseling"}}
        activity.learning_format.save()
        collection = Collection.objects.create(
            title="Start here", introduction="Read these first.", theme=gender, is_public=True
        )
        CollectionItem.objects.create(collection=collection, product=product, position=0)
        theme_page = client.get("/nl/themes/gender-equality/").content.decode()
        for dutch in ("Gendergelijkheid", "Over gelijkheid.", "Vrouwenrechten", "Uitwisseling"):
            assert dutch in theme_page, dutch
        assert "Gender equality" not in theme_page and "Women's rights" not in theme_page
        for path in ("/nl/themes/womens-rights/", f"/nl/collections/{collection.slug}/", "/nl/collections/"):
            page = client.get(path).content.decode()
            assert "Gendergelijkheid" in page and "Gender equality" not in page, path
        assert "Gender equality" in client.get("/themes/gender-equality/").content.decode()


def test_a_curator_translates_a_theme_in_the_admin(curator_client, gender):
    url = reverse("admin:inventory_theme_change", args=[gender.pk])
    form = curator_client.get(url).content.decode()
    assert 'name="name_nl"' in form and 'value="Gendergelijkheid"' in form
    response = curator_client.post(
        url,
        {
            "name": "Gender equality",
            "slug": "gender-equality",
            "position": 0,
            "name_nl": "Gelijkheid van gender",
            "description_nl": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    gender.refresh_from_db()
    assert gender.translations == {"nl": {"name": "Gelijkheid van gender"}}
    assert gender.slug == "gender-equality"


def test_the_reference_data_names_every_theme_type_and_format_in_every_language():
    from django.core.management import call_command

    from core.translations import other_languages
    from inventory.models import ProductType, Programme

    call_command("loaddata", "fixtures/reference.json", verbosity=0)
    codes = [code for code, _name in other_languages()]
    assert set(codes) == {"nl", "fr", "es"}
    for code in codes:
        for model in (Theme, ProductType, LearningFormat):
            missing = [
                row.name
                for row in model.objects.all()
                if not all((row.translations.get(code) or {}).get(field) for field in ("name", "description"))
            ]
            assert missing == [], (code, model.__name__)
        assert all((p.translations.get(code) or {}).get("description") for p in Programme.objects.all()), code
    # Each language's names are its own, not the English copied.
    civic_space = Theme.objects.get(slug="civic-space")
    assert [civic_space.translated("name", code) for code in ("en", "nl", "fr", "es")] == [
        "Civic space",
        "Maatschappelijke ruimte",
        "Espace civique",
        "Espacio cívico",
    ]


def test_a_database_loaded_before_french_and_spanish_gets_them_and_keeps_a_curators_text():
    """The data migration fills in what an older copy of the reference data lacked, and nothing more."""
    import importlib

    from django.apps import apps

    from inventory.models import ProductType

    add_names = importlib.import_module("inventory.migrations.0016_french_and_spanish_names").add_names
    add_format_names = importlib.import_module("needs.migrations.0015_learning_format_names_fr_es").add_names
    civic_space = Theme.objects.create(
        name="Civic space", slug="civic-space", translations={"nl": {"name": "Maatschappelijke ruimte"}}
    )
    toolkit = ProductType.objects.create(
        name="Toolkit", slug="toolkit", translations={"es": {"name": "Kit de herramientas"}}
    )
    own = Theme.objects.create(name="Youth", slug="youth")
    webinar, _created = LearningFormat.objects.get_or_create(slug="webinar", defaults={"name": "Webinar"})
    webinar.translations = {"fr": {"name": "Séance en ligne"}}
    webinar.save()

    add_names(apps, None)
    add_format_names(apps, None)

    civic_space.refresh_from_db(), toolkit.refresh_from_db(), own.refresh_from_db(), webinar.refresh_from_db()
    assert civic_space.translations["nl"] == {"name": "Maatschappelijke ruimte"}
    assert civic_space.translations["fr"]["name"] == "Espace civique"
    assert civic_space.translations["es"]["name"] == "Espacio cívico"
    assert toolkit.translations["es"] == {"name": "Kit de herramientas"}  # the curator's own
    assert toolkit.translations["fr"]["name"] == "Boîte à outils"
    assert own.translations == {}
    assert webinar.translations["fr"] == {"name": "Séance en ligne"}
    assert webinar.translations["es"]["name"] == "Seminario web"


def test_the_api_gives_each_theme_and_type_its_name_in_every_language(client, product, gender):
    [theme] = client.get("/api/themes/").json()["results"]
    # Every language of the site, English where no translation was written.
    expected = {code: "Gender equality" for code, _name in settings.LANGUAGES} | {"nl": "Gendergelijkheid"}
    assert theme["names"] == expected
    [product_type] = client.get("/api/product-types/").json()["results"]
    assert product_type["name"] == "Research report"
    assert (
        product_type["names"]["nl"] == "Onderzoeksrapport"
        and product_type["names"]["en"] == "Research report"
    )
