from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from opendata import api as views
from opendata import docs

app_name = "api"

router = SimpleRouter()
for prefix, (basename, viewset) in views.ROUTES.items():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", views.api_root, name="root"),
    path("schema/", views.schema, name="schema"),
    path("docs/", docs.documentation, name="docs"),
    *router.urls,
    # [\s\S], not ".": a path with a newline in it is an address under /api/ too.
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found, name="not-found"),
]
