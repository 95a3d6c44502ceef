"""The products' admin list searches as the public site does: the catalogue's admin (inventory.admin) is
registered again here with the search package's full-text search, which the catalogue's layer cannot import.
A substring scan of every text field took 3.8 s at 100,000 products; the search documents answer in
milliseconds, and the list's own filters and order apply as before."""

from django.contrib import admin
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from inventory.admin.products import KnowledgeProductAdmin
from inventory.models import KnowledgeProduct
from search.fulltext import pg_matching_ids, search_products


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
        private = Q(nominator_email__iexact=text) | Q(nominator_name__iexact=text)
        if connection.vendor == "postgresql":
            # The matches read once, not in each of the list's queries (its page, its count): a broad word
            # matches most of 100,000 products, and each reading of their vectors cost about 0.3 s.
            found = pg_matching_ids(text)
            among = RawSQL(
                f'"{KnowledgeProduct._meta.db_table}"."id" IN (SELECT unnest(%s::bigint[]))',
                [found],
                output_field=BooleanField(),
            )
            return queryset.filter(Q(among) | private), False
        found = search_products(KnowledgeProduct.objects.all(), text).values("pk")
        return queryset.filter(Q(pk__in=found) | private), False


admin.site.unregister(KnowledgeProduct)
admin.site.register(KnowledgeProduct, SearchedProductAdmin)
