from django.contrib import admin
from django.urls import include, path

from knowledgemap import views

admin.site.site_header = "Knowledge map — curators"
admin.site.site_title = "Knowledge map curators"
admin.site.index_title = "The inventory, needs and learning"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("inventory.urls")),
    path("", include("needs.urls")),
]
