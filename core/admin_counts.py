"""The counts beside a list's filters ("Show counts"), as sizes of sets of rows kept per data version.

Django counts each filter's values in a query of its own, and before each builds the list's filters again
(at 100,000 products the products list took 515–654 ms with its counts). A related filter is counted by a
join per value, which for a many-to-many relation reads every product once per theme, and counts a product
twice when two of its partnerships belong to the same programme. Even in one aggregate, the database tests
each of the sixty conditions on each of the 100,000 rows at every showing. Here:

- the filters are built once per list;
- the rows each count counts (a status, a year, a type, a theme, a programme) are read once per data version
  (core.freshness), in one scan of the table and a query per relation, and kept in the process's memory as
  compressed bitmaps (`CountedRows`, as the public facet index keeps the published products): a count is
  then the size of an intersection with the list's rows, microseconds each;
- the list's rows are every row of the table, which the bitmaps hold, or for a narrowed list (filtered,
  searched) its ids, read once; a filter in use counts the list without its own choice, as Django's do; the
  list's own count and the table's are the sizes of those sets, not queries of their own;
- a condition reaching another table whose changes do not move the data version (a product's last link
  check) is read at each showing, its rows alone.

Each count is the number of rows the list shows when the curator clicks that value
(tests/core/test_admin_counts.py).
"""

import hashlib
import types
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin import FieldListFilter, RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters, lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from pyroaring import BitMap

from core import freshness
from core.admin_rows import ChangeListRows


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


class CountedByCondition:
    """For a SimpleListFilter whose values are each a condition on the list's own rows: the filter defines
    `condition(value) -> Q | None` (None for a value it does not know), and this gives the value's rows and
    its count when the curator asks for counts ("Show counts"). Django counts a SimpleListFilter's value by a
    subquery of the whole table each (at 100,000 products the year filter's thirty took 329 ms, the link
    filter's three 242 ms); one scan counts them all."""

    def queryset(self, request, queryset):
        value = self.value()
        condition = None if value is None else self.condition(value)
        return queryset if condition is None else queryset.filter(condition)

    def get_facet_counts(self, pk_attname, filtered_qs):
        counts = {}
        for i, (value, _label) in enumerate(self.lookup_choices):
            if (condition := self.condition(str(value))) is not None:
                counts[f"{i}__c"] = Count(pk_attname, filter=condition)
        return counts


def counted_per_row(related: QuerySet, pointing: str) -> Coalesce:
    """An annotation: for each row of a list, the number of rows of `related` (a link table, or a table
    with a foreign key) whose field `pointing` points to it, counted by a subquery. A list's page reads it
    for its own rows alone, where a join and grouping counted it for every row of the table at each showing
    of the list, of its count and of its filters' counts."""
    counted = related.filter(**{pointing: OuterRef("pk")}).order_by().values(pointing)
    return Coalesce(Subquery(counted.annotate(count=Count("*")).values("count"), IntegerField()), 0)


class CountedChangeList(ChangeListRows):
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

    def searched_rows(self) -> BitMap | None:
        """The ids of every row of the table the list's search finds, where a subclass keeps them (None: the
        search is read with the list). The list searched is then those of the list without its search."""
        return None

    def get_results(self, request):
        if self.add_facets:
            # The counts read the list's ids, and the index every row's: the list's sizes are theirs, where
            # Django would count the list (a broad search matched its words for it again) and the table.
            _counted_as(self.queryset, len(self._listed_rows()))
            if not self.root_queryset.query.where:
                _counted_as(self.root_queryset, len(self._counted_rows().rows))
        elif self._only_searched() and (found := self.searched_rows()) is not None:
            _counted_as(self.queryset, len(found))  # the list is the search's rows
        return super().get_results(request)

    def _only_searched(self) -> bool:
        """Whether the list is searched, and has no other condition."""
        return bool(self.query.strip()) and not self._unsearched(()).query.where

    def _counted_rows(self) -> "CountedRows":
        if not hasattr(self, "_index"):
            self._wanted = self._what_to_count()
            self._index = counted_rows(self.model, self._wanted)
        return self._index

    def _listed_rows(self) -> BitMap:
        """The ids of the rows of the list as shown."""
        if not hasattr(self, "_listed"):
            self._listed = self._rows_without(())
        return self._listed

    def _rows_without(self, excluded: tuple) -> BitMap:
        """The ids of the rows of the list without the filters whose parameters are `excluded`."""
        found = self.searched_rows() if self.query.strip() else None
        if (chosen := self._chosen_rows(excluded)) is not None:
            return chosen & found if found is not None else chosen
        if found is not None:
            return found & self._rows_of(self._unsearched(excluded))
        if not excluded:
            return self._rows_of(self.queryset)
        return self._rows_of(self.get_queryset(self._request, exclude_parameters=list(excluded)))

    def _chosen_rows(self, excluded: tuple) -> BitMap | None:
        """The rows the filters in use keep (but those of parameters `excluded`), from the index alone, when
        the list has no other condition (besides a search) and the index knows each filter's choice; None
        when it cannot tell."""
        given = self.get_filters_params()
        used = [
            spec
            for spec in self.filter_specs
            if any(parameter in given for parameter in spec.expected_parameters())
        ]
        remaining = self._built_filters[2]  # lookups no filter takes (and the date hierarchy's)
        if self.root_queryset.query.where or remaining:
            return None
        rows = self._counted_rows().rows
        for spec in used:
            if tuple(spec.expected_parameters()) == excluded:
                continue
            if (kept := self._kept_by(spec)) is None:
                return None
            rows = rows & kept
        return rows

    def _kept_by(self, spec) -> BitMap | None:
        """The rows filter `spec`'s choice keeps, as the index holds them; None when it does not."""
        index = self._counted_rows()
        if isinstance(spec, RelatedFieldListFilter) and not self._column_of_this_table(spec):
            linked = index.related.get(_Path(self.model, spec.field_path))
            chosen = spec.used_parameters.get(spec.lookup_kwarg)
            empty = spec.used_parameters.get(spec.lookup_kwarg_isnull)
            if linked is None or bool(chosen) == bool(empty):
                return None
            if empty:
                if empty != ["True"]:
                    return None
                return linked.empty if linked.empty is not None else index.rows - linked.linked
            if len(chosen) != 1:
                return None
            try:
                return linked.sets.get(spec.field.target_field.to_python(chosen[0]), BitMap())
            except ValidationError:
                return None
        if isinstance(spec, CountedByCondition):
            if (chosen := spec.condition(spec.value())) is None:
                return None
            condition = _Condition(chosen)
        elif isinstance(spec, FieldListFilter):
            condition = _Condition(build_q_object_from_lookup_parameters(spec.used_parameters))
        else:
            return None
        equal = condition.equal_to(self.lookup_opts)
        if equal is not None and equal[0] in index.columns:
            column, value = equal
            return index.columns[column].get(value, BitMap())
        return index.conditions.get(condition)

    def _unsearched(self, excluded: tuple):
        """The list without its search (and without the filters of parameters `excluded`)."""
        searched, self.query = self.query, ""
        try:
            return self.get_queryset(self._request, exclude_parameters=list(excluded))
        finally:
            self.query = searched

    def _count_facets(self) -> list[dict[str, int]]:
        given = self.get_filters_params()
        counts: list[dict[str, int]] = [{} for _spec in self.filter_specs]
        index, wanted, live = self._counted_rows(), self._wanted, _Live(self.model)
        # The filters in use each count the list without their own choice, as Django's do; the others share
        # the list as shown.
        lists: dict[tuple, list[int]] = {}
        for position, spec in enumerate(self.filter_specs):
            chosen = any(parameter in given for parameter in spec.expected_parameters())
            lists.setdefault(tuple(spec.expected_parameters()) if chosen else (), []).append(position)
        for excluded, positions in lists.items():
            rows = self._rows_without(excluded) if excluded else self._listed_rows()
            for position in positions:
                for name, (kind, what) in wanted[position].items():
                    if kind == "related":
                        path, value = what
                        counts[position][name] = index.related[path].count(value, rows)
                    elif what in index.conditions:
                        counts[position][name] = index.conditions[what].intersection_cardinality(rows)
                    else:
                        counts[position][name] = live.rows(what).intersection_cardinality(rows)
        return counts

    def _what_to_count(self) -> list[dict[str, tuple]]:
        """Per filter, each count's key (as its `choices()` reads it) and what it counts: ("condition", Q)
        for the rows meeting a condition, ("related", (_Path, value)) for the rows linked to a value of a
        relation, or to none (None)."""
        wanted: list[dict[str, tuple]] = []
        every_row = self.model._default_manager.all()
        for spec in self.filter_specs:
            if isinstance(spec, RelatedFieldListFilter) and not self._column_of_this_table(spec):
                path = _Path(self.model, spec.field_path)
                keys = {f"{pk}__c": ("related", (path, pk)) for pk, _name in spec.lookup_choices}
                if spec.include_empty_choice:
                    keys["__c"] = ("related", (path, None))
                wanted.append(keys)
                continue
            keys = {}
            for name, aggregate in spec.get_facet_counts(self.lookup_opts.pk.attname, every_row).items():
                if not isinstance(aggregate, Count) or aggregate.filter is None:
                    raise TypeError(f"{spec!r}: a count is Count(pk, filter=condition), not {aggregate!r}")
                keys[name] = ("condition", _Condition(aggregate.filter))
            wanted.append(keys)
        return wanted

    def _rows_of(self, listed) -> BitMap:
        """The ids of a list's rows. A list with no condition of its own is every row of the table, which
        the index holds; a narrowed one (filtered, searched) is read, its ids alone."""
        if not listed.query.where:  # the admin's own queryset's conditions are the list's too
            return self._counted_rows().rows
        with self.reading_the_list():
            return BitMap(list(listed.order_by().values_list("pk", flat=True)))

    def _column_of_this_table(self, spec: RelatedFieldListFilter) -> bool:
        """A foreign key of the list's own table with few values (a product's type): counted as a condition
        on the column, no join."""
        return "__" not in spec.field_path and spec.field.many_to_one and len(spec.lookup_choices) <= 50


def _counted_as(queryset, number: int) -> None:
    """Make `queryset.count()` (the paginator's, the list's total) answer `number` without a query."""
    queryset.count = types.MethodType(lambda _queryset: number, queryset)


# --- the rows each count counts, per data version -------------------------------------------------------


@dataclass(frozen=True)
class _Condition:
    """A count's condition (a filter's value): hashable, so that the rows meeting it are kept by it."""

    q: Q

    def own_columns(self, opts) -> bool:
        """Whether the condition reads only columns of the list's own table, with plain values: then the rows
        meeting it change only with that table's rows, and the index keeps them."""
        return _reads_own_columns(opts, self.q)

    def equal_to(self, opts) -> tuple[str, object] | None:
        """For `column=value` (or `column__exact`, `column__isnull=True`): the column's name as read back
        and the value as it reads."""
        if self.q.negated or len(self.q.children) != 1 or not isinstance(self.q.children[0], tuple):
            return None
        lookup, value = self.q.children[0]
        found = _own_field(opts, lookup)
        if found is None:
            return None
        field, target, operator = found
        if operator in ("", "exact") and value is not None:
            try:
                return field.attname, target.to_python(value)
            except ValidationError:
                return None
        if operator == "isnull" and value is True:
            return field.attname, None
        return None


def _reads_own_columns(opts, q: Q) -> bool:
    for child in q.children:
        if isinstance(child, Q):
            if not _reads_own_columns(opts, child):
                return False
            continue
        lookup, value = child
        if hasattr(value, "resolve_expression") or _own_field(opts, lookup) is None:
            return False
    return True


def _own_field(opts, lookup: str):
    """The concrete field of the table `lookup` reads, the field its values are of (a foreign key's target),
    and the lookup's operator ("", "exact", "gte"...); None for a lookup that reaches another table."""
    name, *path = lookup.split("__")
    try:
        field = opts.pk if name == "pk" else opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.many_to_many:
        return None
    target = field.target_field if field.is_relation else field
    if field.is_relation and path[:1] in (["pk"], [target.name]):
        path = path[1:]  # product_type__id__exact: the foreign key's own column
    if len(path) > 1 or (path and path[0] not in field.get_lookups()):
        return None
    return field, target, path[0] if path else ""


@dataclass(frozen=True)
class _Path:
    """A relation a filter counts by (`themes`, `partnerships__programme`), from the list's model."""

    model: type
    path: str


@dataclass
class _Linked:
    """The rows linked to each value of a relation; `empty`: the rows linked to none (None: every row not
    in `linked`)."""

    sets: dict[object, BitMap]
    linked: BitMap
    empty: BitMap | None

    def count(self, value, rows: BitMap) -> int:
        if value is not None:
            found = self.sets.get(value)
            return found.intersection_cardinality(rows) if found is not None else 0
        if self.empty is not None:
            return self.empty.intersection_cardinality(rows)
        return len(rows) - self.linked.intersection_cardinality(rows)


@dataclass
class CountedRows:
    """Every row of a table (`rows`), and for each count a list's filters show, the rows it counts: by
    condition on the table's own columns, and by value of each relation."""

    rows: BitMap
    conditions: dict[_Condition, BitMap] = field(default_factory=dict)
    related: dict[_Path, _Linked] = field(default_factory=dict)
    # the rows having each value of the columns read: {column: {value: rows}}
    columns: dict[str, dict[object, BitMap]] = field(default_factory=dict)


# The sets kept in a process, for this many lists at most (a list's date filter asks for other rows each day).
_kept = freshness.KeptPerVersion(most=16)


def counted_rows(model, wanted: list[dict[str, tuple]]) -> CountedRows:
    """The rows behind the counts `wanted` (CountedChangeList._what_to_count), read once per data version
    (core.freshness), shared through the cache and kept in this process's memory while the version holds: a
    list's counts are then sizes of intersections, whatever its filters. A table whose changes do not move
    the data version is read anew."""
    opts = model._meta
    conditions = frozenset(
        what
        for keys in wanted
        for kind, what in keys.values()
        if kind == "condition" and what.own_columns(opts)
    )
    paths = frozenset(what[0] for keys in wanted for kind, what in keys.values() if kind == "related")
    tables = _tables_read(model, paths)
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True) or not all(map(freshness.watches, tables)):
        return _read(model, conditions, paths)
    # Kept per version of the part of the data holding the table and what its relations link to: the
    # products' sets follow the catalogue's, and a need submitted does not make them read again.
    linked = {path.model._meta.get_field(path.path.split("__")[0]).related_model for path in paths}
    labels = tables | {linked_model._meta.label_lower for linked_model in linked}
    key = (opts.concrete_model._meta.label_lower, conditions, paths)

    def shared(version: str) -> CountedRows:
        # One process reads them, the others load them from the shared cache (never an earlier version's).
        read = lambda: _read(model, conditions, paths)  # noqa: E731
        built, current = freshness.cached_at(_shared_name(key), read, version=version)
        return built if current else read()

    return _kept.get(labels, key, shared)


def forget() -> None:
    """Drop this process's copies (as a process that has read none)."""
    _kept.clear()


def _shared_name(key: tuple) -> str:
    """The name the shared cache keeps a list's sets under: the same in every process for the same table,
    conditions and relations (a hash of their text, which does not vary between processes as a set's order
    does)."""
    label, conditions, paths = key
    described = [label, *sorted(repr(condition.q) for condition in conditions)]
    described += sorted(f"{path.model._meta.label_lower}:{path.path}" for path in paths)
    return "admin-counts:" + hashlib.sha256("\n".join(described).encode()).hexdigest()[:32]


def _tables_read(model, paths) -> set[str]:
    """The models whose rows the counts read: the list's, and those along each relation but the last."""
    labels = {model._meta.concrete_model._meta.label_lower}
    for path in paths:
        current = model
        for name in path.path.split("__")[:-1]:
            current = current._meta.get_field(name).related_model
            labels.add(current._meta.concrete_model._meta.label_lower)
    return labels


def _read(model, conditions: frozenset, paths: frozenset) -> CountedRows:
    """One scan of the table for the conditions (a column compared in Python when the condition is
    equality, the others evaluated by the database), and a query per relation."""
    opts = model._meta
    equal = {condition: condition.equal_to(opts) for condition in conditions}
    columns = sorted({found[0] for found in equal.values() if found is not None})
    evaluated = [condition for condition, found in equal.items() if found is None]
    flags = {
        f"counted_{n}": ExpressionWrapper(condition.q, output_field=BooleanField())
        for n, condition in enumerate(evaluated)
    }
    scan = model._base_manager.order_by().annotate(**flags).values_list("pk", *columns, *flags)
    pks: list[int] = []
    by_value: list[dict] = [defaultdict(list) for _column in columns]
    meeting: list[list[int]] = [[] for _flag in flags]
    width = len(columns)
    for row in scan:
        pk = row[0]
        pks.append(pk)
        for n in range(width):
            by_value[n][row[1 + n]].append(pk)
        for n, met in enumerate(row[1 + width :]):
            if met:
                meeting[n].append(pk)
    read = CountedRows(BitMap(pks))
    read.columns = {
        column: {value: BitMap(members) for value, members in by_value[n].items()}
        for n, column in enumerate(columns)
    }
    for condition, found in equal.items():
        if found is not None:
            column, value = found
            read.conditions[condition] = read.columns[column].get(value, BitMap())
    for condition, members in zip(evaluated, meeting, strict=True):
        read.conditions[condition] = BitMap(members)
    for path in paths:
        read.related[path] = _linked(model, path.path)
    return read


def _linked(model, path: str) -> _Linked:
    """The rows linked to each value of the relation `path`. A many-to-many relation whose every link
    arrives at a value is read from its link table alone; any other by the table's rows, with what they link
    (a row with none, or whose chain ends empty, is "empty")."""
    first, _, rest = path.partition("__")
    relation = model._meta.get_field(first)
    sets: dict = defaultdict(list)
    if relation.many_to_many and not relation.auto_created and _never_null(relation.related_model, rest):
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        value = f"{target}__{rest}" if rest else f"{target}_id"
        links = relation.remote_field.through._default_manager.order_by()
        for pk, linked in links.values_list(f"{source}_id", value):
            sets[linked].append(pk)
        found = {linked: BitMap(members) for linked, members in sets.items()}
        return _Linked(found, BitMap.union(BitMap(), *found.values()), None)
    for pk, linked in model._base_manager.order_by().values_list("pk", path):
        sets[linked].append(pk)
    found = {linked: BitMap(members) for linked, members in sets.items()}
    empty = found.pop(None, BitMap())
    return _Linked(found, BitMap.union(BitMap(), *found.values()), empty)


def _never_null(model, path: str) -> bool:
    """Whether following `path` from a row of `model` always arrives at a value (each step a required
    foreign key): then a row is "empty" exactly when it has no link."""
    for name in filter(None, path.split("__")):
        field_ = model._meta.get_field(name)
        if not field_.many_to_one or field_.null:
            return False
        model = field_.related_model
    return True


class _Live:
    """The rows meeting conditions that read other tables (a product whose last link check found a problem):
    read for each showing of the list, once per condition."""

    def __init__(self, model):
        self.model = model
        self.read: dict[_Condition, BitMap] = {}

    def rows(self, condition: _Condition) -> BitMap:
        if condition not in self.read:
            matching = self.model._base_manager.order_by().filter(condition.q).values_list("pk", flat=True)
            self.read[condition] = BitMap(list(matching))
        return self.read[condition]
