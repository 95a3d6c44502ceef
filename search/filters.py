"""The FilterSets: `ProductFilter`, made from the table of parameters (search.params), serves the browse page,
the CSV export, the feed and the API alike; `OrganisationFilter` the organisations page and its API.

A value that names nothing (an unknown slug or code), a year that is not a number, an unknown sort order:
the form reports an error naming the value, and that one parameter is left out while every valid one still
applies. Views answer such requests with 400 and show the message.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from inventory.models import PRODUCT_ORDERS, Country, KnowledgeProduct, Organisation
from search.fulltext import search_products, uses_full_text_search
from search.params import BY_NAME, PARAMS, RELATIONS, Param

# More values than this for one parameter is not a person choosing filters.
MAX_VALUES = 50
SEARCH_MAX_LENGTH = 200
# A parameter left out or given empty filters nothing.
EMPTY = (None, "", [])


class Sort(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")  # only when searching; otherwise newest
    NEWEST = "newest", _("Newest")  # by year, then publication
    OLDEST = "oldest", _("Oldest")
    TITLE = "title", _("Title")


class KeyedChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Repeatable values naming rows by slug or code. Codes are matched whatever their case."""

    def __init__(self, *args, normalise=None, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not value:
            return []
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_VALUES:
                raise ValidationError(_("Choose at most %(max)d values."), params={"max": MAX_VALUES})
            value = [v.strip() for v in value if v.strip()]
            if self.normalise:
                value = [self.normalise(v) for v in value]
        return super().clean(value) if value else []


@extend_schema_field(OpenApiTypes.STR)  # in the API's schema: slugs or codes, as the URL gives them
class KeyedChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = KeyedChoiceField


class ValuesChoiceFilter(django_filters.MultipleChoiceFilter):
    """Repeatable values from a fixed list of choices."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": _("There is no such value: “%(value)s”.")})
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.update(
            min_value=0,
            max_value=9999,
            error_messages={"invalid": _("Give the year as a number, such as 2018.")},
        )
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # The field's own bounds are enough.


def _unknown(message):
    return {"invalid_choice": message}


def _filter(param: Param) -> django_filters.Filter:
    """The filter of one row of the table."""
    if param.kind == "rows":
        return KeyedChoiceFilter(
            queryset=param.public_rows() if param.public_rows else param.model._default_manager.all(),
            to_field_name=param.key,
            method="filter_linked",
            normalise=param.normalise,
            label=param.label,
            error_messages=_unknown(param.unknown),
        )
    if param.kind == "choices":
        return ValuesChoiceFilter(choices=param.choices.choices, method="filter_linked", label=param.label)
    if param.kind == "search":
        return django_filters.CharFilter(
            method="filter_search",
            max_length=SEARCH_MAX_LENGTH,
            label=param.label,
            error_messages={
                "max_length": _("Search for at most %(limit_value)d characters (this was %(show_value)d).")
            },
        )
    if param.kind in ("year_min", "year_max"):
        lookup = "gte" if param.kind == "year_min" else "lte"
        return YearFilter(field_name="year", lookup_expr=lookup, label=param.label)
    if param.kind == "flag":
        return django_filters.BooleanFilter(method="filter_featured", widget=BooleanWidget, label=param.label)
    return django_filters.ChoiceFilter(
        choices=Sort.choices,
        method="filter_nothing",
        label=param.label,
        error_messages={"invalid_choice": _("Sort by relevance, newest, oldest or title, not “%(value)s”.")},
    )


class _ProductFilter(django_filters.FilterSet):
    """What ProductFilter does with its parameters; the parameters themselves come from search.params."""

    class Meta:
        model = KnowledgeProduct
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        # Only published products are ever public: that is the default, not something to remember.
        if queryset is None:
            queryset = KnowledgeProduct.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)

    def filter_queryset(self, queryset):
        """Every valid parameter applied (a refused one is left out), in the order asked for. The browse
        page's counts and pages do not come from here but from the facet index (search.browse)."""
        for name, value in self.form.cleaned_data.items():
            if name != "sort" and value not in EMPTY:
                queryset = self.filters[name].filter(queryset, value)
        return self.order(queryset)

    @property
    def search_text(self) -> str:
        """The search in effect ("" when none, or when the one given was refused)."""
        if not self.is_bound:
            return ""
        self.errors  # noqa: B018
        return self.form.cleaned_data.get("q", "").strip()

    @property
    def sort_order(self) -> str:
        """The order in effect: the one asked for, else relevance when searching, else newest."""
        if not self.is_bound:
            return Sort.NEWEST
        searching = bool(self.search_text)  # validates the form first
        sort = self.form.cleaned_data.get("sort")
        if sort == Sort.RELEVANCE and not searching:
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if searching else Sort.NEWEST)

    def order(self, queryset: QuerySet) -> QuerySet:
        sort = self.sort_order
        if sort == Sort.RELEVANCE:
            newest = PRODUCT_ORDERS[Sort.NEWEST]
            return (
                queryset.order_by("-rank", *newest) if uses_full_text_search() else queryset.order_by(*newest)
            )
        return queryset.order_by(*PRODUCT_ORDERS[sort])

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return search_products(queryset, value) if value else queryset

    def filter_linked(self, queryset, name, value):
        """Products linked to any of the values (rows, or choices of a linked row's field)."""
        param = BY_NAME[name]
        relation = RELATIONS[param.relation]
        if param.listing == "tree":
            value = param.model._default_manager.filter(pk__in=[row.pk for row in value]).with_sub_themes()
        if relation.table is None:  # the product's own column
            return queryset.filter(**{f"{relation.column}__in": value})
        path = f"{relation.column}__{param.via}" if param.via else relation.column
        # A subquery on the link table, not a join: no product comes back twice, no DISTINCT is needed.
        linked = relation.table.objects.filter(**{f"{path}__in": value}).values(relation.product_column)
        return queryset.filter(pk__in=linked)

    def filter_featured(self, queryset, name, value):
        # `featured=0` means "no preference", not "only those nobody featured".
        return queryset.filter(featured=True) if value else queryset


ProductFilter = type(_ProductFilter)(
    "ProductFilter",
    (_ProductFilter,),
    {
        "__module__": __name__,
        "__doc__": "The filters of knowledge products, one per row of search.params.",
        **{param.name: _filter(param) for param in PARAMS},
    },
)


class OrganisationFilter(django_filters.FilterSet):
    """The organisations page: by kind (so Southern organisations can be found) and country."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=SEARCH_MAX_LENGTH, label=_("Name")
    )
    # Both are fields of the organisation itself: no row can come back twice, so no DISTINCT.
    kind = ValuesChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"), distinct=False)
    country = KeyedChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        distinct=False,
        normalise=str.upper,
        label=_("Country"),
        error_messages=_unknown(_("There is no country with the code “%(value)s”.")),
    )

    class Meta:
        model = Organisation
        fields = []
