"""The data version (core.freshness): the figures of the public pages are computed once per version, and any
committed change to public data moves it, whoever makes it and however."""

import os
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import sparse
from taggit.models import Tag

from core import freshness
from core.freshness import VERSION_KEY, cached, current_version
from inventory import services
from inventory.models import KnowledgeProduct, TaggedProduct
from needs import services as need_services
from search import index as facet_index
from search.fulltext import update_search_vectors, uses_full_text_search
from tests.factories import (
    KnowledgeNeedFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
    complete_product,
    curator,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
HOME = reverse("pages:home")
BROWSE = reverse("pages:product-list")
MAP = reverse("pages:map")
GAPS = reverse("pages:gaps")


def product_count(client) -> int:
    return client.get(HOME).context["counts"]["products"]


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute, calls


class TestCached:
    def test_it_computes_once_until_the_data_changes(self):
        compute, calls = counter()
        assert cached("sum", compute) == 1
        assert cached("sum", compute) == 1
        ProductFactory()
        assert cached("sum", compute) == 2
        assert len(calls) == 2

    def test_each_name_has_its_own_value(self):
        assert cached("one", lambda: "first") == "first"
        assert cached("two", lambda: "second") == "second"
        assert cached("one", lambda: "changed") == "first"

    def test_it_computes_every_time_when_caching_is_off(self, settings):
        settings.CACHE_PUBLIC_AGGREGATES = False
        values = iter([1, 2])
        assert cached("off", lambda: next(values)) == 1
        assert cached("off", lambda: next(values)) == 2

    def test_a_value_being_computed_elsewhere_is_served_from_the_previous_version(self):
        assert cached("figures", lambda: "old") == "old"
        ProductFactory()
        version = current_version()
        # Another process holds the lock for this version's computation.
        cache.add(f"public-data:en:figures:computing:{version}", 1, 60)
        assert cached("figures", lambda: "new") == "old"
        cache.delete(f"public-data:en:figures:computing:{version}")
        assert cached("figures", lambda: "new") == "new"

    def test_with_nothing_to_serve_it_waits_for_the_other_process(self, monkeypatch):
        monkeypatch.setattr(freshness, "POLL_SECONDS", 0.01)
        version = current_version()
        key = "public-data:en:slow"
        cache.add(f"{key}:computing:{version}", 1, 60)

        def other_process_finishes():
            time.sleep(0.1)
            cache.set(key, (version, "theirs"))

        threading.Thread(target=other_process_finishes).start()
        assert cached("slow", lambda: "mine") == "theirs"

    def test_when_the_other_process_gives_up_it_computes_itself(self, monkeypatch):
        monkeypatch.setattr(freshness, "POLL_SECONDS", 0.01)
        lock = f"public-data:en:abandoned:computing:{current_version()}"
        cache.add(lock, 1, 60)
        threading.Timer(0.05, cache.delete, [lock]).start()
        assert cached("abandoned", lambda: "mine") == "mine"

    def test_the_site_works_uncached_when_the_cache_is_away(self, monkeypatch, client, caplog):
        ProductFactory()

        def away(*args, **kwargs):
            raise ConnectionError("the cache is away")

        backend = caches["default"]
        for method in ("get", "get_many", "set", "add", "delete"):
            monkeypatch.setattr(backend, method, away)
        assert product_count(client) == 1
        ProductFactory()
        assert product_count(client) == 2
        assert "The cache is unusable" in caplog.text


class TestAnyChangeMovesTheVersion:
    """Tests run in a transaction: the test's own connection sees its change at once (the version's local
    part); other processes see it once it commits (TestCommittedChanges below)."""

    def test_a_plain_orm_save_shows_on_the_pages_at_once(self, client):
        product = ProductFactory(title="Water toolkit")
        assert product_count(client) == 1
        ProductFactory()
        assert product_count(client) == 2
        product.status = Status.ARCHIVED
        product.save()
        assert product_count(client) == 1

    def test_a_many_to_many_change_shows_at_once(self, client):
        theme = ThemeFactory(slug="water")
        product = ProductFactory()
        assert client.get(f"{BROWSE}?theme=water").context["page"].paginator.count == 0
        product.themes.add(theme)
        assert client.get(f"{BROWSE}?theme=water").context["page"].paginator.count == 1
        product.themes.remove(theme)
        assert client.get(f"{BROWSE}?theme=water").context["page"].paginator.count == 0

    def test_a_delete_shows_at_once(self, client):
        product = ProductFactory()
        assert product_count(client) == 1
        product.delete()
        assert product_count(client) == 0

    def test_a_bulk_update_shows_once_it_says_so(self, client):
        ProductFactory.create_batch(2)
        assert product_count(client) == 2
        KnowledgeProduct.objects.update(status=Status.ARCHIVED)
        freshness.changed(KnowledgeProduct)
        assert product_count(client) == 0

    def test_services_and_the_admin_need_no_call_of_their_own(self, client):
        product = ProductFactory()
        featured = f"{BROWSE}?featured=1"
        assert client.get(featured).context["page"].paginator.count == 0
        client.force_login(curator())
        changelist = reverse("admin:inventory_knowledgeproduct_changelist")
        response = client.post(changelist, {"action": "mark_featured", "_selected_action": [product.pk]})
        assert response.status_code == 302
        assert client.get(featured).context["page"].paginator.count == 1
        services.product_set_status(product=product, status=Status.ARCHIVED)
        assert client.get(featured).context["page"].paginator.count == 0

    def test_a_submitted_need_moves_the_version(self, need_form):
        before = current_version()
        data = need_form()
        need_services.need_submit(
            organisation_name=data["organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            title=data["title"],
            description=data["description"],
            partnership=PartnershipFactory(),
        )
        assert current_version() != before

    def test_a_change_rolled_back_leaves_the_version_as_it_was(self):
        before = current_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            ProductFactory()
            assert current_version() != before
            raise RuntimeError("rolled back")
        assert current_version() == before

    def test_changes_to_data_the_public_never_sees_do_not(self):
        before = current_version()
        curator()
        assert current_version() == before


# Committed for real: what other processes see. The flush after a transactional test deletes the reference
# data, which serialized_rollback puts back for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestCommittedChanges:
    def test_a_commit_moves_the_shared_version_once(self):
        before = cache.get(VERSION_KEY)
        with transaction.atomic():
            product = ProductFactory()
            product.themes.add(ThemeFactory())
            product.tags.add("water")
            assert cache.get(VERSION_KEY) == before  # the other processes see nothing yet
        after = cache.get(VERSION_KEY)
        assert after not in (None, before)

    def test_listeners_hear_which_rows_changed(self):
        heard = []
        freshness.on_change(heard.append)
        try:
            with transaction.atomic():
                product = ProductFactory()
                product.tags.add("water")
        finally:
            freshness._listeners.remove(heard.append)
        assert len(heard) == 1
        assert product.pk in heard[0].touched("inventory.knowledgeproduct")
        assert Tag.objects.get(name="water").pk in heard[0].linked["taggit.tag"]

    def test_a_scope_moves_only_on_changes_to_its_own_models(self, need_form, client):
        catalogue = freshness.scoped_version("catalogue")
        client.post(reverse("needs:need-new"), need_form())  # a need submitted: outside the catalogue
        assert freshness.scoped_version("catalogue") == catalogue
        with transaction.atomic():
            ProductFactory()
            # The connection that changed the catalogue sees it changed before the commit.
            assert freshness.scoped_version("catalogue") != catalogue
            assert cache.get(f"{VERSION_KEY}:catalogue") == catalogue
        assert freshness.scoped_version("catalogue") not in (catalogue, None)

    def test_a_need_without_a_partnership_leaves_the_catalogue_be(self):
        theme = ThemeFactory()
        catalogue = freshness.scoped_version("catalogue")
        version = freshness.current_version()
        KnowledgeNeedFactory(partnership=None, themes=[theme])
        assert freshness.current_version() != version  # the gaps change
        assert freshness.scoped_version("catalogue") == catalogue  # no partnership, product or theme did

    def test_migrate_moves_the_version(self):
        before = cache.get(VERSION_KEY)
        call_command("migrate", verbosity=0)
        assert cache.get(VERSION_KEY) != before

    @pytest.mark.skipif(not uses_full_text_search(), reason="stored search documents are PostgreSQL's")
    def test_search_documents_follow_a_plain_save_and_a_tag_renamed(self, client):
        product = ProductFactory(title="Budget toolkit")
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 0
        product.title = "Water toolkit"
        product.save()
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 1
        product.tags.add("drought")
        assert client.get(f"{BROWSE}?q=drought").context["page"].paginator.count == 1
        tag = Tag.objects.get(name="drought")
        tag.name = "aquifers"
        tag.save()
        assert client.get(f"{BROWSE}?q=aquifers").context["page"].paginator.count == 1
        tag.delete()
        assert not TaggedProduct.objects.exists()
        assert client.get(f"{BROWSE}?q=aquifers").context["page"].paginator.count == 0

    @pytest.mark.skipif(not uses_full_text_search(), reason="stored search documents")
    def test_a_name_created_rewrites_no_document_and_one_renamed_rewrites_those_that_carry_it(
        self, monkeypatch
    ):
        from search import fulltext

        tagged = ProductFactory(tags=["drought"])
        other = ProductFactory()
        written = []
        monkeypatch.setattr(fulltext, "update_search_vectors", lambda pks=None: written.append(set(pks)))
        # As the data generator and a bulk load do: names added, products linked to them in bulk (no signals),
        # and the documents written by update_search_vectors, once, not again when the names commit.
        with transaction.atomic():
            theme = ThemeFactory(name="Pastoralism")
            links = KnowledgeProduct.themes.through
            links.objects.bulk_create([links(knowledgeproduct_id=other.pk, theme_id=theme.pk)])
            Tag.objects.create(name="grazing")
        assert written == []
        with transaction.atomic():
            theme = ThemeFactory(name="Herding")
            tagged.themes.add(theme)  # linked in the same transaction: the product is touched
            tag = Tag.objects.get(name="drought")
            tag.name = "dry spells"
            tag.save()
        assert written == [{tagged.pk}]
        heard = []
        freshness.on_change(heard.append)
        try:
            with transaction.atomic():
                theme.name = "Herders"
                theme.save()
        finally:
            freshness._listeners.remove(heard.append)
        assert heard[0].existing("inventory.theme") == {theme.pk}
        assert written[-1] == {tagged.pk}

    def test_once_committed_another_process_computes_the_new_figures(self, client):
        ProductFactory(countries=["KE"])
        assert client.get(f"{BROWSE}?country=KE").context["page"].paginator.count == 1
        facet_index.forget()  # as in another process, which has no index in its memory
        ProductFactory(countries=["KE"])
        assert client.get(f"{BROWSE}?country=KE").context["page"].paginator.count == 2


class TestPagesServeCachedFigures:
    def test_the_home_page_counts_once_per_data_version(self, client, django_assert_max_num_queries):
        ProductFactory.create_batch(3, themes=[ThemeFactory()])
        assert product_count(client) == 3
        # 1 the cached figures with their version; 2 featured, 3 recent (with their partnerships and
        # countries, read in their rows); 4 programmes.
        with django_assert_max_num_queries(4):
            client.get(HOME)

    def test_browsing_with_filters_counts_nothing_in_the_database(self, client, django_assert_num_queries):
        theme = ThemeFactory(slug="water")
        ProductFactory.create_batch(30, themes=[theme], countries=["KE"])
        client.get(BROWSE)  # builds the facet index once for this data version
        # 1–2 the theme and country named in the link exist; 3 the page's products by id with their
        # partnerships and countries (read in their rows). The index, which gives the count, the facets and
        # the ids, is in this process's memory. The order of the parameters and the case of codes do not
        # matter.
        with django_assert_num_queries(3):
            response = client.get(f"{BROWSE}?country=ke&page=2&theme=water")
        assert response.context["page"].paginator.count == 30
        assert len(response.context["page"].object_list) == 6

    def test_filters_never_asked_for_before_are_counted_without_a_query_per_facet(
        self, client, django_assert_num_queries
    ):
        water, budget = ThemeFactory(slug="water"), ThemeFactory(slug="budget")
        ProductFactory.create_batch(12, themes=[water], countries=["KE"])
        ProductFactory.create_batch(5, themes=[water, budget], countries=["UG"])
        client.get(BROWSE)
        with django_assert_num_queries(3):  # as above
            response = client.get(f"{BROWSE}?theme=water&country=UG")
        assert response.context["page"].paginator.count == 5
        themes = {f.param: f for f in response.context["facets"]}["theme"]
        assert {v.value: v.count for v in themes.values} == {"water": 5, "budget": 5}
        countries = {f.param: f for f in response.context["facets"]}["country"]
        assert {v.value: v.count for v in countries.values} == {"KE": 12, "UG": 5}

    def test_the_map_and_the_gaps_are_computed_once_per_data_version(self, client, django_assert_num_queries):
        ProductFactory.create_batch(3, themes=[ThemeFactory()])
        for path in [MAP, GAPS, "/nl/map/"]:
            client.get(path)
            with django_assert_num_queries(0):  # the cached figures, from the cache (not the database)
                assert client.get(path).status_code == 200


class TestSearchesKept:
    def search_queries(self, client, *urls) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200
        # The queries for a search's matches; not those for the passages each page shows of its products.
        return [
            q["sql"]
            for q in queries.captured_queries
            if "water" in q["sql"].lower() and "snippet(" not in q["sql"] and "ts_headline" not in q["sql"]
        ]

    def test_paging_sorting_and_narrowing_a_search_ask_for_its_matches_once(self, client):
        toolkit = ProductTypeFactory(slug="toolkit")
        ProductFactory.create_batch(30, title="Water toolkit", product_type=toolkit)
        update_search_vectors()
        assert self.search_queries(client, f"{BROWSE}?q=water")  # asked (once or twice, by the database)
        more = [
            f"{BROWSE}?q=water&page=2",
            f"{BROWSE}?q=water&type=toolkit",
            f"{BROWSE}?q=water&sort=newest",
            f"{BROWSE}?q=water&sort=title",
            f"{BROWSE}?q=water&sort=oldest",
        ]
        assert self.search_queries(client, *more) == []
        assert self.search_queries(client, f"{BROWSE}?q=toolkit+water")  # other words: asked

    def test_a_change_makes_the_next_search_ask_again(self, client):
        ProductFactory(title="Water toolkit")
        update_search_vectors()
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 1
        draft = complete_product(title="Water budgets")
        update_search_vectors([draft.pk])
        services.product_set_status(product=draft, status=Status.PUBLISHED)
        assert client.get(f"{BROWSE}?q=water").context["page"].paginator.count == 2


class TestVersionsReadOncePerRequest:
    @pytest.fixture
    def reads(self, monkeypatch):
        """The cache reads made, by method and key (a read made within another, as the local memory
        cache's get_many does, is not another)."""
        made, within = [], []
        for name in ("get", "get_many"):
            method = getattr(caches["default"], name)

            def spy(key, *args, _method=method, _name=name, **kwargs):
                if not within:
                    made.append((_name, key))
                within.append(_name)
                try:
                    return _method(key, *args, **kwargs)
                finally:
                    within.pop()

            monkeypatch.setattr(caches["default"], name, spy)
        return made

    def test_the_whole_and_each_parts_version_come_in_one_read(self, reads):
        current_version(), freshness.scoped_version("catalogue")  # both in the cache
        reads.clear()
        with freshness.versions_read_once():
            whole, catalogue = current_version(), freshness.scoped_version("catalogue")
            assert (current_version(), freshness.scoped_version("catalogue")) == (whole, catalogue)
        assert [name for name, _key in reads] == ["get_many"]
        assert (whole, catalogue) == (current_version(), freshness.scoped_version("catalogue"))
        # Outside a request, each is read when asked for.
        assert [name for name, _key in reads] == ["get_many", "get", "get"]

    def test_a_change_committed_meanwhile_is_seen_at_once(self):
        with freshness.versions_read_once():
            whole, catalogue = current_version(), freshness.scoped_version("catalogue")
            ProductFactory()
            assert current_version() != whole
            assert freshness.scoped_version("catalogue") != catalogue

    def test_a_page_reads_the_versions_once(self, client, reads):
        product = ProductFactory()
        client.get(product.get_absolute_url())  # the facet index, once per data version
        reads.clear()
        client.get(product.get_absolute_url())
        # Its ETag (the catalogue's version) and the facet index (the whole's): one read.
        assert reads == [("get_many", [VERSION_KEY, f"{VERSION_KEY}:catalogue"])], reads


class TestLargeValuesAreKeptInParts:
    """A value kept for a data version is stored in parts, its arrays as they lie in memory, and put together
    again in one buffer per array: read back, it is in memory about once, not four times over."""

    @pytest.fixture
    def small_parts(self, monkeypatch):
        monkeypatch.setattr(freshness, "PART_BYTES", 1000)

    def parts_kept(self, name: str, version: str) -> list[str]:
        key = freshness._key(name, per_language=False)
        return [k for k in freshness._Parts((10**9,)).keys(key, version) if cache.get(k) is not None]

    def test_the_label_names_the_version_of_the_value_beside_it(self):
        assert freshness.kept_version("large") is None
        version = current_version()
        freshness.cached_at("large", lambda: "value", version=version)
        assert freshness.kept_version("large") == version
        assert freshness.peek("large", version=version) == ("value", True)

    def test_a_value_read_back_from_its_parts_is_the_value(self, small_parts):
        value = {"scores": np.arange(5000, dtype=np.float32), "names": ["a", "b"], "matrix": sparse.eye(300)}
        version = current_version()
        freshness.cached_at("large", lambda: value, version=version)
        assert len(self.parts_kept("large", version)) > 20  # 20 kB of scores alone, in parts of 1,000 bytes
        found, is_current = freshness.peek("large", version=version)
        assert is_current and found["names"] == ["a", "b"]
        assert (
            np.array_equal(found["scores"], value["scores"]) and (found["matrix"] != value["matrix"]).nnz == 0
        )
        with pytest.raises(ValueError, match="read-only"):
            found["scores"][0] = 7  # shared with the machine's other processes: nobody writes into it

    def test_a_new_versions_value_drops_the_parts_of_the_one_before(self, small_parts):
        freshness.cached_at("large", lambda: np.zeros(3000), version="first")
        assert self.parts_kept("large", "first")
        freshness.cached_at("large", lambda: np.ones(3000), version="second")
        assert self.parts_kept("large", "first") == [] and self.parts_kept("large", "second")
        assert freshness.peek("large", version="second")[0].sum() == 3000

    def test_a_part_gone_is_no_value_rather_than_a_broken_one(self, small_parts):
        version = current_version()
        freshness.cached_at("large", lambda: np.arange(3000), version=version)
        cache.delete(self.parts_kept("large", version)[5])
        assert freshness.peek("large", version=version) == (None, False)
        computed = freshness.cached_at("large", lambda: np.arange(4), version=version)[0]
        assert computed.tolist() == [0, 1, 2, 3]  # computed again, and kept whole again
        assert freshness.peek("large", version=version)[0].tolist() == [0, 1, 2, 3]

    def test_reading_a_large_value_from_the_database_cache_holds_it_about_once(self, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "knowledgemap_cache",
            }
        }
        size = 40 * 2**20
        version = current_version()
        freshness.cached_at("large", lambda: np.ones(size // 8), version=version)
        tracemalloc.start()
        try:
            found, _ = freshness.peek("large", version=version)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert found.nbytes == size
        # In one piece: the base64 text, its bytes, the pickle and the array, 4.3 times the array at the peak.
        # In parts: the array, and a part's base64 text, bytes and pickle for a moment (four times its size).
        assert peak < size + 5 * freshness.PART_BYTES


class TestTheArraysOfALargeValueAreSharedByAMachinesProcesses:
    """The first process to read a value's version writes its arrays to a file of the machine's; every process
    maps that file rather than holding a copy of them."""

    def arrays_files(self, settings) -> list[Path]:
        return sorted(Path(settings.SHARED_ARRAYS_DIR).glob("*.arrays"))

    def test_a_process_reading_the_value_maps_the_file_the_first_wrote(self, settings, monkeypatch):
        value = {"scores": np.arange(300_000, dtype=np.float32), "names": ["a", "b"]}
        version = current_version()
        freshness.cached_at("large", lambda: value, version=version)
        first, _ = freshness.peek("large", version=version)  # the first process to read it writes the file
        [written] = self.arrays_files(settings)
        assert written.stat().st_size >= value["scores"].nbytes
        # Another process reads no array from the cache's parts: only the pickle's head.
        reads = []
        real_call = freshness._cache_call

        def call(method, *args, **kwargs):
            reads.append(args)
            return real_call(method, *args, **kwargs)

        monkeypatch.setattr(freshness, "_cache_call", call)
        second, is_current = freshness.peek("large", version=version)
        assert is_current and second["names"] == ["a", "b"]
        assert np.array_equal(second["scores"], value["scores"])
        assert len(reads) == 2  # what stands for the value, and its pickle's one part
        # Both read the same pages of the machine's memory, which nobody may write into.
        assert not second["scores"].flags.writeable
        mapped = Path("/proc/self/maps").read_text()
        assert str(written) in mapped

    def test_a_new_versions_file_replaces_the_one_before(self, settings):
        freshness.cached_at("large", lambda: np.zeros(3000), version="first")
        freshness.peek("large", version="first")
        [first] = self.arrays_files(settings)
        freshness.cached_at("large", lambda: np.ones(3000), version="second")
        assert freshness.peek("large", version="second")[0].sum() == 3000
        [second] = self.arrays_files(settings)
        assert second != first

    def test_a_file_of_the_wrong_size_is_not_used(self, settings):
        version = current_version()
        freshness.cached_at("large", lambda: np.arange(3000), version=version)
        freshness.peek("large", version=version)
        [written] = self.arrays_files(settings)
        written.write_bytes(b"\0" * 10)  # cut short (a full disk, say)
        assert freshness.peek("large", version=version)[0].tolist() == list(range(3000))

    def test_without_a_folder_each_process_keeps_its_own_copy(self, settings):
        settings.SHARED_ARRAYS_DIR = ""
        version = current_version()
        freshness.cached_at("large", lambda: np.arange(3000), version=version)
        found, _ = freshness.peek("large", version=version)
        assert found.tolist() == list(range(3000))
        found[0] = 7  # its own

    def test_a_folder_of_another_user_is_not_trusted(self, settings, tmp_path, monkeypatch):
        settings.SHARED_ARRAYS_DIR = str(tmp_path)
        uid = os.getuid()
        monkeypatch.setattr(freshness.os, "getuid", lambda: uid + 1)
        version = current_version()
        freshness.cached_at("large", lambda: np.arange(3000), version=version)
        assert freshness.peek("large", version=version)[0].tolist() == list(range(3000))
        assert list(tmp_path.glob("*.arrays")) == []
