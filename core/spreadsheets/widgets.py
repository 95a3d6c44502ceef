"""Cells to values and back: relations by name or code, choices by value or label, yes/no, text."""

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db import models
from import_export import fields, widgets

SEPARATOR = "; "
AMBIGUOUS = object()
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
            same = seen is None or (seen is not AMBIGUOUS and seen.pk == obj.pk)
            index[key] = obj if same else AMBIGUOUS

    def find(self, value: Any):
        found = self.index.get(normalise(value))
        if found is None:
            raise ValueError(f"unknown {self.noun} “{tidy(value)}”{self._did_you_mean(value)}")
        if found is AMBIGUOUS:
            raise ValueError(
                f"“{tidy(value)}” names more than one {self.noun}: give its {self.fallback_label}"
            )
        return found

    def _did_you_mean(self, value: Any) -> str:
        """The closest known names (difflib's ratio), for a name that is not known: a typo, mostly."""
        close = difflib.get_close_matches(normalise(value), list(self.index), n=6, cutoff=0.6)
        labels = []
        for key in close:
            found = self.index[key]
            label = key if found is AMBIGUOUS else self.label_of(found)
            if label not in labels:
                labels.append(label)
        if not labels:
            return ""
        return " (did you mean " + " or ".join(f"“{label}”" for label in labels[:3]) + "?)"

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
        if self.index.get(normalise(label)) is AMBIGUOUS:
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


class LinkWidget(TextWidget):
    """A web address, read as the forms read one (Django's URLField): typed without a scheme, it is https."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return forms.URLField(assume_scheme="https").to_python(text) if text else text


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


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number such as a year. Anything else is a cell error in the curator's words, collected with
    the row's other errors (import-export's own widget raised decimal's error, which hid them)."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        text = tidy(value)
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a whole number.") from None
        if not number.is_integer():
            raise ValueError(f"“{text}” is not a whole number.")
        return int(number)
