from django.urls import path

from inventory import downloads, exports, feeds, nominations, views

app_name = "inventory"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product-list"),
    path("products/nominate/", nominations.product_nominate, name="product-nominate"),
    path(
        "products/nominate/thanks/<str:token>/",
        nominations.product_nominate_thanks,
        name="product-nominate-thanks",
    ),
    # Listed before products/<slug>/, so no product address can ever shadow the export.
    path("products/export.csv", exports.product_export, name="product-export"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("products/<slug:slug>/download/", downloads.product_download, name="product-download"),
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("map/", views.knowledge_map, name="map"),
    path("feeds/products/", feeds.ProductFeed(), name="product-feed"),
]
