"""Names curators keep in every language of the site: a theme's, a product type's, a programme's …

The English text stays in the model's own fields (`name`, `description`): slugs are made from it, the
spreadsheets and the history read it, and it is what every other language falls back to. The other
languages' texts live beside it in one JSON column, `translations`: {"nl": {"name": …, "description": …}}.
The languages are those of `settings.LANGUAGES` at the time the code runs, so a language added there is
offered in the admin and shown on its pages with no new column or migration. `docs/architecture.md` says
why this and not a column per language.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def other_languages() -> list[tuple[str, str]]:
    """The site's languages but the default one (English), whose texts are the model's own fields."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def pick(own: str, translations: dict | None, field: str, language: str | None = None) -> str:
    """`field`'s text in `language` (the active one by default), else the English text `own`."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE and translations:
        text = (translations.get(language) or {}).get(field)
        if text:
            return text
    return own


class TranslatedNames(models.Model):
    """A model whose name (and description) curators translate. `display_name` is what pages show."""

    translated_fields: tuple[str, ...] = ("name", "description")

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("The name and description in the site's other languages; English where left empty."),
    )

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        return pick(getattr(self, field), self.translations, field, language)

    @property
    def display_name(self) -> str:
        """The name in the page's language."""
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")

    def names(self) -> dict[str, str]:
        """The name in every language of the site, English where it has no translation."""
        return {code: self.translated("name", code) for code, _name in settings.LANGUAGES}


def translation_field_name(field: str, language: str) -> str:
    return f"{field}_{language}"


class TranslationsForm(forms.ModelForm):
    """A model form with a field per translated text and language ("Name (Nederlands)"), read from and
    written to the row's `translations`. The fields are made when the form is, from `settings.LANGUAGES`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for field, language in translated_form_fields(type(self.instance)):
            name = translation_field_name(field, language)
            if name in self.fields:
                self.fields[name].initial = (stored.get(language) or {}).get(field, "")

    def clean(self):
        cleaned = super().clean()
        translations = {}
        for field, language in translated_form_fields(type(self.instance)):
            text = (cleaned.get(translation_field_name(field, language)) or "").strip()
            if text:
                translations.setdefault(language, {})[field] = text
        self.instance.translations = translations
        return cleaned


def translated_form_fields(model) -> list[tuple[str, str]]:
    return [(field, code) for code, _name in other_languages() for field in model.translated_fields]


def translations_form(model) -> type[TranslationsForm]:
    """The admin form of `model`: its own fields, and the translated texts per language but English."""
    declared = {}
    for field, language in translated_form_fields(model):
        model_field = model._meta.get_field(field)
        language_name = dict(settings.LANGUAGES)[language]
        label = f"{model_field.verbose_name.capitalize()} ({language_name})"
        widget = forms.Textarea(attrs={"rows": 3}) if isinstance(model_field, models.TextField) else None
        declared[translation_field_name(field, language)] = forms.CharField(
            label=label,
            required=False,
            max_length=model_field.max_length,
            widget=widget,
            help_text=_("Left empty, the English text is shown."),
        )
    meta = type("Meta", (), {"model": model, "exclude": ["translations"]})
    return type(f"{model.__name__}TranslationsForm", (TranslationsForm,), {**declared, "Meta": meta})
