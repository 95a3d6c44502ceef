"""The one FilterSet for knowledge products: the browse page, the CSV export and the API all use it.

Parameters (DESIGN.md): q, theme, type, programme, partnership, organisation, org_kind, country, region,
language, tag, year_min, year_max, featured, sort — plus stakeholder_category, which the map links to.
`page` is not a filter: each view's paginator reads it.

A repeated parameter (`?theme=a&theme=b`) matches products having any of its values; different parameters
must all hold. A value that names nothing (an unknown slug or code), a year that is not a number, an unknown
sort order: the form reports an error naming the value, and that one parameter is left out while every
valid one still applies. Views answer such requests with 400 and show the message.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from taggit.models import Tag

from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Region,
    Stakeholder,
    TaggedProduct,
    Theme,
)
from inventory.search import search_products, uses_full_text_search

# More values than this for one parameter is not a person choosing filters.
MAX_VALUES = 50
SEARCH_MAX_LENGTH = 200
# A parameter left out or given empty filters nothing.
EMPTY = (None, "", [])

# The table linking products to each related thing: (model, its column for the thing, for the product).
Through = {
    "themes": (KnowledgeProduct.themes.through, "theme", "knowledgeproduct_id"),
    "partnerships": (KnowledgeProduct.partnerships.through, "partnership", "knowledgeproduct_id"),
    "organisations": (KnowledgeProduct.organisations.through, "organisation", "knowledgeproduct_id"),
    "countries": (KnowledgeProduct.countries.through, "country", "knowledgeproduct_id"),
    "languages": (KnowledgeProduct.languages.through, "language", "knowledgeproduct_id"),
    "tags": (TaggedProduct, "tag", "content_object_id"),
    "stakeholders": (Involvement, "stakeholder", "product_id"),
}


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


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        label=_("Search"),
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters (this was %(show_value)d).")
        },
    )
    theme = KeyedChoiceFilter(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        label=_("Theme"),
        error_messages=_unknown(_("There is no theme “%(value)s”.")),
    )
    type = KeyedChoiceFilter(
        queryset=ProductType.objects.all(),
        to_field_name="slug",
        field_name="product_type",
        method="filter_foreign_key",
        label=_("Type"),
        error_messages=_unknown(_("There is no product type “%(value)s”.")),
    )
    programme = KeyedChoiceFilter(
        queryset=Programme.objects.all(),
        to_field_name="slug",
        method="filter_programme",
        label=_("Programme"),
        error_messages=_unknown(_("There is no programme “%(value)s”.")),
    )
    partnership = KeyedChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        field_name="partnerships",
        method="filter_many",
        label=_("Partnership"),
        error_messages=_unknown(_("There is no partnership “%(value)s”.")),
    )
    organisation = KeyedChoiceFilter(
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        field_name="organisations",
        method="filter_many",
        label=_("Organisation"),
        error_messages=_unknown(_("There is no organisation “%(value)s”.")),
    )
    org_kind = ValuesChoiceFilter(
        choices=Organisation.Kind.choices, method="filter_org_kind", label=_("Kind of organisation")
    )
    country = KeyedChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        field_name="countries",
        method="filter_many",
        normalise=str.upper,
        label=_("Country"),
        error_messages=_unknown(_("There is no country with the code “%(value)s”.")),
    )
    region = ValuesChoiceFilter(choices=Region.choices, method="filter_region", label=_("Region"))
    language = KeyedChoiceFilter(
        queryset=Language.objects.all(),
        to_field_name="code",
        field_name="languages",
        method="filter_many",
        normalise=str.lower,
        label=_("Language"),
        error_messages=_unknown(_("There is no language with the code “%(value)s”.")),
    )
    tag = KeyedChoiceFilter(
        queryset=Tag.objects.all(),
        to_field_name="slug",
        method="filter_tag",
        label=_("Tag"),
        error_messages=_unknown(_("There is no tag “%(value)s”.")),
    )
    stakeholder_category = ValuesChoiceFilter(
        choices=Stakeholder.Category.choices,
        method="filter_stakeholder_category",
        label=_("Stakeholders involved"),
    )
    year_min = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    featured = django_filters.BooleanFilter(
        method="filter_featured", widget=BooleanWidget, label=_("Featured only")
    )
    sort = django_filters.ChoiceFilter(
        choices=Sort.choices,
        method="filter_nothing",
        label=_("Sort"),
        error_messages={"invalid_choice": _("Sort by relevance, newest, oldest or title, not “%(value)s”.")},
    )

    class Meta:
        model = KnowledgeProduct
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        # Only published products are ever public: that is the default, not something to remember.
        if queryset is None:
            queryset = KnowledgeProduct.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)

    # Filtering -------------------------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        """Every valid parameter applied (a refused one is left out), in the order asked for. The browse
        page's counts do not come from here but from the facet index (inventory.facets)."""
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
        if sort == Sort.TITLE:
            return queryset.order_by(Lower("title"), "pk")
        if sort == Sort.OLDEST:
            return queryset.order_by(F("year").asc(nulls_last=True), "published_at", "pk")
        newest = [F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), "-pk"]
        if sort == Sort.RELEVANCE and uses_full_text_search():
            return queryset.order_by("-rank", *newest)
        return queryset.order_by(*newest)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return search_products(queryset, value) if value else queryset

    def filter_foreign_key(self, queryset, name, value):
        return queryset.filter(**{f"{name}__in": value})

    def filter_many(self, queryset, name, value):
        """Products linked to any of `value`; `name` is the many-to-many field."""
        return self._linked(queryset, name, **{f"{Through[name][1]}__in": value})

    # The type hints tell the API schema (drf-spectacular) what these parameters are: slugs of these rows.
    def filter_theme(self, queryset, name, value: list[Theme]):
        """A core theme stands for itself and its sub-themes."""
        return self._linked(queryset, "themes", Q(theme__in=value) | Q(theme__parent__in=value))

    def filter_programme(self, queryset, name, value: list[Programme]):
        return self._linked(queryset, "partnerships", partnership__programme__in=value)

    def filter_org_kind(self, queryset, name, value):
        return self._linked(queryset, "organisations", organisation__kind__in=value)

    def filter_region(self, queryset, name, value):
        return self._linked(queryset, "countries", country__region__in=value)

    def filter_tag(self, queryset, name, value: list[Tag]):
        return self._linked(queryset, "tags", tag__in=value)

    def filter_stakeholder_category(self, queryset, name, value):
        return self._linked(queryset, "stakeholders", stakeholder__category__in=value)

    @staticmethod
    def _linked(queryset, relation, *conditions, **lookups):
        """Products having a linked row that meets the conditions. A subquery on the link table, not a
        join, so that no product comes back twice and no DISTINCT is needed."""
        table, _column, product_column = Through[relation]
        linked = table.objects.filter(*conditions, **lookups).values(product_column)
        return queryset.filter(pk__in=linked)

    def filter_featured(self, queryset, name, value):
        # `featured=0` means "no preference", not "only those nobody featured".
        return queryset.filter(featured=True) if value else queryset


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
