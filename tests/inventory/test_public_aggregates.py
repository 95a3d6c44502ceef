"""Counts of the public pages kept in the shared cache (inventory.cache): computed once per data version,
stale as soon as a curator, a service or a submitter changes the data they count."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory import services, warmup
from inventory.cache import VERSION_KEY, cached_aggregate, invalidate_public_aggregates
from inventory.models import KnowledgeProduct
from inventory.search import update_search_vectors
from needs import services as need_services
from tests.factories import PartnershipFactory, ProductFactory, ProductTypeFactory, ThemeFactory, curator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached_public_aggregates")]
Status = KnowledgeProduct.Status
HOME = reverse("inventory:home")
BROWSE = reverse("inventory:product-list")
MAP = reverse("inventory:map")
GAPS = reverse("needs:gaps")


def product_count(client) -> int:
    return client.get(HOME).context["counts"]["products"]


class TestCachedAggregate:
    def test_it_computes_once_until_the_data_changes(self):
        calls = []

        def compute():
            calls.append(1)
            return len(calls)

        assert cached_aggregate("sum", compute) == 1
        assert cached_aggregate("sum", compute) == 1
        invalidate_public_aggregates()
        assert cached_aggregate("sum", compute) == 2
        assert len(calls) == 2

    def test_each_name_has_its_own_value(self):
        assert cached_aggregate("one", lambda: "first") == "first"
        assert cached_aggregate("two", lambda: "second") == "second"
        assert cached_aggregate("one", lambda: "changed") == "first"

    def test_invalidating_makes_a_new_version(self):
        invalidate_public_aggregates()
        before = cache.get(VERSION_KEY)
        invalidate_public_aggregates()
        assert cache.get(VERSION_KEY) not in (None, before)

    def test_it_computes_every_time_when_caching_is_off(self, settings):
        settings.CACHE_PUBLIC_AGGREGATES = False
        values = iter([1, 2])
        assert cached_aggregate("off", lambda: next(values)) == 1
        assert cached_aggregate("off", lambda: next(values)) == 2


class TestPagesServeCachedCounts:
    def test_the_home_page_counts_once_per_data_version(self, client, django_assert_max_num_queries):
        ProductFactory.create_batch(3, themes=[ThemeFactory()])
        assert product_count(client) == 3
        # 1 the cached figures with their version; 2 featured, 3 their partnerships; 4 recent,
        # 5 their partnerships; 6 programmes.
        with django_assert_max_num_queries(6):
            client.get(HOME)

    def test_browsing_with_filters_counts_nothing_in_the_database(self, client, django_assert_num_queries):
        theme = ThemeFactory(slug="water")
        ProductFactory.create_batch(30, themes=[theme], countries=["KE"])
        client.get(BROWSE)  # builds the facet index once for this data version
        # 1–2 the theme and country named in the link exist; 3 the data version (the facet index, which
        # gives the count, the facets and the ids on the page, is in this process's memory); 4 the page's
        # products by id, 5 their partnerships. The order of the parameters and the case of codes do not
        # matter.
        with django_assert_num_queries(5):
            response = client.get(f"{BROWSE}?country=ke&page=2&theme=water")
        assert response.context["page"].paginator.count == 30
        assert len(response.context["page"].object_list) == 6

    def test_an_order_the_index_does_not_keep_is_the_databases(self, client, django_assert_num_queries):
        ProductFactory.create_batch(30, countries=["KE"])
        client.get(f"{BROWSE}?country=KE")
        # 1 the country exists; 2 the data version; 3 the page of products by title, 4 their partnerships.
        with django_assert_num_queries(4):
            response = client.get(f"{BROWSE}?country=KE&sort=title&page=2")
        assert len(response.context["page"].object_list) == 6

    def test_filters_never_asked_for_before_are_counted_without_a_query_per_facet(
        self, client, django_assert_num_queries
    ):
        water, budget = ThemeFactory(slug="water"), ThemeFactory(slug="budget")
        ProductFactory.create_batch(12, themes=[water], countries=["KE"])
        ProductFactory.create_batch(5, themes=[water, budget], countries=["UG"])
        client.get(BROWSE)  # builds the facet index once for this data version
        # 1–2 the theme and country exist; 3 the data version; 4 the page, 5 their partnerships. Nothing
        # counts in the database.
        with django_assert_num_queries(5):
            response = client.get(f"{BROWSE}?theme=water&country=UG")
        assert response.context["page"].paginator.count == 5
        themes = {f.param: f for f in response.context["facets"]}["theme"]
        assert {v.value: v.count for v in themes.values} == {"water": 5, "budget": 5}
        countries = {f.param: f for f in response.context["facets"]}["country"]
        assert {v.value: v.count for v in countries.values} == {"KE": 12, "UG": 5}

    def test_a_new_version_builds_the_facet_index_again(self, client):
        ProductFactory.create_batch(2, countries=["KE"])
        assert client.get(f"{BROWSE}?country=KE").context["page"].paginator.count == 2
        draft = ProductFactory(status=Status.DRAFT, published_at=None, countries=["KE"])
        services.product_set_status(product=draft, status=Status.PUBLISHED)
        response = client.get(f"{BROWSE}?country=KE")
        assert response.context["page"].paginator.count == 3
        countries = {f.param: f for f in response.context["facets"]}["country"]
        assert [(v.value, v.count) for v in countries.values] == [("KE", 3)]

    def test_the_map_is_computed_once_per_data_version(self, client, django_assert_num_queries):
        ProductFactory.create_batch(3, themes=[ThemeFactory()])
        client.get(MAP)
        # 1 the cached map with its version.
        with django_assert_num_queries(1):
            client.get(MAP)


# The computation reads committed data, on its own connection; the reference data the flush after a
# transactional test deletes is put back (serialized_rollback), for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestComputedAgainAfterAChange:
    def finished(self, thread):
        assert thread is not None
        thread.join(timeout=60)
        assert not thread.is_alive()

    def test_once_the_change_commits_the_next_visitor_finds_everything_computed(
        self, settings, client, django_assert_num_queries, django_assert_max_num_queries
    ):
        settings.REBUILD_AFTER_CHANGE = True
        ProductFactory(countries=["KE"], themes=[ThemeFactory()])
        draft = ProductFactory(status=Status.DRAFT, published_at=None, countries=["KE"])
        client.get(BROWSE)
        services.product_set_status(product=draft, status=Status.PUBLISHED)  # commits at once
        self.finished(warmup._worker)
        # The browse page's own queries only (building the index takes 19).
        with django_assert_max_num_queries(6):
            response = client.get(f"{BROWSE}?country=KE")
        assert response.context["page"].paginator.count == 2
        # The map and the gaps: the cached figures with their version, in either language.
        for path in [MAP, "/nl/map/", GAPS]:
            with django_assert_num_queries(1):
                assert client.get(path).status_code == 200
        assert product_count(client) == 2

    def test_changes_in_quick_succession_make_one_computation_after_the_last(self, settings, monkeypatch):
        settings.REBUILD_AFTER_CHANGE = True
        computing, go_on, runs = threading.Event(), threading.Event(), []

        def compute_slowly():
            runs.append(1)
            computing.set()
            go_on.wait(timeout=30)

        monkeypatch.setattr(warmup, "compute_public_figures", compute_slowly)
        first = warmup.after_change()
        computing.wait(timeout=30)
        # Four more changes while the first computation runs: one more, by the same thread.
        assert {warmup.after_change() for _ in range(4)} == {first}
        go_on.set()
        self.finished(first)
        assert len(runs) == 2 and warmup._worker is None

    def test_a_failure_is_logged_and_the_next_change_tries_again(self, settings, monkeypatch, caplog):
        settings.REBUILD_AFTER_CHANGE = True

        def fail():
            raise ConnectionError("database away")

        monkeypatch.setattr(warmup, "compute_public_figures", fail)
        self.finished(warmup.after_change())
        assert "Could not compute the public figures" in caplog.text
        monkeypatch.setattr(warmup, "compute_public_figures", lambda: None)
        self.finished(warmup.after_change())

    def test_it_is_off_when_aggregates_are_not_cached(self, settings):
        settings.REBUILD_AFTER_CHANGE = True
        settings.CACHE_PUBLIC_AGGREGATES = False
        assert warmup.after_change() is None


class TestSearchesKept:
    def search_queries(self, client, *urls) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200
        return [q["sql"] for q in queries.captured_queries if "water" in q["sql"].lower()]

    def test_paging_and_narrowing_a_search_ask_for_its_matches_once(self, client):
        toolkit = ProductTypeFactory(slug="toolkit")
        ProductFactory.create_batch(30, title="Water toolkit", product_type=toolkit)
        update_search_vectors()
        assert len(self.search_queries(client, f"{BROWSE}?q=water")) == 1
        more = [f"{BROWSE}?q=water&page=2", f"{BROWSE}?q=water&type=toolkit", f"{BROWSE}?q=water&sort=newest"]
        assert self.search_queries(client, *more) == []
        # Sorted by title, the page comes from the database (the index keeps no such order), its counts not.
        assert len(self.search_queries(client, f"{BROWSE}?q=water&sort=title")) == 1
        assert len(self.search_queries(client, f"{BROWSE}?q=toolkit+water")) == 1  # other words: asked

    def test_a_change_makes_the_next_search_ask_again(self, client):
        ProductFactory(title="Water toolkit")
        update_search_vectors()
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 1
        draft = ProductFactory(title="Water budgets", status=Status.DRAFT, published_at=None)
        update_search_vectors([draft.pk])
        services.product_set_status(product=draft, status=Status.PUBLISHED)
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 2


class TestWritesMakeTheCountsStale:
    def test_publishing_through_the_service_shows_at_once(self, client):
        ProductFactory()
        draft = ProductFactory(status=Status.DRAFT, published_at=None)
        assert product_count(client) == 1
        services.product_set_status(product=draft, status=Status.PUBLISHED)
        assert product_count(client) == 2

    def test_archiving_through_the_service_shows_at_once(self, client):
        product = ProductFactory()
        assert product_count(client) == 1
        services.product_set_status(product=product, status=Status.ARCHIVED)
        assert product_count(client) == 0

    def test_without_a_service_the_cached_count_stays(self, client):
        # What the timeout is for: writes outside the services and the admin (a shell, SQL).
        ProductFactory()
        assert product_count(client) == 1
        ProductFactory()
        assert product_count(client) == 1

    def test_recomputing_search_vectors_makes_searches_count_again(self, client):
        product = ProductFactory(title="Water toolkit")
        update_search_vectors()
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 1
        KnowledgeProduct.objects.filter(pk=product.pk).update(title="Budget toolkit")
        update_search_vectors([product.pk])
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 0

    def test_an_admin_action_shows_at_once(self, client):
        product = ProductFactory()
        featured = f"{BROWSE}?featured=1"
        assert client.get(featured).context["page"].paginator.count == 0
        client.force_login(curator())
        changelist = reverse("admin:inventory_knowledgeproduct_changelist")
        response = client.post(changelist, {"action": "mark_featured", "_selected_action": [product.pk]})
        assert response.status_code == 302
        assert client.get(featured).context["page"].paginator.count == 1

    def test_an_admin_delete_shows_at_once(self, client):
        product = ProductFactory()
        assert product_count(client) == 1
        client.force_login(curator())
        delete = reverse("admin:inventory_knowledgeproduct_delete", args=[product.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        assert product_count(client) == 0

    def test_a_submitted_need_makes_the_counts_stale(self, need_form):
        invalidate_public_aggregates()
        before = cache.get(VERSION_KEY)
        data = need_form()
        need_services.need_submit(
            organisation_name=data["organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            title=data["title"],
            description=data["description"],
            partnership=PartnershipFactory(),
        )
        assert cache.get(VERSION_KEY) != before


def test_a_write_goes_through_when_the_cache_cannot_be_written(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("the cache is away")

    monkeypatch.setattr(cache, "set", broken)
    product = ProductFactory(status=Status.DRAFT, published_at=None)
    services.product_set_status(product=product, status=Status.PUBLISHED)
    assert KnowledgeProduct.objects.published().count() == 1
    assert "Could not mark the cached public figures stale" in caplog.text
