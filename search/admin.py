"""The products' admin list searches as the public site does: the catalogue's admin (inventory.admin) is
registered again here with the search package's full-text search, which the catalogue's layer cannot import.
A substring scan of every text field took 3.8 s at 100,000 products; the search documents answer in
milliseconds, and the list's own filters and order apply as before."""

from django.contrib import admin
from django.db import connection
from django.db.models import Q

from core.admin_counts import CountedChangeList
from inventory.admin.products import KnowledgeProductAdmin
from inventory.models import KnowledgeProduct
from search.fulltext import pg_matching, search_products, through_the_index


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
        # Looked up first (indexed), so that the list's queries read the matches alone: a condition "matches
        # or has this nominator" made the database read every product's row to count them.
        nominated = list(
            KnowledgeProduct.objects.filter(
                Q(nominator_email__iexact=text) | Q(nominator_name__iexact=text)
            ).values_list("pk", flat=True)
        )
        if connection.vendor == "postgresql":
            found = Q(pk__in=pg_matching(text))
        else:
            found = Q(pk__in=search_products(KnowledgeProduct.objects.all(), text).values("pk"))
        return queryset.filter(found | Q(pk__in=nominated) if nominated else found), False

    def get_changelist(self, request, **kwargs):
        return SearchedChangeList


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

    def reading_the_list(self):
        # The filters' counts read the matches once, through the index too.
        return through_the_index() if self._searched_on_postgresql() else super().reading_the_list()

    def _searched_on_postgresql(self) -> bool:
        return bool(self.query.strip()) and connection.vendor == "postgresql"


admin.site.unregister(KnowledgeProduct)
admin.site.register(KnowledgeProduct, SearchedProductAdmin)
