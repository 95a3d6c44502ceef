from django.urls import path

from inventory import downloads, nominations, questions, thumbnails

app_name = "inventory"

urlpatterns = [
    path("products/nominate/", nominations.product_nominate, name="product-nominate"),
    path(
        "products/nominate/thanks/<str:token>/",
        nominations.product_nominate_thanks,
        name="product-nominate-thanks",
    ),
    path("products/<slug:slug>/download/", downloads.product_download, name="product-download"),
    path("products/<slug:slug>/ask/", questions.product_ask, name="product-ask"),
    path("products/<slug:slug>/ask/sent/", questions.product_ask_sent, name="product-ask-sent"),
    path("products/<slug:slug>/thumbnail.png", thumbnails.product_thumbnail, name="product-thumbnail"),
    path(
        "products/<slug:slug>/files/<int:pk>/", downloads.document_download, name="product-document-download"
    ),
]
