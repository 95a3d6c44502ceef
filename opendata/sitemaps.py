"""The sitemap's sections: every published product, partnership, organisation and public learning activity,
and the pages that are not records. knowledgemap/urls.py lists them once per language
(`in_every_language`)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import translation

from inventory.models import Collection, KnowledgeProduct, Organisation, Partnership, Theme
from needs.models import LearningActivity

# Addresses per sitemap file (the protocol allows 50,000): small enough that a file with its alternates in
# every language is written quickly; the index lists as many files as needed.
RECORDS_PER_FILE = 5_000


def in_language(path: str, language: str) -> str:
    """A public page's path in `language`: the default language's paths have no prefix, the others' the
    language code (i18n_patterns with prefix_default_language=False, knowledgemap/urls.py)."""
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


class Multilingual(Sitemap):
    """A section in one language (`language`), each address with its alternates in every language and
    x-default (hreflang), as search engines want for a site in several languages.

    A section per language rather than Django's `i18n = True`, which pairs every item with every language
    in one list and so reads the whole section (90,000 products) for each of its files."""

    language = settings.LANGUAGE_CODE

    def path(self, item) -> str:
        """The item's page in the default language."""
        return item.get_absolute_url()

    def translated(self, item) -> bool:
        """Whether the item has a page in every language (all but the API's documentation)."""
        return True

    def location(self, item) -> str:
        return in_language(self.path(item), self.language)

    def get_urls(self, page=1, site=None, protocol=None):
        # Paths as the default language writes them, whatever the language of the request.
        with translation.override(settings.LANGUAGE_CODE):
            urls = super().get_urls(page, site, protocol)
            for url in urls:
                item = url["item"]
                if not self.translated(item):
                    continue
                path = self.path(item)
                site_root = url["location"].removesuffix(in_language(path, self.language))
                url["alternates"] = [
                    {"lang_code": code, "location": site_root + in_language(path, code)}
                    for code, _name in settings.LANGUAGES
                ] + [{"lang_code": "x-default", "location": site_root + path}]
        return urls


def in_every_language(sections: dict[str, type[Multilingual]]) -> dict[str, type[Multilingual]]:
    """The sections once per language: the default language's under their own names, the others' as
    "<name>-<code>" (sitemap-products-nl.xml)."""
    return {
        name if code == settings.LANGUAGE_CODE else f"{name}-{code}": type(
            f"{section.__name__}{code.capitalize()}", (section,), {"language": code}
        )
        for code, _name in settings.LANGUAGES
        for name, section in sections.items()
    }


class LatestChangeCounted:
    """The index's <lastmod> for a section: its latest change, in one aggregate query (Django's default asks
    each item for its own, reading the whole section)."""

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ProductSitemap(LatestChangeCounted, Multilingual):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return KnowledgeProduct.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product: KnowledgeProduct):
        return product.updated_at


class PartnershipSitemap(Multilingual):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Partnership.objects.only("slug").order_by("pk")


class OrganisationSitemap(Multilingual):
    limit = RECORDS_PER_FILE
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Organisation.objects.only("slug").order_by("pk")


class ThemeSitemap(Multilingual):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Theme.objects.only("slug").order_by("pk")


class CollectionSitemap(Multilingual):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Collection.objects.filter(is_public=True).only("slug").order_by("pk")


class PageSitemap(Multilingual):
    """The pages that are not a record: home, the lists, the map, the gaps, the open-data page."""

    changefreq = "weekly"
    priority = 0.7
    url_names = [
        "pages:home",
        "pages:product-list",
        "pages:partnership-list",
        "pages:organisation-list",
        "pages:map",
        "pages:gaps",
        "pages:activity-list",
        "pages:collection-list",
        "pages:open-data",
        "api:docs",
    ]
    untranslated = {"api:docs"}  # outside the pages in two languages (knowledgemap/urls.py)

    def items(self):
        if self.language == settings.LANGUAGE_CODE:
            return self.url_names
        return [name for name in self.url_names if self.translated(name)]

    def translated(self, url_name: str) -> bool:
        return url_name not in self.untranslated

    def path(self, url_name: str) -> str:
        return reverse(url_name)


class ActivitySitemap(LatestChangeCounted, Multilingual):
    limit = RECORDS_PER_FILE
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return LearningActivity.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, activity: LearningActivity):
        return activity.updated_at
