"""`manage.py generate_bench_data`: fictional data at any size, skewed as a real inventory is."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from taggit.models import Tag

from inventory.models import (
    Involvement,
    KnowledgeProduct,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    TaggedProduct,
    Theme,
)
from needs.models import KnowledgeNeed
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
PRODUCTS = 400


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_bench_data", products=PRODUCTS, stdout=out, **options)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What was generated, by content: the same seed must give the same rows."""
    return list(
        KnowledgeProduct.objects.order_by("slug").values_list(
            "slug", "title", "status", "year", "featured", "product_type__slug"
        )
    ) + sorted(TaggedProduct.objects.values_list("content_object__slug", "tag__name"))


def remove_everything_generated():
    """Back to an empty database, reference data included (the command loads it into an empty one)."""
    for model in [KnowledgeNeed, KnowledgeProduct, Partnership, Organisation, Stakeholder, Tag]:
        model.objects.all().delete()
    Theme.objects.exclude(parent=None).delete()
    for model in [Theme, ProductType, Programme]:
        model.objects.all().delete()


class TestWhatItMakes:
    @pytest.fixture(autouse=True)
    def generated(self):
        self.output = generate()

    def test_it_makes_the_products_asked_for_and_about_one_in_ten_unpublished(self):
        assert KnowledgeProduct.objects.count() == PRODUCTS
        unpublished = KnowledgeProduct.objects.exclude(status=Status.PUBLISHED).count()
        assert 0.05 * PRODUCTS < unpublished < 0.15 * PRODUCTS
        assert f"Generated {PRODUCTS:,} products in" in self.output

    def test_it_makes_one_need_per_twenty_products_with_themes_and_formats(self):
        assert KnowledgeNeed.objects.count() == PRODUCTS // 20
        assert KnowledgeNeed.objects.filter(themes__isnull=False).distinct().count() > PRODUCTS // 40
        assert (
            KnowledgeNeed.objects.filter(learning_formats__isnull=False).distinct().count() > PRODUCTS // 40
        )
        references = list(KnowledgeNeed.objects.values_list("reference", flat=True))
        assert all(references) and len(set(references)) == len(references)

    def test_themes_tags_and_countries_are_skewed_towards_a_few(self):
        for relation in ("themes", "tags", "countries"):
            counts = sorted(
                Counter(KnowledgeProduct.objects.values_list(f"{relation}__pk", flat=True)).values(),
                reverse=True,
            )
            median = counts[len(counts) // 2]
            assert counts[0] >= 4 * median, relation

    def test_products_link_to_everything_the_facets_count(self):
        for relation in ("themes", "partnerships", "organisations", "countries", "languages"):
            assert KnowledgeProduct.objects.filter(**{f"{relation}__isnull": False}).exists(), relation
        assert Involvement.objects.exists()
        assert TaggedProduct.objects.exists()
        assert Partnership.objects.filter(memberships__isnull=False).exists()

    def test_the_rows_are_valid_models(self):
        for product in KnowledgeProduct.objects.order_by("?")[:20]:
            product.full_clean()
        for need in KnowledgeNeed.objects.order_by("?")[:5]:
            need.full_clean()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="stored search vectors are PostgreSQL's")
    def test_every_product_can_be_found_by_full_text_search(self):
        assert not KnowledgeProduct.objects.filter(search_document=None).exists()


def test_the_same_seed_gives_the_same_data():
    generate(seed=7)
    first = snapshot()
    remove_everything_generated()
    generate(seed=7)
    assert snapshot() == first
    remove_everything_generated()
    generate(seed=8)
    assert snapshot() != first


def test_it_refuses_a_database_that_has_products():
    ProductFactory()
    with pytest.raises(CommandError, match="already has products"):
        generate()
    assert KnowledgeProduct.objects.count() == 1


def test_it_adds_to_what_is_there_when_asked():
    generate()
    generate(append=True, seed=2)
    assert KnowledgeProduct.objects.count() == 2 * PRODUCTS
    assert KnowledgeNeed.objects.count() == 2 * PRODUCTS // 20


def test_it_refuses_a_size_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_bench_data", products=0, stdout=StringIO())
