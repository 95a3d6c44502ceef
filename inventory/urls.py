from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/nominate/", views.product_nominate, name="product-nominate"),
    path(
        "products/nominate/thanks/<str:token>/",
        views.product_nominate_thanks,
        name="product-nominate-thanks",
    ),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("products/<slug:slug>/download/", views.product_download, name="product-download"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
