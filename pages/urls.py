from django.urls import path, re_path

from pages import activities, citations, feeds, pictures, themes, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product-list"),
    path("products/count.json", views.product_count, name="product-count"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("products/<slug:slug>/preview/", views.product_preview, name="product-preview"),
    path(
        "products/<slug:slug>/cite.bib", citations.product_citation, {"format": "bibtex"}, name="cite-bibtex"
    ),
    path("products/<slug:slug>/cite.ris", citations.product_citation, {"format": "ris"}, name="cite-ris"),
    path(
        "products/<slug:slug>/cite.json",
        citations.product_citation,
        {"format": "csl-json"},
        name="cite-csl-json",
    ),
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme-detail"),
    path("collections/", themes.collection_list, name="collection-list"),
    path("open-data/", views.open_data, name="open-data"),
    path("collections/<slug:slug>/", themes.collection_detail, name="collection-detail"),
    path("map/", views.knowledge_map, name="map"),
    re_path(r"^map/map\.(?P<extension>svg|png)$", pictures.knowledge_map_picture, name="map-picture"),
    path("map/world/", pictures.world_map, name="world-map"),
    re_path(r"^map/world/map\.(?P<extension>svg|png)$", pictures.world_map_picture, name="world-map-picture"),
    path("map/network/", pictures.network, name="network"),
    re_path(
        r"^map/network/network\.(?P<extension>svg|png)$", pictures.network_picture, name="network-picture"
    ),
    path("map/world/small.svg", pictures.world_map_thumbnail, name="world-map-thumbnail"),
    path("gaps/", views.gap_view, name="gaps"),
    path("feeds/", feeds.feed_page, name="feeds"),
    path("activities/", activities.activity_list, name="activity-list"),
    path("activities/<slug:slug>/", activities.activity_detail, name="activity-detail"),
    path("activities/<slug:slug>/calendar.ics", activities.activity_ics, name="activity-ics"),
]
