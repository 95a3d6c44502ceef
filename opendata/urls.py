from django.urls import path

from opendata import exports

app_name = "opendata"

urlpatterns = [
    path("products/export.csv", exports.product_export, name="product-export"),
]
