"""The read-only open-data API under /api/.

DRF's generic viewsets rather than function views: the filter backend, the paginator and the OpenAPI schema
all hang off them. Products are filtered by the browse page's own `ProductFilter`, so `/api/products/?…`
and `/products/?…` select the same products. Every response carries an ETag of its body and answers a
matching If-None-Match with 304 (Django's ConditionalGetMiddleware, applied to these views only), and
scripts on other sites may read it (CORS, by django-cors-headers: see settings).
"""

from django.conf import settings
from django.views.decorators.http import conditional_page
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.decorators import content_negotiation_class as negotiation_class
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.viewsets import ReadOnlyModelViewSet

from needs.filters import ActivityFilter
from opendata import querysets
from opendata.serializers import (
    ActivitySerializer,
    CollectionSerializer,
    OrganisationSerializer,
    PartnershipSerializer,
    ProductSerializer,
    ProductTypeSerializer,
    ThemeSerializer,
)
from search import index as facet_index
from search.browse import selected
from search.filters import OrganisationFilter, ProductFilter

PAGE_SIZE = 24
MAX_PAGE_SIZE = 100

NOT_FOUND_MESSAGE = "There is nothing at this address of the API; /api/ lists what there is."
BAD_PARAMETERS = "Some query parameters could not be used: see `parameters`."


def open_data(view):
    """What every answer of the API gets: an ETag of its body (a matching If-None-Match gets a 304).
    Scripts on any site may read it: django-cors-headers, set up for /api/ in settings (CORS_*)."""
    return conditional_page(view)


class JSONOnly(BaseContentNegotiation):
    """JSON whatever is asked. DRF would otherwise read `?format=` as a choice of renderer, and `format` is
    the activities' filter by learning format, as on their page."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class FilterBackend(DjangoFilterBackend):
    """The FilterSet's own messages ("There is no theme “x”.") by parameter, in a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors = {param: list(messages) for param, messages in filterset.errors.items()}
            raise ValidationError({"detail": BAD_PARAMETERS, "parameters": errors})
        return view.filtered(filterset) if hasattr(view, "filtered") else filterset.qs


ERROR = inline_serializer("Error", {"detail": serializers.CharField()})
BAD_REQUEST = OpenApiResponse(
    inline_serializer(
        "BadParameters",
        {
            "detail": serializers.CharField(),
            "parameters": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        },
    ),
    description="A parameter names nothing (an unknown slug or code) or is not a valid value.",
    examples=[
        OpenApiExample(
            "Unknown theme",
            {"detail": BAD_PARAMETERS, "parameters": {"theme": ["There is no theme “no-such-theme”."]}},
        )
    ],
)
NOT_FOUND = OpenApiResponse(ERROR, description="No such published record, or a page past the last.")


class OpenDataViewSet(ReadOnlyModelViewSet):
    """List and detail by slug; filters apply to the list only."""

    lookup_field = "slug"
    content_negotiation_class = JSONOnly
    filterset_class = None
    pagination_class = Pagination
    filter_backends = [FilterBackend]

    @classmethod
    def as_view(cls, *args, **kwargs):
        return open_data(super().as_view(*args, **kwargs))

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class ProductCounts:
    """Each record's `product_count`, its published products, from the facet index (search.index)
    rather than a count per record in the database. A theme counts the products filed under it directly;
    `?theme=` on products adds its sub-themes' (the browse page's own facet counts work the same way)."""

    count_param = ""  # the browse page's parameter for these records: "partnership", "theme", …

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._with_counts(page) if page is not None else None

    def get_object(self):
        return self._with_counts([super().get_object()])[0]

    def _with_counts(self, records: list) -> list:
        index = facet_index.current()
        sets = index.theme_direct if self.count_param == "theme" else index.sets.get(self.count_param, {})
        for record in records:
            record.product_count = len(sets.get(record.slug, ()))
        return records


def documented(viewset):
    """Adds the error answers each action may give to the schema (and to the fuzzer that reads it)."""
    list_errors = {400: BAD_REQUEST, 404: NOT_FOUND} if viewset.filterset_class else {404: NOT_FOUND}
    meta = viewset.queryset.model._meta
    return extend_schema_view(
        list=extend_schema(
            summary=f"All {meta.verbose_name_plural}",
            responses={200: viewset.serializer_class, **list_errors},
        ),
        retrieve=extend_schema(
            summary=f"One {meta.verbose_name}, by its slug",
            description=f"The {meta.verbose_name} with this slug, as the list gives it.",
            responses={200: viewset.serializer_class, 404: NOT_FOUND},
        ),
    )(viewset)


@documented
class ProductViewSet(OpenDataViewSet):
    """Published knowledge products. The filters are those of the browse page: repeat a parameter for
    any of several values (`?theme=a&theme=b`); different parameters must all hold."""

    queryset = querysets.products()
    serializer_class = ProductSerializer
    filterset_class = ProductFilter

    def filtered(self, filterset: ProductFilter):
        """What the filters select, as the browse page finds it: from the facet index (the count and the
        page's ids), the page's products then read by id. A core theme's thousands of products cost no join
        over the link tables and no count in the database."""
        return selected(filterset, filterset.queryset)


@documented
class PartnershipViewSet(ProductCounts, OpenDataViewSet):
    """The Strategic Partnerships, their members and how many products each has published."""

    queryset = querysets.partnerships()
    serializer_class = PartnershipSerializer
    count_param = "partnership"


@documented
class OrganisationViewSet(ProductCounts, OpenDataViewSet):
    """Organisations in the partnerships, Dutch and Southern; filter by kind and country."""

    queryset = querysets.organisations()
    serializer_class = OrganisationSerializer
    count_param = "organisation"
    filterset_class = OrganisationFilter


@documented
class ThemeViewSet(ProductCounts, OpenDataViewSet):
    """The themes: core themes and their sub-themes."""

    queryset = querysets.themes()
    serializer_class = ThemeSerializer
    count_param = "theme"


@documented
class ProductTypeViewSet(ProductCounts, OpenDataViewSet):
    """Kinds of product: toolkit, case study, research report, …"""

    queryset = querysets.product_types()
    serializer_class = ProductTypeSerializer
    count_param = "type"


@documented
class ActivityViewSet(OpenDataViewSet):
    """Learning activities built on the knowledge needs: webinars, peer exchanges, trainings … Filter by
    theme, format and status, as on the activities page."""

    queryset = querysets.activities()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter


@documented
class CollectionViewSet(OpenDataViewSet):
    """Reading lists curators put together and introduce, with their published products in order."""

    queryset = querysets.collections()
    serializer_class = CollectionSerializer


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@negotiation_class(JSONOnly)
def not_found(request, path=""):
    """Any other address under /api/ (a slug with a slash in it, a typo): a 404 in JSON, not the HTML page."""
    raise NotFound(NOT_FOUND_MESSAGE)


@extend_schema(exclude=True)
@api_view(["GET"])
@negotiation_class(JSONOnly)
def api_root_view(request):
    """Where everything is: the lists, the schema and the documentation."""
    links = {
        prefix: reverse(f"api:{basename}-list", request=request) for prefix, (basename, _) in ROUTES.items()
    }
    links["schema"] = reverse("api:schema", request=request)
    links["documentation"] = reverse("api:docs", request=request)
    # The terms of the open data itself (each product's own terms are in its `licence`).
    links["licence"] = {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}
    return Response(links)


api_root = open_data(api_root_view)

# The lists under /api/: URL prefix → (URL name prefix, viewset).
ROUTES = {
    "products": ("product", ProductViewSet),
    "partnerships": ("partnership", PartnershipViewSet),
    "organisations": ("organisation", OrganisationViewSet),
    "themes": ("theme", ThemeViewSet),
    "product-types": ("product-type", ProductTypeViewSet),
    "activities": ("activity", ActivityViewSet),
    "collections": ("collection", CollectionViewSet),
}


# The OpenAPI 3 schema: JSON unless YAML is asked for (`?format=yaml` or by the Accept header).
schema = open_data(
    SpectacularAPIView.as_view(
        renderer_classes=[
            OpenApiJsonRenderer2,
            OpenApiJsonRenderer,
            OpenApiYamlRenderer,
            OpenApiYamlRenderer2,
        ]
    )
)
