"""The base of importable sheets (matching, all or nothing, bulk writes, one history entry per record) and
export-only resources with readable relations."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from core import freshness
from core.history import pause_history, record_created, resume_history
from core.spreadsheets.formats import unescape
from core.spreadsheets.widgets import (
    AMBIGUOUS,
    SEPARATOR,
    RelatedWidget,
    RelationColumn,
    tidy,
)


class SheetResult(Result):
    columns: dict[str, str] = {}

    @property
    def problems(self) -> list[str]:
        """Every problem of an import as one sentence that names the spreadsheet row (the header is row 1)."""
        problems = [str(error.error) for error in self.base_errors]
        for number, errors in self.row_errors():
            problems.extend(f"Row {number + 1}: {error.error}" for error in errors)
        for row in self.invalid_rows:
            for name, messages in row.error_dict.items():
                where = "" if name == NON_FIELD_ERRORS else f", column “{self.columns.get(name, name)}”"
                problems.extend(f"Row {row.number + 1}{where}: {message}" for message in messages)
        return problems


class SheetDiff(resources.Diff):
    """The preview's before and after of a row, with the relations the row names rather than the ones
    stored: a new row's relations are saved only after the last row, and reading them back would cost
    several queries a row."""

    def __init__(self, resource, instance, new):
        self.left = self._values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance) -> list[str]:
        relations = {
            **instance.__dict__.get("_sheet_stored", {}),
            **instance.__dict__.get("_sheet_relations", {}),
        }
        return [
            field.widget.render_cleaned(relations[field.attribute])
            if isinstance(field, RelationColumn)
            else field.export(instance)
            for field in resource.get_import_fields()
        ]


class LabelledColumns:
    """Columns headed as the admin's forms label the fields, in the active language ("Lessons: why it is
    valuable", not "why_valuable"). An import reads a heading in any of the site's languages, or the
    column's short name (`column_name`, as in the demo data and older exports)."""

    def label_of(self, field) -> str:
        try:
            name = self._meta.model._meta.get_field(field.attribute).verbose_name
        except FieldDoesNotExist:
            name = field.column_name.replace("_", " ")
        return capfirst(str(name))

    def get_export_headers(self, selected_fields=None):
        return [self.label_of(field) for field in self.get_export_fields(selected_fields) if field]

    def labels(self) -> list[str]:
        """The import columns' headings, in the active language."""
        return [self.label_of(field) for field in self.get_import_fields()]

    def column_of_heading(self) -> dict[str, str]:
        """{heading, case-folded: column_name} for every heading an import understands."""
        known = {}
        for field in self.get_import_fields():
            known[field.column_name.casefold()] = field.column_name
            for language, _ in settings.LANGUAGES:
                with translation.override(language):
                    known.setdefault(self.label_of(field).casefold(), field.column_name)
        return known


class SheetResource(LabelledColumns, resources.ModelResource):
    """Base of the importable sheets. A subclass declares its columns,
    `natural_key_of_row`/`natural_key_of` for matching without a slug, `get_queryset` with the
    select_related/prefetch_related its columns need, and `example_row` for the admin's template."""

    natural_key_description = "name"
    # The column (and field) that names a record for good, when the model has one; else only the natural key.
    key_field: str | None = "slug"

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Rows are matched in get_instance: by slug, else by natural key.
        import_id_fields: list[str] = []

    # Matching ----------------------------------------------------------------------------------------------
    def natural_key_of_row(self, row) -> tuple | None:
        raise NotImplementedError

    def natural_key_of(self, obj) -> tuple:
        raise NotImplementedError

    def before_import(self, dataset, **kwargs):
        _unescape_cells(dataset)
        for field in self.fields.values():
            if hasattr(field.widget, "lookup"):
                field.widget.lookup.reset()  # Read the tables afresh: a resource may import twice.
        headings = self.column_of_heading()
        unknown = [h for h in dataset.headers or [] if h and str(h).strip().casefold() not in headings]
        if unknown:
            raise ValueError(
                f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(self.labels())}."
            )
        dataset.headers = [headings[str(h).strip().casefold()] if h else h for h in dataset.headers or []]
        self._by_slug: dict[str, models.Model] = {}
        self._by_key: dict[tuple, Any] = {}
        self._claimed: dict[tuple, int] = {}
        self._created: list[models.Model] = []
        for obj in self.get_queryset():
            if self.key_field and getattr(obj, self.key_field):
                self._by_slug[getattr(obj, self.key_field)] = obj
            key = self.natural_key_of(obj)
            self._by_key[key] = AMBIGUOUS if key in self._by_key else obj

    def example_row(self) -> dict:
        """One filled-in row for the downloadable template, by column name."""
        return {}

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)

    def get_instance(self, instance_loader, row):
        slug = tidy(row.get(self.key_field) or "") if self.key_field else ""
        if slug:
            self._claim((self.key_field, slug), self.key_field)
            return self._by_slug.get(slug)
        key = self.natural_key_of_row(row)
        if not key:
            return None
        self._claim(key, self.natural_key_description)
        found = self._by_key.get(key)
        if found is AMBIGUOUS:
            noun = self._meta.model._meta.verbose_name
            key = self.natural_key_description
            raise ValidationError(f"more than one {noun} has this {key}: give the slug of the one you mean")
        return found

    def _claim(self, key: tuple, description: str) -> None:
        """One record, one row: a second row for the same record is most likely a slip."""
        earlier = self._claimed.setdefault(key, self._row_number)
        if earlier != self._row_number:
            raise ValidationError(f"row {earlier + 1} has the same {description}")

    # Saving ------------------------------------------------------------------------------------------------
    def after_init_instance(self, instance, new, row, **kwargs):
        # The relations the record holds before the row is applied, read once from the prefetched rows: the
        # copy import-export takes of the record to compare against loses Django's prefetch cache.
        fields = [field for field in self.get_import_fields() if isinstance(field, RelationColumn)]
        instance._sheet_stored = {
            field.attribute: [] if new else field.widget.stored(getattr(instance, field.attribute))
            for field in fields
        }
        # Read now, the prefetched rows are of no more use, and import-export deep-copies the record next:
        # with them, each copy cost about 3 ms, most of a 5,000-row sheet's time.
        instance.__dict__.pop("_prefetched_objects_cache", None)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        relations, stored = instance.__dict__.get("_sheet_relations", {}), instance._sheet_stored
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            if isinstance(field, RelationColumn):
                if not field.widget.same(relations[field.attribute], stored[field.attribute]):
                    return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return True

    def get_diff_class(self):
        return SheetDiff

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Unique constraints are checked, so a clash gets a row and a reason; check constraints are not: the
        # model's clean() says the same more kindly, the database still enforces them, and checking them
        # here would cost two queries a row. Foreign keys that the lookups found need no second look.
        errors = dict(import_validation_errors or {})
        found = {f.attribute for f in self.get_import_fields() if isinstance(f.widget, RelatedWidget)}
        try:
            instance.full_clean(
                exclude=set(errors) | found, validate_unique=validate_unique, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        model = type(instance)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                try:
                    constraint.validate(model, instance, exclude=set(errors))
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._sheet_created = instance.pk is None
        pause_history(instance)

    def save_m2m(self, instance, row, **kwargs):
        if instance.__dict__.pop("_sheet_created", False):
            # New records get their relations and history in bulk after the last row (see after_import).
            del instance.skip_history_when_saving
            self._created.append(instance)
            return
        relations, stored = instance.__dict__.get("_sheet_relations", {}), instance._sheet_stored
        for field in self.get_import_fields():
            if not isinstance(field, RelationColumn) or field.attribute not in relations:
                continue
            if not field.widget.same(relations[field.attribute], stored[field.attribute]):
                field.widget.write(getattr(instance, field.attribute), relations[field.attribute])
        resume_history(instance, created=False)

    def save_created_relations(self) -> None:
        """Link the new records to their themes, countries, tags… in one insert per relation."""
        model = self._meta.model
        for field in self.get_import_fields():
            if not isinstance(field, RelationColumn):
                continue
            model_field = model._meta.get_field(field.attribute)
            rows = []
            for instance in self._created:
                cleaned = instance.__dict__.get("_sheet_relations", {}).get(field.attribute)
                if cleaned:
                    rows.extend(field.widget.through_rows(model_field, instance, cleaned))
            if rows:
                rows[0]._meta.model.objects.bulk_create(rows, batch_size=500)
        # Links inserted in bulk send no signal: the records they link are changed data.
        freshness.changed(model, [instance.pk for instance in self._created])
        record_created(self._created)

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: any bad row rolls the whole sheet back, whatever the caller asked for.
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )
        result.columns = {field.attribute: self.label_of(field) for field in self.get_import_fields()}
        return result

    def get_result_class(self):
        return SheetResult

    def after_import(self, dataset, result, **kwargs):
        failed = result.has_errors() or result.has_validation_errors()
        if kwargs.get("dry_run") or failed:
            # A preview shows the rows; it writes no relations, since everything is rolled back anyway.
            return
        self.save_created_relations()
        super().after_import(dataset, result, **kwargs)
        saved = [
            row.object_id
            for row in result.rows
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
        ]
        if saved:
            self.after_rows_saved(saved)

    def after_rows_saved(self, ids: list) -> None:
        """Work that follows a real import, once, for the new and changed records."""

    # Export ------------------------------------------------------------------------------------------------
    def filter_export(self, queryset, **kwargs):
        base = self.get_queryset()
        return queryset.select_related(*base.query.select_related or ()).prefetch_related(
            *base._prefetch_related_lookups
        )


def _readable_widget(field) -> widgets.Widget:
    if field.many_to_many:
        return _StrSetWidget()
    if field.is_relation:
        return _StrWidget()
    if field.choices:
        return _StrWidget()
    return widgets.Widget()


class _StrWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class _StrSetWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else SEPARATOR.join(str(item) for item in value.all())


def readable_export_resource(
    model: type[models.Model], *, exclude: Iterable[str] = (), include: Iterable[str] = ()
) -> type:
    """An export-only resource whose relations are names, not ids; one line gives a model's admin its export:

    resource_classes = [readable_export_resource(LearningFormat)]

    Fields nobody edits (a reference, a creation date) are left out unless named in `include`."""
    excluded, included = set(exclude), set(include)
    columns, select, prefetch = {}, [], []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        not_edited = not field.editable and not field.many_to_many and field.name not in included
        hidden = isinstance(field, models.AutoField) or not_edited
        if field.name in excluded or hidden:
            continue
        columns[field.name] = fields.Field(
            attribute=field.name, column_name=field.name, widget=_readable_widget(field)
        )
        if field.many_to_many:
            prefetch.append(field.name)
        elif field.is_relation:
            select.append(field.name)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*select).prefetch_related(*prefetch)

    meta = type("Meta", (), {"model": model, "fields": list(columns)})
    return type(
        f"{model.__name__}ExportResource",
        (LabelledColumns, resources.ModelResource),
        {**columns, "Meta": meta, "filter_export": filter_export},
    )


def _unescape_cells(dataset) -> None:
    """Take off the ' that a CSV export put before text starting like a formula (see formats.py)."""
    if not any(isinstance(cell, str) and cell.startswith("'") for row in dataset for cell in row):
        return
    rows = [[unescape(cell) for cell in row] for row in dataset]
    for index, row in enumerate(rows):
        dataset[index] = row
