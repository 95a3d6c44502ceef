"""The products' admin list searches as the public site does: the catalogue's admin (inventory.admin) is
registered again here with the search package's full-text search, which the catalogue's layer cannot import.
A substring scan of every text field took 3.8 s at 100,000 products; the search documents answer in
milliseconds, and the list's own filters and order apply as before."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from pyroaring import BitMap

from core import freshness
from core.admin_counts import CountedChangeList
from inventory.admin.products import KnowledgeProductAdmin
from inventory.models import KnowledgeProduct
from search.fulltext import fts_matching, matching_rows, pg_matching, search_products, through_the_index

# On SQLite, a search of this many products or more finds the list's page by walking the list's order.
WALK_THE_ORDER_FROM = 1_000


class SearchedProductAdmin(KnowledgeProductAdmin):
    def get_search_results(self, request, queryset, search_term):
        """Full-text search over every product's text (drafts included: this is the curators' list), plus
        the nominators' details, which only staff may search, matched whole."""
        text = search_term.strip()
        if not text:
            return queryset, False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # Typing a product's name in another form's field: part of a word must find it ("budg").
            return queryset.filter(title__icontains=text), False
        if self._walks_the_order(request, text):
            sql, params = fts_matching(text)
            table = self.model._meta.db_table
            # The unary + keeps SQLite from looking the matches up by id (and sorting them all).
            found = Q(RawSQL(f'+"{table}"."id" IN ({sql})', params, output_field=BooleanField()))
            nominated = self.nominated(text)
        else:
            matching, nominated = self.matching(text)
            found = Q(pk__in=matching)
        return queryset.filter(found | Q(pk__in=nominated) if nominated else found), False

    def _walks_the_order(self, request, text: str) -> bool:
        """SQLite: whether the list's page is found by walking the list's order (its index) and keeping the
        rows that match, rather than by sorting every match: for a search of many products in the list's
        own order. A broad word's first page at 100,000 products: 80 ms sorted, 10 walked; a word of no
        product walks the whole index (15 ms) where sorting nothing is free, hence the threshold."""
        return (
            connection.vendor == "sqlite"
            and ORDER_VAR not in request.GET
            and fts_matching(text) is not None
            and len(self.searched_rows(text)) >= WALK_THE_ORDER_FROM
        )

    def searched_rows(self, text: str) -> BitMap:
        """A search's products, kept per version of the catalogue for the searches asked lately: a curator
        searching and then choosing filters, or paging, asks the same words again (a broad word's 77,000
        products took over 100 ms to read, at each showing, for the list's count)."""
        if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
            return self._read_matches(text)
        return _searches.get([self.model._meta.label_lower], text, lambda _version: self._read_matches(text))

    def _read_matches(self, text: str) -> BitMap:
        """Read unranked and in no order, as one string of ids: through the list's queryset, in its order,
        a broad word's 72,000 ids took 100 to 200 ms on SQLite (sorting them), 8 as one string."""
        return BitMap(matching_rows(text)) | BitMap(self.nominated(text))

    def matching(self, text: str) -> tuple[QuerySet, list[int]]:
        """What the curators' search for `text` finds, drafts included: the ids of the products having all
        its words (a subquery), and of those whose nominator it names whole (the nominators' details only
        staff may search). The nominated are looked up first (indexed), so that the list's queries read the
        matches alone: a condition "matches or has this nominator" made the database read every product's
        row to count them."""
        nominated = self.nominated(text)
        if connection.vendor == "postgresql":
            return pg_matching(text).values_list("product_id", flat=True), nominated
        return search_products(KnowledgeProduct.objects.all(), text).values_list("pk", flat=True), nominated

    def nominated(self, text: str) -> list[int]:
        """The products whose nominator's address or name is `text`, whole, in any case. Compared as
        UPPER(...) = UPPER(...), which the two indexes on UPPER(...) answer on both databases: `__iexact` is
        a LIKE on SQLite, which no index answers (200 ms a search at 100,000 products)."""
        asked = Upper(Value(text))
        return list(
            KnowledgeProduct.objects.filter(
                Q(Exact(Upper("nominator_email"), asked)) | Q(Exact(Upper("nominator_name"), asked))
            ).values_list("pk", flat=True)
        )

    def get_changelist(self, request, **kwargs):
        return SearchedChangeList


# The searches of the curators' list kept, the latest, per version of the catalogue.
_searches = freshness.KeptPerVersion(most=32)


class SearchedChangeList(CountedChangeList):
    def get_results(self, request):
        """A search's page and count read the matches through the full-text index (see
        search.fulltext.through_the_index); the page's products are read there too."""
        if not self._searched_on_postgresql():
            return super().get_results(request)
        with through_the_index():
            super().get_results(request)
            len(self.result_list)  # evaluated here: the queryset keeps its products for the page
        return None

    def searched_rows(self) -> BitMap:
        return self.model_admin.searched_rows(self.query.strip())

    def reading_the_list(self):
        # The filters' counts read the matches once, through the index too.
        return through_the_index() if self._searched_on_postgresql() else super().reading_the_list()

    def _searched_on_postgresql(self) -> bool:
        return bool(self.query.strip()) and connection.vendor == "postgresql"


admin.site.unregister(KnowledgeProduct)
admin.site.register(KnowledgeProduct, SearchedProductAdmin)
