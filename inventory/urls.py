from django.urls import path

from inventory import downloads, nominations

app_name = "inventory"

urlpatterns = [
    path("products/nominate/", nominations.product_nominate, name="product-nominate"),
    path(
        "products/nominate/thanks/<str:token>/",
        nominations.product_nominate_thanks,
        name="product-nominate-thanks",
    ),
    path("products/<slug:slug>/download/", downloads.product_download, name="product-download"),
]
