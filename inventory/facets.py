"""Facet counts for the product FilterSet: for each value, how many products the page would show with that
value chosen, given the other active filters (so choosing a value never leads to an empty page).

Each facet counts over the products matching every parameter except its own, in one grouped query (the
theme facet in two, for core themes and sub-themes). Nothing here knows about HTML or requests: the browse
page renders the facets, and an API can return them as they are.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from inventory import codes
from inventory.filters import ProductFilter, Through
from inventory.models import Involvement, Organisation, Region, Stakeholder, Theme

SHOWN_BEFORE_MORE = 8
# Facets listed by size (partnerships, organisations, countries, languages, tags) show this many values at
# most, besides the chosen ones: with thousands of tags or organisations the rest only weigh the page down.
MOST_LISTED = 50


@dataclass
class FacetValue:
    value: str  # as it goes in the URL: a slug, a code, a choice
    label: str
    count: int
    selected: bool = False
    note: str = ""  # e.g. "Southern" beside a Southern organisation
    children: list["FacetValue"] = field(default_factory=list)


@dataclass
class Facet:
    param: str
    label: str
    values: list[FacetValue]
    kind: str = "choice"  # "choice": repeatable values; "year": a range; "flag": on or off
    omitted: int = 0  # values with products left out of a long facet (see MOST_LISTED)

    @property
    def has_selection(self) -> bool:
        return any(v.selected or any(c.selected for c in v.children) for v in self.values)

    @property
    def first_values(self) -> list[FacetValue]:
        return self.values[:SHOWN_BEFORE_MORE]

    @property
    def more_values(self) -> list[FacetValue]:
        return self.values[SHOWN_BEFORE_MORE:]

    @property
    def more_has_selection(self) -> bool:
        return any(v.selected for v in self.more_values)


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str  # the value's name
    group: str  # the parameter's name


def product_facets(filterset: ProductFilter) -> list[Facet]:
    """Every facet of the browse page, in the order shown."""
    return [
        theme_facet(filterset),
        _linked_facet(filterset, "type", None, "product_type", order=("position",)),
        _linked_facet(
            filterset, "programme", "partnerships", "partnership__programme", order=("-start_year",)
        ),
        _linked_facet(filterset, "partnership", "partnerships", "partnership"),
        _organisation_facet(filterset),
        _choice_facet(filterset, "org_kind", "organisations", "organisation__kind", Organisation.Kind),
        _choice_facet(filterset, "region", "countries", "country__region", Region),
        _linked_facet(filterset, "country", "countries", "country", key="code"),
        _linked_facet(filterset, "language", "languages", "language", key="code"),
        _linked_facet(filterset, "tag", "tags", "tag"),
        _choice_facet(
            filterset, "stakeholder_category", "stakeholders", "stakeholder__category", Stakeholder.Category
        ),
        year_facet(filterset),
        featured_facet(filterset),
    ]


def _selected(filterset: ProductFilter, param: str) -> list:
    filterset.errors  # noqa: B018  (validates, so cleaned_data exists)
    return filterset.form.cleaned_data.get(param) or []


def _label(filterset: ProductFilter, param: str) -> str:
    return str(filterset.filters[param].label)


def _links(filterset: ProductFilter, param: str, relation: str | None) -> QuerySet:
    """Rows of the link table (or the products themselves) for the products the facet counts over."""
    products = filterset.queryset_without(param)
    if relation is None:
        return products
    table, _column, product_column = Through[relation]
    return table.objects.filter(**{f"{product_column}__in": products.values("pk")})


def _product_count(relation: str | None, path: str) -> Count:
    """Products per group. A link table holds each (product, row) pair once, so grouping by the linked row
    itself needs no DISTINCT (which costs a sort); grouping by something further (a partnership's
    programme, an organisation's kind) does."""
    if relation is None:
        return Count("pk")
    table, linked, product_column = Through[relation]
    return Count(product_column, distinct=path != linked or table is Involvement)


# Countries and languages are named in the page's language (the rows hold English names).
LOCAL_NAMES = {
    "country": lambda code, name: codes.country_name(name),
    "language": codes.language_name,
}


def _linked_facet(filterset, param, relation, path, *, key="slug", order=()) -> Facet:
    """Counts per related row, labelled by its name; in the given order (fields of the related model),
    else most products first."""
    rows = (
        _links(filterset, param, relation)
        .values(value=F(f"{path}__{key}"), name=F(f"{path}__name"))
        .annotate(count=_product_count(relation, path))
        .order_by(*[_prefixed(path, field) for field in order] or ["-count"], "name")
    )
    chosen = {getattr(obj, key): obj for obj in _selected(filterset, param)}
    name = LOCAL_NAMES.get(param, lambda value, name: name)
    values = [
        FacetValue(r["value"], name(r["value"], r["name"]), r["count"], r["value"] in chosen) for r in rows
    ]
    values, omitted = _most(values) if not order else (values, 0)
    return Facet(param, _label(filterset, param), _with_chosen(values, chosen), omitted=omitted)


def _most(values: list[FacetValue]) -> tuple[list[FacetValue], int]:
    """The first MOST_LISTED values (the facet is ordered by size) and the chosen ones beyond them; and how
    many were left out."""
    kept = values[:MOST_LISTED] + [v for v in values[MOST_LISTED:] if v.selected]
    return kept, len(values) - len(kept)


def _prefixed(path: str, field: str) -> str:
    return f"-{path}__{field[1:]}" if field.startswith("-") else f"{path}__{field}"


def _organisation_facet(filterset) -> Facet:
    rows = (
        _links(filterset, "organisation", "organisations")
        .values(value=F("organisation__slug"), name=F("organisation__name"), kind=F("organisation__kind"))
        .annotate(count=_product_count("organisations", "organisation"))
        .order_by("-count", "name")
    )
    chosen = {o.slug: o for o in _selected(filterset, "organisation")}
    southern = gettext("Southern")
    values = [
        FacetValue(
            r["value"],
            r["name"],
            r["count"],
            r["value"] in chosen,
            note=southern if r["kind"] == Organisation.Kind.SOUTHERN_CSO else "",
        )
        for r in rows
    ]
    values, omitted = _most(values)
    return Facet(
        "organisation", _label(filterset, "organisation"), _with_chosen(values, chosen), omitted=omitted
    )


def _choice_facet(filterset, param, relation, path, choices) -> Facet:
    """Counts per choice of a field (kinds, regions, categories), in the choices' own order."""
    rows = (
        _links(filterset, param, relation)
        .exclude(**{path: ""})
        .values(value=F(path))
        .annotate(count=_product_count(relation, path))
        .order_by()
    )
    counts = {r["value"]: r["count"] for r in rows}
    chosen = set(_selected(filterset, param))
    values = [
        FacetValue(value, str(label), counts.get(value, 0), value in chosen)
        for value, label in choices.choices
        if counts.get(value) or value in chosen
    ]
    return Facet(param, _label(filterset, param), values)


def theme_facet(filterset, *, include_empty: bool = False) -> Facet:
    """Core themes with their sub-themes. A core theme counts the products of its sub-themes too, as
    choosing it finds them. Core themes without products are left out unless `include_empty`."""
    links = _links(filterset, "theme", "themes")
    core_counts = dict(
        links.values(core=Coalesce("theme__parent_id", "theme_id"))
        .annotate(count=Count("knowledgeproduct_id", distinct=True))
        .order_by()
        .values_list("core", "count")
    )
    sub_counts = dict(
        links.filter(theme__parent__isnull=False)
        .values("theme_id")
        .annotate(count=Count("knowledgeproduct_id"))
        .order_by()
        .values_list("theme_id", "count")
    )
    chosen = {t.pk for t in _selected(filterset, "theme")}
    themes = Theme.objects.only("name", "slug", "parent_id", "position")
    children: dict[int, list[FacetValue]] = {}
    for theme in themes:
        if theme.parent_id and (sub_counts.get(theme.pk) or theme.pk in chosen):
            value = FacetValue(theme.slug, theme.name, sub_counts.get(theme.pk, 0), theme.pk in chosen)
            children.setdefault(theme.parent_id, []).append(value)
    values = [
        FacetValue(
            theme.slug,
            theme.name,
            core_counts.get(theme.pk, 0),
            theme.pk in chosen,
            children=children.get(theme.pk, []),
        )
        for theme in themes
        if theme.parent_id is None
        and (include_empty or core_counts.get(theme.pk) or theme.pk in chosen or theme.pk in children)
    ]
    return Facet("theme", _label(filterset, "theme"), values)


def year_facet(filterset) -> Facet:
    """Products per year, given every filter but the year range."""
    rows = (
        filterset.queryset_without("year_min", "year_max")
        .exclude(year=None)
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    low, high = _selected_year(filterset, "year_min"), _selected_year(filterset, "year_max")
    values = [FacetValue(str(r["year"]), str(r["year"]), r["count"], low == high == r["year"]) for r in rows]
    return Facet("year", gettext("Year"), values, kind="year")


def _selected_year(filterset, param):
    filterset.errors  # noqa: B018
    return filterset.form.cleaned_data.get(param)


def featured_facet(filterset) -> Facet:
    count = filterset.queryset_without("featured").filter(featured=True).count()
    chosen = bool(_selected(filterset, "featured"))
    values = (
        [FacetValue("1", str(filterset.filters["featured"].label), count, chosen)] if count or chosen else []
    )
    return Facet("featured", str(filterset.filters["featured"].label), values, kind="flag")


def _with_chosen(values: list[FacetValue], chosen: dict) -> list[FacetValue]:
    """Chosen values stay listed (with 0) even when the other filters leave none, so they can be unchosen."""
    present = {v.value for v in values}
    missing = [
        FacetValue(key, getattr(obj, "display_name", None) or str(obj), 0, True)
        for key, obj in chosen.items()
        if key not in present
    ]
    return missing + values


def active_filters(filterset: ProductFilter) -> list[ActiveFilter]:
    """The filters in effect, in the order of the parameters: what the page lists as removable."""
    filterset.errors  # noqa: B018
    active = []
    for param, chosen in filterset.form.cleaned_data.items():
        if param == "sort" or chosen in (None, "", [], False):
            continue
        group = str(filterset.filters[param].label)
        if param == "q":
            if filterset.search_text:
                active.append(ActiveFilter(param, filterset.search_text, f"“{filterset.search_text}”", group))
        elif param in ("year_min", "year_max"):
            active.append(ActiveFilter(param, str(chosen), str(chosen), group))
        elif param == "featured":
            active.append(ActiveFilter(param, "1", gettext("yes"), group))
        else:
            active.extend(
                ActiveFilter(param, *_value_and_name(filterset, param, item), group) for item in chosen
            )
    return active


def filter_state_key(active: list[ActiveFilter]) -> str:
    """A short key naming a set of active filters, whatever their order in the URL."""
    state = sorted((f.param, f.value) for f in active)
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]


def _value_and_name(filterset: ProductFilter, param: str, item) -> tuple[str, str]:
    """A chosen row by its slug or code and name, or a chosen choice by its value and label."""
    key = filterset.filters[param].extra.get("to_field_name")
    if key:
        return getattr(item, key), _name(item)
    return item, str(dict(filterset.filters[param].extra["choices"]).get(item, item))


def _name(row) -> str:
    """A row's name as the page shows it: in the page's language for countries and languages."""
    return getattr(row, "display_name", None) or getattr(row, "name", None) or str(row)
