from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product-list"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("map/", views.knowledge_map, name="map"),
]
