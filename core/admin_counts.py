"""The counts beside a list's filters ("Show counts"), read in a few queries for the whole list.

Django counts each filter's values in a query of its own, and before each builds the list's filters again
(at 100,000 products the products list took 515–654 ms with its counts, its filters' choices read eight
times; the needs list's partnership filter built its 400 partnerships once per filter). A related filter is
counted by a join per value, which for a many-to-many relation reads every product once per theme, and counts
a product twice when two of its partnerships belong to the same programme. Here:

- the filters are built once per list;
- the filters not in use share one aggregate over the list as shown (a value's count is a condition on the
  row's own columns: status, year, type);
- a many-to-many relation is counted from its link table alone, grouped by value, plus the number of rows
  linked to any (the rest count for "empty"); a filter in use counts the list without its own choice;
- a narrowed list (filtered, searched) is read once, its ids kept in a temporary table that the counts read.

Each count is the number of rows the list shows when the curator clicks that value
(tests/core/test_admin_counts.py).
"""

import functools
import itertools
from contextlib import contextmanager, nullcontext

from django.contrib.admin import FieldListFilter, RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters, lookup_spawns_duplicates
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F
from django.db.models.expressions import RawSQL

_tables = itertools.count()


class LinkedRowsFilter(RelatedFieldListFilter):
    """A filter on a many-to-many relation (a product's themes, its partnerships' programmes) that keeps the
    rows linked to the chosen value by a subquery rather than a join: no row comes twice, so the list needs
    no DISTINCT over its whole rows (at 100,000 products, a list by status and theme spent 270 ms in it).
    Use as `("themes", LinkedRowsFilter)`; CountedChangeList knows it spawns no duplicates."""

    def queryset(self, request, queryset):
        if not self.used_parameters:
            return queryset
        try:
            chosen = build_q_object_from_lookup_parameters(self.used_parameters)
            return queryset.filter(pk__in=queryset.model._default_manager.filter(chosen).values("pk"))
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error


class CountedChangeList(ChangeList):
    """A ChangeList whose filters take their counts from `facet_counts()`; see the module's text."""

    def get_filters(self, request):
        # The filters are the same for every count (only which one is left out changes): built once.
        if not hasattr(self, "_built_filters"):
            specs, has_filters, remaining, duplicates, active = super().get_filters(request)
            if duplicates:  # unless only filters that spawn none were used (LinkedRowsFilter)
                duplicates = any(lookup_spawns_duplicates(self.lookup_opts, key) for key in remaining) or any(
                    spec.used_parameters
                    and not isinstance(spec, LinkedRowsFilter)
                    and lookup_spawns_duplicates(self.lookup_opts, spec.field_path)
                    for spec in specs
                    if isinstance(spec, FieldListFilter)
                )
            for position, spec in enumerate(specs):
                # Each of Django's filters asks for its counts with get_facet_queryset(changelist).
                spec.get_facet_queryset = lambda changelist, position=position: self.facet_counts()[position]
            self._request = request  # for the lists the counts read without a filter's own choice
            self._built_filters = specs, has_filters, remaining, duplicates, active
        return self._built_filters

    def facet_counts(self) -> list[dict[str, int]]:
        """Per filter (in `filter_specs` order), the counts its `choices()` reads: Django's keys, values."""
        if not hasattr(self, "_facet_counts"):
            self._facet_counts = self._count_facets()
        return self._facet_counts

    def reading_the_list(self):
        """Where the list's rows are read for the counts (a subclass reads a search through its index)."""
        return nullcontext()

    def _count_facets(self) -> list[dict[str, int]]:
        given = self.get_filters_params()
        counts: list[dict[str, int]] = [{} for _spec in self.filter_specs]
        # The filters in use each count the list without their own choice, as Django's do; the others share
        # the list as shown.
        lists: dict[tuple, list[int]] = {}
        for position, spec in enumerate(self.filter_specs):
            chosen = any(parameter in given for parameter in spec.expected_parameters())
            lists.setdefault(tuple(spec.expected_parameters()) if chosen else (), []).append(position)
        for excluded, positions in lists.items():
            listed = (
                self.get_queryset(self._request, exclude_parameters=list(excluded))
                if excluded
                else self.queryset
            )
            # The list as shown has counted its rows already (result_count).
            known = None if excluded else self.result_count
            specs = [(position, self.filter_specs[position]) for position in positions]
            with self._rows_of(listed) as (rows, restricted):
                self._count(rows, restricted, known, specs, counts)
        return counts

    @contextmanager
    def _rows_of(self, listed):
        """The list's rows as a plain queryset of the model for the counts' queries, and whether it is
        narrowed. A narrowed list (filtered, searched) is read once, its ids kept in a temporary table:
        each count would otherwise find its rows again (a broad search took hundreds of milliseconds each)."""
        rows = self.model._default_manager.all()
        if not listed.query.where:  # the admin's own queryset's conditions are the list's too
            yield rows, False
            return
        table = f"counted_rows_{next(_tables)}"
        sql, params = listed.order_by().values(listed_id=F("pk")).query.sql_with_params()
        with connection.cursor() as cursor:
            with self.reading_the_list():
                cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {table}")
            try:
                yield rows.filter(pk__in=RawSQL(f"SELECT listed_id FROM {table}", [])), True  # noqa: S611
            finally:
                cursor.execute(f"DROP TABLE {table}")

    def _count(self, rows, restricted: bool, known: int | None, specs: list, counts: list[dict[str, int]]):
        together = {}
        number_of_rows = functools.cache(rows.count) if known is None else lambda: known
        for position, spec in specs:
            if isinstance(spec, RelatedFieldListFilter) and not self._column_of_this_table(spec):
                counts[position] = self._count_related(spec, rows, restricted, number_of_rows)
            else:
                for key, aggregate in spec.get_facet_counts(self.lookup_opts.pk.attname, rows).items():
                    together[f"{position}:{key}"] = aggregate
        if together:
            for name, value in rows.aggregate(**together).items():
                position, key = name.split(":", 1)
                counts[int(position)][key] = value

    def _column_of_this_table(self, spec: RelatedFieldListFilter) -> bool:
        """A foreign key of the list's own table with few values (a product's type): counted in the shared
        aggregate, each value a condition on the column, no join."""
        return "__" not in spec.field_path and spec.field.many_to_one and len(spec.lookup_choices) <= 50

    def _count_related(
        self, spec: RelatedFieldListFilter, rows, restricted: bool, number_of_rows
    ) -> dict[str, int]:
        """One grouping by the related value; a value no row has counts 0, the rows with none count for the
        "empty" choice (`number_of_rows()` of the list, less those linked to any value)."""
        first, _, rest = spec.field_path.partition("__")
        field = self.lookup_opts.get_field(first)
        if field.many_to_many and not field.auto_created and self._never_null(field.related_model, rest):
            grouped, linked = self._count_through_the_links(
                field, rest, rows.values("pk") if restricted else None
            )
            empty = number_of_rows() - linked
        else:
            duplicates = lookup_spawns_duplicates(self.lookup_opts, spec.field_path)
            grouped = dict(
                rows.order_by()
                .values(spec.field_path)
                .annotate(count=Count("pk", distinct=duplicates))
                .values_list(spec.field_path, "count")
            )
            empty = grouped.get(None, 0)
        counts = {f"{pk}__c": grouped.get(pk, 0) for pk, _name in spec.lookup_choices}
        if spec.include_empty_choice:
            counts["__c"] = empty
        return counts

    @staticmethod
    def _count_through_the_links(field, rest: str, listed_ids) -> tuple[dict, int]:
        """A many-to-many relation (a product's themes, or its partnerships' programmes) counted from its
        link table alone: the rows of the list are read only when the list is narrowed. Gives the count per
        value and the number of rows linked to any."""
        links = field.remote_field.through._default_manager.all()
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        if listed_ids is not None:
            links = links.filter(**{f"{source}__in": listed_ids})
        value = f"{target}__{rest}" if rest else target
        grouped = dict(
            links.order_by()
            .values(value)
            .annotate(count=Count(source, distinct=bool(rest)))  # a link per row and value, unless further on
            .values_list(value, "count")
        )
        linked = links.aggregate(linked=Count(source, distinct=True))["linked"]
        return grouped, linked

    @staticmethod
    def _never_null(model, path: str) -> bool:
        """Whether following `path` from a row of `model` always arrives at a value (each step a required
        foreign key): then a row of the list is "empty" exactly when it has no link."""
        for name in filter(None, path.split("__")):
            field = model._meta.get_field(name)
            if not field.many_to_one or field.null:
                return False
            model = field.related_model
        return True
