import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils import timezone

from inventory import services
from inventory.models import KnowledgeProduct, Organisation, Programme, Theme
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
    complete_product,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


class TestSlugs:
    def test_it_makes_a_slug_from_the_title(self):
        assert ProductFactory(title="Budget tracking: a toolkit!").slug == "budget-tracking-a-toolkit"

    def test_it_keeps_slugs_unique_when_titles_repeat(self):
        slugs = {ProductFactory(title="Lessons learned").slug for _ in range(3)}
        assert slugs == {"lessons-learned", "lessons-learned-2", "lessons-learned-3"}

    def test_it_keeps_a_slug_a_curator_chose(self):
        assert ProductFactory(title="Anything", slug="my-own-slug").slug == "my-own-slug"

    def test_a_long_title_gives_a_slug_within_the_field(self):
        product = ProductFactory(title="word " * 45)
        assert len(product.slug) <= 80
        assert len(ProductFactory(title="word " * 45).slug) <= 80

    def test_the_database_refuses_a_duplicate_slug(self):
        ProductFactory(slug="same")
        with pytest.raises(IntegrityError), transaction.atomic():
            ProductFactory(slug="same")

    def test_organisations_and_partnerships_get_slugs_too(self):
        assert OrganisationFactory(name="Women's Voice Uganda").slug == "womens-voice-uganda"
        assert PartnershipFactory(name="Count Us In").slug == "count-us-in"


class TestPublished:
    def test_published_excludes_every_other_status(self):
        shown = ProductFactory(status=Status.PUBLISHED)
        for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
            ProductFactory(status=status, published_at=None)
        assert list(KnowledgeProduct.objects.published()) == [shown]

    def test_a_core_theme_stands_for_itself_and_its_sub_themes(self):
        core = ThemeFactory(name="Environmental rights")
        sub = ThemeFactory(name="Land rights", parent=core)
        other = ThemeFactory()
        assert set(Theme.objects.filter(pk=core.pk).with_sub_themes()) == {core, sub}
        assert set(Theme.objects.filter(pk__in=[sub.pk, other.pk]).with_sub_themes()) == {sub, other}

    def test_the_tree_order_puts_each_core_theme_before_its_sub_themes(self):
        second = ThemeFactory(name="B core", position=2)
        first = ThemeFactory(name="A core", position=1)
        sub_of_second = ThemeFactory(name="A sub", parent=second)
        sub_of_first = ThemeFactory(name="Z sub", parent=first)
        assert Theme.objects.in_tree_order() == [first, sub_of_first, second, sub_of_second]


class TestStatusWorkflow:
    def test_publishing_a_submitted_nomination_dates_it(self):
        product = complete_product(status=Status.SUBMITTED)
        services.product_set_status(product=product, status=Status.PUBLISHED)
        product.refresh_from_db()
        assert product.status == Status.PUBLISHED
        assert product.published_at is not None

    def test_a_draft_cannot_be_archived(self):
        product = ProductFactory(status=Status.DRAFT, published_at=None)
        with pytest.raises(ValidationError, match="cannot become archived"):
            services.product_set_status(product=product, status=Status.ARCHIVED)
        product.refresh_from_db()
        assert product.status == Status.DRAFT

    def test_a_submitted_product_cannot_be_archived_by_editing_the_field(self):
        product = KnowledgeProduct.objects.get(
            pk=ProductFactory(status=Status.SUBMITTED, published_at=None).pk
        )
        product.status = Status.ARCHIVED
        with pytest.raises(ValidationError) as error:
            product.full_clean()
        assert "status" in error.value.message_dict

    def test_published_products_can_be_archived_and_brought_back(self):
        product = complete_product(status=Status.PUBLISHED, published_at=timezone.now())
        services.product_set_status(product=product, status=Status.ARCHIVED)
        services.product_set_status(product=product, status=Status.PUBLISHED)
        assert KnowledgeProduct.objects.published().filter(pk=product.pk).exists()

    def test_bulk_moves_report_what_they_refused(self):
        ok = ProductFactory(status=Status.SUBMITTED, published_at=None)
        refused = ProductFactory(status=Status.DRAFT, published_at=None, title="Still a draft")
        moved, reasons = services.products_set_status(products=[ok, refused], status=Status.ARCHIVED)
        assert moved == 0
        assert len(reasons) == 2
        assert any("Still a draft" in reason for reason in reasons)


class TestConstraintsInForms:
    def test_a_programme_ending_before_it_starts_is_refused_kindly(self):
        Form = modelform_factory(Programme, fields=["name", "slug", "start_year", "end_year"])
        form = Form(data={"name": "Backwards", "slug": "backwards", "start_year": 2020, "end_year": 2016})
        assert not form.is_valid()
        assert form.errors["end_year"] == ["The programme cannot end before it starts."]

    def test_the_database_refuses_a_backwards_programme_too(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Programme.objects.create(name="Backwards", start_year=2020, end_year=2016)

    def test_a_duplicate_organisation_in_one_country_is_refused_kindly(self):
        OrganisationFactory(name="Green Roots", country=country("KE"))
        Form = modelform_factory(Organisation, fields=["name", "slug", "kind", "country"])
        form = Form(
            data={"name": "Green Roots", "slug": "green-roots-2", "kind": "southern-cso", "country": "KE"}
        )
        assert not form.is_valid()
        assert "already exists" in str(form.errors)

    def test_a_theme_cannot_be_three_levels_deep(self):
        core = ThemeFactory()
        sub = ThemeFactory(parent=core)
        Form = modelform_factory(Theme, fields=["name", "slug", "parent", "position"])
        form = Form(data={"name": "Too deep", "slug": "too-deep", "parent": sub.pk, "position": 0})
        assert not form.is_valid()
        assert form.errors["parent"] == ["Choose a core theme: themes have two levels at most."]

    def test_a_year_out_of_range_is_refused_kindly(self):
        product = ProductFactory.build(year=1850, product_type=ProductFactory().product_type)
        with pytest.raises(ValidationError) as error:
            product.full_clean(exclude=["slug"])
        assert "year" in error.value.message_dict

    def test_a_partnership_name_is_unique_within_its_programme_only(self):
        dd = ProgrammeFactory(name="Dialogue and Dissent")
        pov = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
        PartnershipFactory(name="Green Alliance", programme=dd)
        assert PartnershipFactory(name="Green Alliance", programme=pov).slug == "green-alliance-2"
        with pytest.raises(IntegrityError), transaction.atomic():
            PartnershipFactory(name="Green Alliance", programme=dd)


class TestReferenceCodes:
    def test_countries_and_languages_come_from_the_iso_lists(self):
        assert country("KE").name == "Kenya"
        assert country("KE").region == "sub-saharan-africa"
        assert country("LB").region == "middle-east-north-africa"
        assert country("BO").region == "latin-america-caribbean"
        assert country("NL").region == "europe"
        from inventory.models import Country, Language

        assert Country.objects.count() >= 249
        assert Language.objects.get(code="sw").name == "Swahili"
