"""Published products that may answer a need: ranked by the rarity and place of the words they share with
it, lifted by its themes and by curators' earlier matches, never a dismissed one, each with its reasons."""

from unittest import mock

import pytest
from django.core.cache import cache

from inventory.models import KnowledgeProduct
from needs import services
from needs.matching import suggest_products
from search import relevance
from search.relevance import build_job as BUILD_JOB
from tests.factories import KnowledgeNeedFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def titles(products) -> list[str]:
    return [p.title for p in products]


@pytest.fixture
def governance():
    core = ThemeFactory(name="Local governance")
    return core, ThemeFactory(name="Budget monitoring", parent=core)


def test_products_sharing_more_of_the_needs_words_come_first(governance):
    core, budgets = governance
    need = KnowledgeNeedFactory(
        title="Budget tracking by women's groups", description="Tracking district budgets.", themes=[budgets]
    )
    ProductFactory(title="Unrelated", summary="Nothing in common.")
    ProductFactory(title="Score cards", summary="Clinics.", themes=[budgets])
    ProductFactory(title="Budget tracking guide", summary="District budgets, step by step.", themes=[budgets])
    ProductFactory(title="Gender budgets", summary="Tracking budgets with women.")
    assert titles(suggest_products(need)) == ["Budget tracking guide", "Gender budgets", "Score cards"]


def test_a_rare_word_weighs_more_than_a_common_one():
    for n in range(6):
        ProductFactory(title=f"Community report {n}", summary="What the community said.")
    ProductFactory(title="Salinity in wells", summary="Measured by villages.")
    need = KnowledgeNeedFactory(title="Community salinity", description="community community")
    assert suggest_products(need)[0].title == "Salinity in wells"


def test_words_match_whole_not_as_part_of_another_word():
    ProductFactory(title="Leadership school for women", summary="Misleading claims answered.")
    need = KnowledgeNeedFactory(title="Lead", description="lead")
    assert suggest_products(need) == []


def test_other_forms_of_a_word_match_on_every_database():
    ProductFactory(title="Budgeting with communities", summary="Monitored allocations.")
    need = KnowledgeNeedFactory(title="Budgets", description="monitoring the budget")
    assert titles(suggest_products(need)) == ["Budgeting with communities"]


def test_a_word_in_the_title_weighs_more_than_one_in_the_description():
    ProductFactory(title="Village media", summary="Broadcasting.", description="Mostly radio, some print.")
    ProductFactory(title="Community radio", summary="Broadcasting for villages.")
    need = KnowledgeNeedFactory(title="Radio", description="radio")
    assert titles(suggest_products(need)) == ["Community radio", "Village media"]


def test_a_long_wordy_product_does_not_win_on_length():
    wordy = " ".join(["Budgets, monitoring, youth, women, land, water, radio, data and much else."] * 20)
    ProductFactory(title="Everything we did", summary="A long report.", description=wordy)
    ProductFactory(title="Radio for rural women", summary="Community radio programmes by and for women.")
    need = KnowledgeNeedFactory(title="Reaching rural women with radio", description="Broadcasting")
    assert suggest_products(need)[0].title == "Radio for rural women"


def test_a_phrase_counts_as_one_term():
    ThemeFactory(name="Civic space")
    ProductFactory(title="Open space for civic groups", summary="Community halls and the civic calendar.")
    ProductFactory(title="Civic space under pressure", summary="Restrictions on organisations.")
    need = KnowledgeNeedFactory(title="Civic space", description="How to respond when civic space closes.")
    assert suggest_products(need)[0].title == "Civic space under pressure"


def test_the_thesaurus_carries_a_dutch_need_to_english_products():
    ProductFactory(title="Tracking the county budget", summary="How women's groups follow public spending.")
    ProductFactory(title="Forest rights", summary="Mapping forests.")
    need = KnowledgeNeedFactory(
        title="De gemeentebegroting volgen", description="Wij willen leren hoe bewoners de begroting volgen."
    )
    assert titles(suggest_products(need)) == ["Tracking the county budget"]


def test_themes_lift_a_product_but_do_not_outweigh_its_words(governance):
    core, budgets = governance
    ProductFactory(title="Budget tracking toolkit", summary="Budget tracking step by step.")
    ProductFactory(title="Budget hearings", summary="Public hearings.", themes=[budgets])
    ProductFactory(title="Score cards", summary="Clinics.", themes=[budgets])
    need = KnowledgeNeedFactory(title="Budget tracking", description="budget tracking", themes=[budgets])
    assert titles(suggest_products(need)) == ["Budget tracking toolkit", "Budget hearings", "Score cards"]


def test_a_sub_theme_lifts_more_than_its_core_theme(governance):
    core, budgets = governance
    ProductFactory(title="On the core theme", themes=[core])
    ProductFactory(title="On the sub-theme", themes=[budgets])
    need = KnowledgeNeedFactory(title="Zz", description="Zz", themes=[budgets])
    assert titles(suggest_products(need)) == ["On the sub-theme", "On the core theme"]


def test_a_core_theme_finds_products_of_its_sub_themes_and_the_other_way_round(governance):
    core, budgets = governance
    ProductFactory(title="On the sub-theme", themes=[budgets])
    ProductFactory(title="On the core theme", themes=[core])
    need_on_core = KnowledgeNeedFactory(title="Zz", description="Zz", themes=[core])
    need_on_sub = KnowledgeNeedFactory(title="Zz", description="Zz", themes=[budgets])
    assert set(titles(suggest_products(need_on_core))) == {"On the sub-theme", "On the core theme"}
    assert set(titles(suggest_products(need_on_sub))) == {"On the sub-theme", "On the core theme"}


def test_a_draft_is_never_suggested(governance):
    core, budgets = governance
    need = KnowledgeNeedFactory(title="Budgets", description="budget tracking", themes=[budgets])
    for status in [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED]:
        ProductFactory(title=f"{status} budget tracking", status=status, published_at=None, themes=[budgets])
    ProductFactory(title="Published budgets", themes=[budgets])
    assert titles(suggest_products(need, limit=10)) == ["Published budgets"]


def test_at_most_the_limit_is_suggested(governance):
    core, budgets = governance
    ProductFactory.create_batch(8, themes=[budgets])
    need = KnowledgeNeedFactory(themes=[budgets])
    assert len(suggest_products(need)) == 5
    assert len(suggest_products(need, limit=2)) == 2


def test_a_need_sharing_nothing_gets_no_suggestions():
    ProductFactory(title="Forest rights", summary="Mapping forests.")
    need = KnowledgeNeedFactory(title="Radio", description="Broadcasting")
    assert suggest_products(need) == []


def test_a_dismissed_product_never_comes_back_for_that_need():
    best = ProductFactory(title="Community radio for rural women")
    ProductFactory(title="Radio drama", summary="For women.")
    need = KnowledgeNeedFactory(title="Radio for rural women", description="radio")
    other = KnowledgeNeedFactory(title="Radio for rural women", description="radio")
    assert suggest_products(need)[0] == best
    services.need_dismiss_product(need=need, product=best, rank=1, score=1.0)
    assert best not in suggest_products(need, limit=10)
    assert suggest_products(other)[0] == best  # for that need only


def test_products_matched_to_a_similar_need_rise_and_say_so():
    ProductFactory(title="Coastal survey", summary="Salty ponds, measured by villages.")
    answer = ProductFactory(
        title="Village water committees", summary="Sharing the ponds and wells in dry years."
    )
    need = KnowledgeNeedFactory(title="Salty ponds", description="Our ponds and wells are salty.")
    assert titles(suggest_products(need)) == ["Coastal survey", "Village water committees"]
    earlier = KnowledgeNeedFactory(title="Salt in our ponds", description="Ponds and wells turned salty.")
    services.need_match_product(need=earlier, product=answer)
    suggestions = suggest_products(need)
    assert titles(suggestions) == ["Village water committees", "Coastal survey"]
    assert suggestions[0].reasons.similar_needs == 1
    assert "similar need" in str(suggestions[0].reasons)
    assert suggestions[1].reasons.similar_needs == 0


def test_reasons_name_the_themes_shared_and_the_words_found_with_where(governance):
    core, budgets = governance
    ProductFactory(
        title="Budget tracking guide", summary="For women's groups.", tags=["gender"], themes=[budgets]
    )
    need = KnowledgeNeedFactory(
        title="Budget tracking", description="Women's groups and gender.", themes=[budgets]
    )
    reasons = suggest_products(need)[0].reasons
    assert reasons.themes == ["Budget monitoring"]
    words = dict(reasons.words)
    assert words["budget tracking"] == ["title"]
    assert words["gender"] == ["tags"]
    assert "summary" in words["women"]


def test_reasons_name_only_public_facts():
    draft_theme = ThemeFactory(name="Only on a draft")
    ProductFactory(title="Draft on salinity", status=Status.DRAFT, published_at=None, themes=[draft_theme])
    answer = ProductFactory(title="Salinity in coastal wells", summary="Ponds and wells.")
    earlier = KnowledgeNeedFactory(
        title="Salt in our ponds",
        description="Ponds and wells turned salty near Xanadupur, says Amina.",
        contact_name="Amina Secret",
        contact_email="amina@example.org",
    )
    services.need_match_product(need=earlier, product=answer)
    need = KnowledgeNeedFactory(title="Salty ponds and wells", description="Salinity.", themes=[draft_theme])
    said = " ".join(str(product.reasons) for product in suggest_products(need))
    for private in ["Draft on salinity", "Xanadupur", "Amina", "Salt in our ponds", earlier.reference]:
        assert private not in said


def test_suggestions_take_a_fixed_number_of_queries(governance, django_assert_num_queries):
    core, budgets = governance
    products = ProductFactory.create_batch(30, title="Budget tracking", tags=["budgets"], themes=[budgets])
    for product in products[:10]:
        services.need_match_product(need=KnowledgeNeedFactory(title="Budget tracking"), product=product)
    need = KnowledgeNeedFactory(title="Budget tracking", themes=[budgets])
    services.need_dismiss_product(need=need, product=products[-1])
    suggest_products(need)  # the indexes, once per data version
    # 1 the need's themes, 2 its dismissals, 3 the similar needs' products, 4 the products with their types,
    # partnerships and countries (read in their rows), 5 their tags
    with django_assert_num_queries(5):
        suggestions = suggest_products(need, limit=10)
    with django_assert_num_queries(0):
        assert all(p.product_type.name for p in suggestions)
        assert all(p.partnerships.all() is not None for p in suggestions)
        assert all(p.reasons.words for p in suggestions)


class TestTheIndexIsBuiltByAJob:
    """After a catalogue change no request waits for the index to be rebuilt: it serves the index before and
    queues one job that builds the new one; drafts stay out meanwhile."""

    @pytest.fixture
    def queued(self, relevance_build_queued):
        return relevance_build_queued

    def test_a_request_after_a_change_serves_the_index_before_and_queues_one_build(self, governance, queued):

        core, budgets = governance
        need = KnowledgeNeedFactory(title="Budget tracking", description="Budgets.", themes=[budgets])
        ProductFactory(title="Budget tracking guide", themes=[budgets])
        assert titles(suggest_products(need)) == ["Budget tracking guide"]  # The first index: built here.
        assert queued == []

        ProductFactory(title="Budget tracking, second edition", themes=[budgets])
        for _ in range(3):
            assert titles(suggest_products(need)) == ["Budget tracking guide"]
        assert queued == ["build"]

        assert BUILD_JOB.call() == "built"
        assert titles(suggest_products(need)) == ["Budget tracking guide", "Budget tracking, second edition"]
        assert BUILD_JOB.call() == "already built"

    @pytest.fixture
    def reads(self, monkeypatch):
        """The shared cache's reads of the index itself, and of its label (the version it holds)."""
        found = {"index": 0, "label": 0}
        peek, kept_version = relevance.freshness.peek, relevance.freshness.kept_version

        def counted_peek(name, **kwargs):
            found["index"] += name == relevance.CACHE_NAME
            return peek(name, **kwargs)

        def counted_label(name):
            found["label"] += name == relevance.CACHE_NAME
            return kept_version(name)

        monkeypatch.setattr(relevance.freshness, "peek", counted_peek)
        monkeypatch.setattr(relevance.freshness, "kept_version", counted_label)
        return found

    def test_while_the_build_waits_a_request_does_not_read_the_shared_index(self, governance, queued, reads):
        """The index is hundreds of MiB at a million products: a process serving the one before reads only its
        label, once per few seconds, and never the old index again to find it is still old."""
        core, budgets = governance
        need = KnowledgeNeedFactory(title="Budget tracking", description="Budgets.", themes=[budgets])
        ProductFactory(title="Budget tracking guide", themes=[budgets])
        suggest_products(need)
        ProductFactory(title="Budget tracking, second edition", themes=[budgets])
        reads.update(index=0, label=0)
        for _ in range(5):
            assert titles(suggest_products(need)) == ["Budget tracking guide"]
        assert reads == {"index": 0, "label": 2} and queued == ["build"]  # before and after queueing

        relevance._awaited.clear()  # RECHECK_SECONDS have passed
        suggest_products(need)
        assert reads["index"] == 0 and reads["label"] > 2  # looked again: still the old one

        assert BUILD_JOB.call() == "built"
        relevance._awaited.clear()
        assert len(suggest_products(need)) == 2
        assert reads["index"] == 1  # the new index, read once, when it serves

    def test_an_index_whose_label_is_gone_still_serves_a_new_process(self, governance, queued, reads):
        """A full database cache culls entries at random: the label may go while the index stays. A process
        with no index of its own then reads the shared one rather than build it in a request."""
        core, budgets = governance
        need = KnowledgeNeedFactory(title="Budget tracking", description="Budgets.", themes=[budgets])
        ProductFactory(title="Budget tracking guide", themes=[budgets])
        suggest_products(need)
        cache.delete(relevance.freshness._label_key(relevance.freshness._key(relevance.CACHE_NAME, False)))
        relevance.forget()
        builds = []
        build = relevance.build
        with mock.patch.object(relevance, "build", lambda: builds.append(1) or build()):
            assert titles(suggest_products(need)) == ["Budget tracking guide"]
        assert builds == [] and reads["index"] >= 1

    def test_a_product_unpublished_since_the_index_was_built_is_never_suggested(self, governance, queued):
        core, budgets = governance
        need = KnowledgeNeedFactory(title="Budget tracking", description="Budgets.", themes=[budgets])
        kept = ProductFactory(title="Budget tracking guide", themes=[budgets])
        withdrawn = ProductFactory(title="Budget tracking handbook", themes=[budgets])
        assert len(suggest_products(need)) == 2
        KnowledgeProduct.objects.filter(pk=withdrawn.pk).update(status=Status.DRAFT)
        withdrawn.refresh_from_db()
        withdrawn.save()  # A change the data version hears of, as the admin's would be.
        assert titles(suggest_products(need)) == [kept.title] and queued == ["build"]

    def test_with_a_worker_that_runs_jobs_at_once_the_new_index_serves_at_once(self, governance):
        core, budgets = governance
        need = KnowledgeNeedFactory(title="Budget tracking", description="Budgets.", themes=[budgets])
        ProductFactory(title="Budget tracking guide", themes=[budgets])
        suggest_products(need)
        ProductFactory(title="Budget tracking, second edition", themes=[budgets])
        assert len(suggest_products(need)) == 2
