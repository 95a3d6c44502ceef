"""A record's related rows read in the record's own row, as JSON, instead of by a query per relation.

`prefetch_related()` reads each relation with a query of its own: a product page with its tags, documents,
organisations, partnerships and stakeholders took six queries, each a round trip to the database and a
query for Django to compile, most of the page's time. `InRow` reads such a relation as a JSON array in the
record's row (PostgreSQL's `jsonb_agg`, SQLite's `json_group_array` over a correlated subquery), in the
order the related queryset gives, and `keep()` builds the related objects from it into the record's
prefetch cache, where `record.partnerships.all()` finds them as it would have after `prefetch_related()`.

    products = KnowledgeProduct.objects.annotate(**InRow.annotations(KnowledgeProduct, LINKS))
    product = products.get(slug=...)
    InRow.keep_all([product], LINKS)

(`KnowledgeProductQuerySet.with_linked()` does both.) The related objects are read whole (every concrete
field, as `prefetch_related()` reads them, but those named in `skip`), with the foreign keys named in
`related` read with them (as `select_related()`), one level or more ("stakeholder",
"stakeholder__organisation"). Both databases aggregate the rows of a sorted subquery in its order
(tests/core/test_linked_rows.py checks it on each).

The SQL is written once per process and refers to the record's table by its name: it is for queries of the
model itself (a page's records), not for one nested in another query, where the table has an alias.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import NotSupportedError, connections, models, router
from django.db.models import F, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject

ROW = "linked_row"
PREFIX = "linked_rows_"


class JSONRows(Subquery):
    """The rows of a subquery whose one column (`linked_row`) is a JSON object per row, as one JSON array in
    the outer row, in the subquery's order ([] when it has none)."""

    output_field = models.JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        raise NotSupportedError(
            f"Related rows in JSON are written for PostgreSQL and SQLite, not {connection.vendor}."
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        template = f"(SELECT COALESCE(JSONB_AGG(linked.{ROW}), '[]'::jsonb) FROM (%(subquery)s) AS linked)"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = f"(SELECT JSON_GROUP_ARRAY(JSON(linked.{ROW})) FROM (%(subquery)s) AS linked)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


@dataclass(frozen=True)
class InRow:
    """A relation of a model read in its rows: `name`, the relation's manager on the record (its prefetch
    cache's name); `queryset`, the related rows of one record (filtered by `OuterRef("pk")`), in the order
    they are shown; `related`, the foreign keys of those rows read with them."""

    name: str
    queryset: QuerySet
    related: tuple[str, ...] = ()
    # Fields of a related row left unread (large or private text the pages never show); reading one after
    # costs a query, as a deferred field does.
    skip: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def annotations(model: type[models.Model], links: Iterable["InRow"]) -> dict[str, RawSQL]:
        """The annotations that read these relations in the rows of `model`: SQL written once per process
        and database (Django took longer to write a product page's query than the database to answer it)."""
        return {PREFIX + link.name: link.sql(model, connections[router.db_for_read(model)]) for link in links}

    @staticmethod
    def keep_all(records: Iterable[models.Model], links: Iterable["InRow"]) -> None:
        """Each record's related objects, from the JSON its row carried, into its prefetch cache."""
        links = list(links)
        for record in records:
            for link in links:
                link.keep(record, getattr(record, PREFIX + link.name))

    def expression(self) -> JSONRows:
        columns = {key: F(key) for part in self._parts for key in part.keys}
        return JSONRows(self.queryset.values(**{ROW: JSONObject(**columns)}))

    def sql(self, model: type[models.Model], connection) -> RawSQL:
        """The relation's subquery as SQL in a query of `model`'s table (not aliased: a query of the model
        itself, not one nested in another query)."""
        key = (model._meta.label, connection.alias, connection.vendor)
        if key not in self._written:
            query = model._default_manager.annotate(linked=self.expression()).query
            compiler = query.get_compiler(connection=connection)
            query.get_initial_alias()
            self._written[key] = compiler.compile(query.annotations["linked"])
        sql, params = self._written[key]
        return RawSQL(sql, params, output_field=models.JSONField())

    @cached_property
    def _written(self) -> dict:
        return {}

    def keep(self, record: models.Model, rows) -> None:
        if isinstance(rows, str):
            rows = json.loads(rows)
        db = self.queryset.db
        objects = [self._build(row, db) for row in rows]
        cached = QuerySet(model=self.queryset.model)
        cached._result_cache = objects
        cached._prefetch_done = True
        if not hasattr(record, "_prefetched_objects_cache"):
            record._prefetched_objects_cache = {}
        record._prefetched_objects_cache[self.name] = cached

    # --- the columns, and the objects built from them -------------------------------------------------------

    @cached_property
    def _parts(self) -> list["_Part"]:
        """The related model and each foreign key read with it, the deepest first, so that each object is
        built after the ones it points to."""
        parts = []
        for path in sorted(("", *self.related), key=lambda path: -path.count("__") - bool(path)):
            model = self.queryset.model
            for name in path.split("__") if path else ():
                model = model._meta.get_field(name).related_model
            skip = self.skip if not path else frozenset()
            fields = [f for f in model._meta.concrete_fields if f.name not in skip]
            prefix = f"{path}__" if path else ""
            children = [
                (other[len(prefix) :], other)
                for other in self.related
                if other.startswith(prefix) and other != path and "__" not in other[len(prefix) :]
            ]
            parts.append(_Part(path, model, fields, [prefix + f.attname for f in fields], children))
        return parts

    def _build(self, row: dict, db: str) -> models.Model:
        built: dict[str, models.Model | None] = {}
        for part in self._parts:
            if part.path and row.get(part.pk_key) is None:
                built[part.path] = None  # a foreign key left empty
                continue
            values = [_value(f, row.get(key)) for f, key in zip(part.fields, part.keys, strict=True)]
            obj = part.model.from_db(db, part.attnames, values)
            for name, path in part.children:
                setattr(obj, name, built[path])
            built[part.path] = obj
        return built[""]


@dataclass(frozen=True)
class _Part:
    """The related model, or one read with it through foreign keys (`path`), as its row's JSON carries it:
    its fields under `keys`, and the foreign keys read with it, (attribute, path), in `children`."""

    path: str
    model: type[models.Model]
    fields: list[models.Field]
    keys: list[str]
    children: list[tuple[str, str]]

    @cached_property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    @cached_property
    def pk_key(self) -> str:
        return next(key for f, key in zip(self.fields, self.keys, strict=True) if f.primary_key)


def _value(f: models.Field, value):
    """A value as the database gave it in JSON, as the field holds it (SQLite writes booleans as 0 and 1,
    dates as text, and a JSON column as its text)."""
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(f, models.ForeignKey):
        return f.target_field.to_python(value)
    if isinstance(f, models.FileField):  # its name: the field's descriptor makes the file of it
        return value
    return f.to_python(value)
