"""Published products that may help with a need: ranked by shared themes and text match."""

import pytest
from django.db import connection

from inventory.models import KnowledgeProduct
from needs.matching import keywords, suggest_products
from search.fulltext import update_search_vectors
from tests.factories import KnowledgeNeedFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def titles(products) -> list[str]:
    return [p.title for p in products]


@pytest.fixture
def governance():
    core = ThemeFactory(name="Local governance")
    return core, ThemeFactory(name="Budget monitoring", parent=core)


def test_products_sharing_more_themes_and_words_come_first(governance):
    core, budgets = governance
    gender = ThemeFactory(name="Gender")
    need = KnowledgeNeedFactory(
        title="Budget tracking by women's groups", description="Tracking district budgets.", themes=[budgets]
    )
    ProductFactory(title="Unrelated", summary="Nothing in common.")
    ProductFactory(title="Score cards", summary="Clinics.", themes=[budgets])
    ProductFactory(title="Budget tracking guide", summary="District budgets, step by step.", themes=[budgets])
    ProductFactory(title="Gender budgets", summary="Tracking budgets with women.", themes=[gender])
    assert titles(suggest_products(need)) == ["Budget tracking guide", "Gender budgets", "Score cards"]


def test_only_published_products_are_suggested(governance):
    core, budgets = governance
    need = KnowledgeNeedFactory(title="Budgets", themes=[budgets])
    for status in [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED]:
        ProductFactory(title=f"{status} budgets", status=status, published_at=None, themes=[budgets])
    ProductFactory(title="Published budgets", themes=[budgets])
    assert titles(suggest_products(need)) == ["Published budgets"]


def test_a_core_theme_finds_products_of_its_sub_themes_and_the_other_way_round(governance):
    core, budgets = governance
    ProductFactory(title="On the sub-theme", themes=[budgets])
    ProductFactory(title="On the core theme", themes=[core])
    need_on_core = KnowledgeNeedFactory(title="Zz", description="Zz", themes=[core])
    need_on_sub = KnowledgeNeedFactory(title="Zz", description="Zz", themes=[budgets])
    assert set(titles(suggest_products(need_on_core))) == {"On the sub-theme", "On the core theme"}
    assert set(titles(suggest_products(need_on_sub))) == {"On the sub-theme", "On the core theme"}


def test_at_most_the_limit_is_suggested(governance):
    core, budgets = governance
    ProductFactory.create_batch(8, themes=[budgets])
    need = KnowledgeNeedFactory(themes=[budgets])
    assert len(suggest_products(need)) == 5
    assert len(suggest_products(need, limit=2)) == 2


def test_a_need_sharing_nothing_gets_no_suggestions():
    ProductFactory(title="Forest rights", summary="Mapping forests.")
    need = KnowledgeNeedFactory(title="Radio", description="Broadcasting")
    assert list(suggest_products(need)) == []


def test_a_need_without_themes_is_matched_by_its_words():
    ProductFactory(title="Community radio for rural women")
    ProductFactory(title="Forest rights")
    need = KnowledgeNeedFactory(title="Reaching rural women with radio", description="Broadcasting")
    assert titles(suggest_products(need)) == ["Community radio for rural women"]


def test_keywords_leave_out_common_words():
    assert keywords("We need to learn about budget tracking; budget tracking with women") == [
        "budget",
        "tracking",
        "women",
    ]


def test_suggestions_take_a_fixed_number_of_queries(governance, django_assert_num_queries):
    core, budgets = governance
    ProductFactory.create_batch(10, themes=[budgets])
    need = KnowledgeNeedFactory(title="Budget tracking", themes=[budgets])
    # 1 the need's themes, 2 related themes, 3 the products with their types, 4 their partnerships
    with django_assert_num_queries(4):
        products = list(suggest_products(need))
    with django_assert_num_queries(0):
        assert all(p.product_type.name for p in products)
        assert all(p.partnerships.all() is not None for p in products)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemmed search vectors are PostgreSQL's")
def test_on_postgresql_a_filled_search_vector_matches_other_forms_of_a_word():
    product = ProductFactory(title="Tracked spending", summary="How communities monitored allocations.")
    update_search_vectors([product.pk])
    need = KnowledgeNeedFactory(title="Monitoring", description="monitoring")
    assert titles(suggest_products(need)) == ["Tracked spending"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text ranking is PostgreSQL's")
def test_on_postgresql_equal_scores_are_ranked_by_full_text_relevance():
    in_the_title = ProductFactory(title="Community radio", summary="Broadcasting for villages.")
    ProductFactory(title="Village media", summary="Broadcasting.", description="Mostly radio, some print.")
    KnowledgeProduct.objects.filter(pk=in_the_title.pk).update(
        published_at=in_the_title.published_at.replace(year=2000)
    )
    update_search_vectors()
    need = KnowledgeNeedFactory(title="Radio", description="radio")
    # The newer product would come first on publication alone; the word in the title weighs more.
    assert titles(suggest_products(need)) == ["Community radio", "Village media"]
