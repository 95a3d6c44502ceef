from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from core.http_cache import public_page
from knowledgemap import views
from opendata.feeds import ProductFeed
from opendata.sitemaps import (
    ActivitySitemap,
    CollectionSitemap,
    OrganisationSitemap,
    PageSitemap,
    PartnershipSitemap,
    ProductSitemap,
    ThemeSitemap,
    in_every_language,
)

# Each section in English (sitemap-products.xml) and in every other language (sitemap-products-nl.xml,
# -fr, -es), every address with its alternates in all of them.
SITEMAPS = in_every_language(
    {
        "pages": PageSitemap,
        "products": ProductSitemap,
        "partnerships": PartnershipSitemap,
        "organisations": OrganisationSitemap,
        "activities": ActivitySitemap,
        "themes": ThemeSitemap,
        "collections": CollectionSitemap,
    }
)

# Addresses that are the same in every language: machines and curators use them.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # An index of sections; a section longer than RECORDS_PER_FILE addresses is split over several files.
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", public_page(sitemaps.sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"
    ),
    path("admin/", admin.site.urls),
    path("api/", include("opendata.api_urls")),
    path("feeds/products/", public_page(ProductFeed()), name="product-feed"),
]

# The public pages: English at their paths, Dutch, French and Spanish at the same paths under /nl/, /fr/
# and /es/. The forms before the pages: /products/nominate/ is not a product.
urlpatterns += i18n_patterns(
    path("", include("inventory.urls")),
    path("", include("needs.urls")),
    path("", include("alerts.urls")),
    path("", include("opendata.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)

# 400, 403 and 404 use Django's handlers with our templates; the 500 handler also turns an unreachable
# database into the 503 page.
handler500 = "knowledgemap.views.server_error"
