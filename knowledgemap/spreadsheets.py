"""Spreadsheets curators can read and write: import and export through django-import-export.

- Relations are names or codes, never database ids: a theme by its name or slug, a country by its ISO code
  or name. Many values in one cell are separated by "; " (names such as "Fair, Green and Global Alliance"
  hold commas).
- Every import is all or nothing: one bad row and nothing is saved. Each problem is one sentence naming the
  spreadsheet row ("Row 12, column “themes”: unknown theme “Xyz”"); rows count as in a spreadsheet program,
  the header being row 1.
- Rows are matched to existing records by slug, or by a natural key when the slug cell is empty; rows that
  would change nothing are skipped, and each saved row makes one history entry.
- Lookup tables are read once per import, so a 5,000-row sheet does not ask the database 5,000 times which
  theme "Civic space" is.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from knowledgemap.history import pause_history, record_created, resume_history

SEPARATOR = "; "
_AMBIGUOUS = object()
# Cells an importer leaves untouched when they are empty.
_BLANK = (None, "")


def normalise(value: Any) -> str:
    """The form two names are compared in: case and runs of spaces do not count."""
    return " ".join(str(value).split()).casefold()


def tidy(value: Any) -> str:
    """A cell's text without stray spaces; a whole number typed into a spreadsheet stays whole."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def split_cell(value: Any) -> list[str]:
    if value in _BLANK:
        return []
    return [tidy(part) for part in str(value).split(SEPARATOR.strip()) if part.strip()]


class Lookup:
    """Finds rows of a model by any of several names or codes, reading the table once.

    `keys` are attribute names, or callables that return several names for one row (aliases)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        keys: Iterable[str | Callable[[Any], Iterable[str]]] = ("name", "slug"),
        label: str = "name",
        noun: str | None = None,
        fallback_label: str = "slug",
    ):
        self.model = model
        self.keys = tuple(keys)
        self.label = label
        self.fallback_label = fallback_label
        self.noun = noun or str(model._meta.verbose_name)
        self._index: dict[str, Any] | None = None

    def reset(self) -> None:
        self._index = None

    def _keys_of(self, obj) -> Iterable[str]:
        for key in self.keys:
            values = key(obj) if callable(key) else [getattr(obj, key)]
            yield from (normalise(value) for value in values if value not in _BLANK)

    @property
    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = {}
            for obj in self.model._default_manager.all():
                self._add(self._index, obj)
        return self._index

    def add(self, obj) -> None:
        """Make `obj` findable, e.g. a tag the import just created."""
        self._add(self.index, obj)

    def _add(self, index: dict[str, Any], obj) -> None:
        for key in set(self._keys_of(obj)):
            seen = index.get(key)
            same = seen is None or (seen is not _AMBIGUOUS and seen.pk == obj.pk)
            index[key] = obj if same else _AMBIGUOUS

    def find(self, value: Any):
        found = self.index.get(normalise(value))
        if found is None:
            raise ValueError(f"unknown {self.noun} “{tidy(value)}”")
        if found is _AMBIGUOUS:
            raise ValueError(
                f"“{tidy(value)}” names more than one {self.noun}: give its {self.fallback_label}"
            )
        return found

    def find_all(self, values: Iterable[Any]) -> list:
        found, problems = [], []
        for value in values:
            try:
                obj = self.find(value)
            except ValueError as error:
                problems.append(str(error))
            else:
                if obj not in found:
                    found.append(obj)
        if problems:
            raise ValueError("; ".join(problems))
        return found

    def label_of(self, obj) -> str:
        """The name to write in a sheet: the readable one when it is unambiguous, else the slug or code."""
        label = getattr(obj, self.label)
        if self.index.get(normalise(label)) is _AMBIGUOUS:
            return str(getattr(obj, self.fallback_label))
        return str(label)


class RelatedWidget(widgets.Widget):
    """A foreign key given by name or code."""

    def __init__(self, lookup: Lookup, **kwargs):
        super().__init__(**kwargs)
        self.lookup = lookup

    def clean(self, value, row=None, **kwargs):
        return None if value in _BLANK or not tidy(value) else self.lookup.find(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.lookup.label_of(value)


class RelatedSetWidget(widgets.Widget):
    """A many-to-many relation given as names or codes separated by "; "."""

    def __init__(self, lookup: Lookup, **kwargs):
        super().__init__(**kwargs)
        self.lookup = lookup

    def clean(self, value, row=None, **kwargs) -> list:
        return self.lookup.find_all(split_cell(value))

    def render(self, value, obj=None, **kwargs):
        return SEPARATOR.join(self.lookup.label_of(item) for item in value.all()) if value is not None else ""

    def render_cleaned(self, cleaned: list) -> str:
        return SEPARATOR.join(self.lookup.label_of(item) for item in cleaned)

    def stored(self, manager) -> list:
        """What the record holds now, in the form `clean` returns."""
        return list(manager.all())

    def same(self, cleaned: list, stored: list) -> bool:
        return {item.pk for item in cleaned} == {item.pk for item in stored}

    def write(self, manager, cleaned: list) -> None:
        manager.set(cleaned)

    def through_rows(self, model_field, instance, cleaned: list) -> list[models.Model]:
        """The rows of the relation table that link a new `instance`, to insert with many others at once."""
        through = model_field.remote_field.through
        source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        return [through(**{f"{source}_id": instance.pk, f"{target}_id": item.pk}) for item in cleaned]


class TagsWidget(RelatedSetWidget):
    """Free tags (django-taggit): new names become new tags; "Advocacy " finds the existing "advocacy"."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        names: dict[str, str] = {}
        for name in split_cell(value):
            names.setdefault(normalise(name), name)
        return list(names.values())

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(sorted((tag.name for tag in value.all()), key=str.casefold))

    def render_cleaned(self, cleaned: list[str]) -> str:
        return SEPARATOR.join(sorted(cleaned, key=str.casefold))

    def stored(self, manager) -> list[str]:
        return [tag.name for tag in manager.all()]

    def same(self, cleaned: list[str], stored: list[str]) -> bool:
        return {normalise(name) for name in cleaned} == {normalise(name) for name in stored}

    def tags(self, names: list[str]) -> list:
        tags = []
        for name in names:
            try:
                tags.append(self.lookup.find(name))
            except ValueError:
                tag = self.lookup.model._default_manager.create(name=name)
                self.lookup.add(tag)
                tags.append(tag)
        return tags

    def write(self, manager, cleaned: list[str]) -> None:
        manager.set(self.tags(cleaned))

    def through_rows(self, model_field, instance, cleaned: list[str]) -> list[models.Model]:
        # Tags through a TaggedItemBase model (a plain foreign key to the tagged object).
        through = model_field.through
        return [through(content_object_id=instance.pk, tag_id=tag.pk) for tag in self.tags(cleaned)]


class ChoiceWidget(widgets.Widget):
    """A choice given by its value or its label ("published" or "Published"). Empty leaves it as it is."""

    def __init__(self, choices: type[models.TextChoices], noun: str, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.noun = noun
        self._by_name = {}
        for choice in choices:
            self._by_name[self._key(choice.label)] = choice.value
            self._by_name[self._key(choice.value)] = choice.value

    @staticmethod
    def _key(value) -> str:
        # "Southern CSO", "southern-cso" and "southern_cso" are one choice.
        return normalise(str(value).replace("-", " ").replace("_", " "))

    def clean(self, value, row=None, **kwargs):
        if value in _BLANK or not tidy(value):
            return None
        try:
            return self._by_name[self._key(value)]
        except KeyError:
            allowed = ", ".join(self.choices.values)
            raise ValueError(f"unknown {self.noun} “{tidy(value)}” (use one of: {allowed})") from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    """yes/no, true/false or 1/0. Empty leaves it as it is."""

    YES = {"yes", "y", "true", "1", "x"}
    NO = {"no", "n", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        if value in _BLANK or not tidy(value):
            return None
        if isinstance(value, bool):
            return value
        word = normalise(tidy(value))
        if word in self.YES:
            return True
        if word in self.NO:
            return False
        raise ValueError(f"“{tidy(value)}” is not yes or no")

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class TextWidget(widgets.CharWidget):
    """Text, with a number typed into a spreadsheet cell ("2019.0") read back as it was typed ("2019")."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().clean(value, row, **kwargs).strip()


class KeepWhenBlankTextWidget(TextWidget):
    """Text that an empty cell leaves as it is (a slug: emptying the cell must not change the address)."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or None


def column(name: str, widget: widgets.Widget, *, attribute: str | None = None, keep_when_blank=False):
    return fields.Field(
        attribute=attribute or name,
        column_name=name,
        widget=widget,
        saves_null_values=not keep_when_blank,
    )


class RelationColumn(fields.Field):
    """A many-to-many column. Its values wait on the instance until the instance is saved."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.__dict__.setdefault("_sheet_relations", {})[self.attribute] = self.clean(row, **kwargs)


def relation(name: str, widget: RelatedSetWidget, *, attribute: str | None = None) -> RelationColumn:
    return RelationColumn(attribute=attribute or name, column_name=name, widget=widget)


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


class SheetResource(resources.ModelResource):
    """Base of the importable sheets. A subclass declares its columns, `lookups` (to reset per import),
    `natural_key_of_row`/`natural_key_of` for matching without a slug, and `get_queryset` with the
    select_related/prefetch_related its columns need."""

    lookups: tuple[Lookup, ...] = ()
    natural_key_description = "name"

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
        for lookup in self.lookups:
            lookup.reset()
        unknown = [h for h in dataset.headers or [] if h and h not in self.column_names()]
        if unknown:
            raise ValueError(
                f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(self.column_names())}."
            )
        self._by_slug: dict[str, models.Model] = {}
        self._by_key: dict[tuple, Any] = {}
        self._claimed: dict[tuple, int] = {}
        self._created: list[models.Model] = []
        for obj in self.get_queryset():
            self._by_slug[obj.slug] = obj
            key = self.natural_key_of(obj)
            self._by_key[key] = _AMBIGUOUS if key in self._by_key else obj

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)

    def get_instance(self, instance_loader, row):
        slug = tidy(row.get("slug") or "")
        if slug:
            self._claim(("slug", slug), "slug")
            return self._by_slug.get(slug)
        key = self.natural_key_of_row(row)
        if not key:
            return None
        self._claim(key, self.natural_key_description)
        found = self._by_key.get(key)
        if found is _AMBIGUOUS:
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
        record_created(self._created)

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: any bad row rolls the whole sheet back, whatever the caller asked for.
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )
        result.columns = {field.attribute: field.column_name for field in self.get_import_fields()}
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


def readable_export_resource(model: type[models.Model], *, exclude: Iterable[str] = ()) -> type:
    """An export-only resource whose relations are names, not ids; one line gives a model's admin its export:

    resource_classes = [readable_export_resource(LearningFormat)]"""
    excluded = set(exclude)
    columns, select, prefetch = {}, [], []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        hidden = isinstance(field, models.AutoField) or (not field.editable and not field.many_to_many)
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
        (resources.ModelResource,),
        {**columns, "Meta": meta, "filter_export": filter_export},
    )
