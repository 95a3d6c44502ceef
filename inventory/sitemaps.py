"""The sitemap's sections for the inventory: every published product, every partnership and organisation,
and the pages that are not records. knowledgemap/urls.py puts them together with the activities'."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from inventory.models import KnowledgeProduct, Organisation, Partnership

# Addresses per sitemap file. The protocol allows 50,000, but Django takes about ten seconds to write that
# many; at this size a file takes two and the index lists as many files as needed.
RECORDS_PER_FILE = 10_000


class LatestChangeCounted:
    """The index's <lastmod> for a section: its latest change, in one aggregate query. Django's default asks
    each item for its own, which read all 90,000 products at every request of the index (one second)."""

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ProductSitemap(LatestChangeCounted, Sitemap):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return KnowledgeProduct.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product: KnowledgeProduct):
        return product.updated_at


class PartnershipSitemap(Sitemap):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Partnership.objects.only("slug").order_by("pk")


class OrganisationSitemap(Sitemap):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Organisation.objects.only("slug").order_by("pk")


class PageSitemap(Sitemap):
    """The pages that are not a record: home, the lists, the map, the gaps, the open-data page."""

    changefreq = "weekly"
    priority = 0.7
    url_names = [
        "inventory:home",
        "inventory:product-list",
        "inventory:partnership-list",
        "inventory:organisation-list",
        "inventory:map",
        "needs:gaps",
        "needs:activity-list",
        "api:docs",
    ]

    def items(self):
        return self.url_names

    def location(self, url_name: str) -> str:
        return reverse(url_name)
