"""Public forms of the inventory (nominating a product), and the choice fields the public forms share."""

import re
import unicodedata
from collections import defaultdict
from itertools import groupby
from operator import attrgetter

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.kept_uploads import KeepsUploads
from core.submissions import PublicForm
from inventory.models import FIRST_YEAR, Country, Language, Partnership, ProductType, Region, Theme
from inventory.uploads import document_field

NO_NUL = ProhibitNullCharactersValidator()
EMAIL_MESSAGES = {
    "required": _("Add your e-mail address."),
    "invalid": _("Check your e-mail address: it looks like name@example.org."),
}


# The choice of a partnership that is not in the list (its name is then typed).
NOT_LISTED = "not-listed"


class PartnershipChoiceIterator(ModelChoiceIterator):
    """Partnerships grouped by programme, in the order of the queryset (newest programme first); then,
    when the field offers it, "It is not in the list"."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for programme, partnerships in groupby(self.queryset, key=attrgetter("programme")):
            yield (programme.display_name, [self.choice(p) for p in partnerships])
        if self.field.not_listed_label:
            yield (NOT_LISTED, self.field.not_listed_label)


# The largest id a database column holds (a 64-bit signed integer).
LARGEST_ID = 2**63 - 1


class KnownIdsMixin:
    """A posted id too large for any database column is an invalid choice. Django passes it to the query,
    where SQLite raises OverflowError (a 500) instead of finding nothing."""

    def clean(self, value):
        for item in value if isinstance(value, (list, tuple)) else [value]:
            text = str(item).strip()
            if re.fullmatch(r"-?[0-9]+", text) and abs(int(text)) > LARGEST_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super().clean(value)

    def label_from_instance(self, obj):
        # Themes, types and formats by their names in the page's language (core.translations).
        return getattr(obj, "display_name", None) or str(obj)


class ModelChoiceField(KnownIdsMixin, forms.ModelChoiceField):
    pass


class ModelMultipleChoiceField(KnownIdsMixin, forms.ModelMultipleChoiceField):
    pass


class PartnershipChoiceField(ModelChoiceField):
    """A partnership from the list. With `not_listed_label`, the list ends with that choice, which cleans
    to NOT_LISTED: a required field then asks the person to choose either way, never taking a default."""

    iterator = PartnershipChoiceIterator

    def __init__(self, *, not_listed_label=None, **kwargs):
        self.not_listed_label = not_listed_label
        queryset = Partnership.objects.select_related("programme").order_by(
            "-programme__start_year", "programme__name", "name"
        )
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value):
        if self.not_listed_label and value == NOT_LISTED:
            return NOT_LISTED
        return super().to_python(value)

    def validate(self, value):
        if value != NOT_LISTED:
            super().validate(value)

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.acronym})" if obj.acronym else obj.name


class ThemeChoiceIterator(ModelChoiceIterator):
    """Sub-themes grouped under their core theme; the core theme itself comes first in its group."""

    def __iter__(self):
        themes = list(self.queryset)
        children = defaultdict(list)
        for theme in themes:
            if theme.parent_id:
                children[theme.parent_id].append(theme)
        for core in (t for t in themes if t.parent_id is None):
            value, label = self.choice(core)
            general = _("%(theme)s (in general)") % {"theme": label}
            yield (core.display_name, [(value, general), *[self.choice(t) for t in children[core.pk]]])


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django names each group of checkboxes with a <label> that belongs to no input; this names it with
    the legend of a fieldset, as screen readers expect of a group."""

    template_name = "includes/forms/grouped_checkboxes.html"


class ThemeChoiceField(ModelMultipleChoiceField):
    iterator = ThemeChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", GroupedCheckboxSelectMultiple)
        super().__init__(queryset=Theme.objects.order_by("position", "name"), **kwargs)


# Languages many partnerships work in, offered first; every other language follows A to Z.
FIRST_LANGUAGES = ("en", "fr", "es", "pt", "ar", "sw", "nl")


class LocalNameChoiceIterator(ModelChoiceIterator):
    """Countries grouped by region, or languages (the most used first), each group by the names in the
    page's language, in that language's order."""

    def __iter__(self):
        groups: dict[str, list] = defaultdict(list)
        for row in self.queryset:
            groups[self.field.group_of(row)].append(self.choice(row))
        for key, label in self.field.group_labels():
            if groups.get(key):
                yield (str(label), sorted(groups[key], key=lambda choice: _sort_key(choice[1])))


def _sort_key(name: str) -> str:
    """ "Égypte" sorts with the E's: accents and case left out."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


class SearchableCheckboxes(forms.CheckboxSelectMultiple):
    """A long list of checkboxes in groups that fold (a group with a ticked box opens), which works
    without script; static/js/forms.js adds a box that filters them as one types."""

    template_name = "includes/forms/searchable_checkboxes.html"
    option_template_name = "includes/forms/searchable_option.html"

    def __init__(self, attrs=None, *, placeholder="", open_first=False):
        super().__init__(attrs)
        self.placeholder = placeholder
        self.open_first = open_first  # the first group starts open (the languages most used)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["placeholder"] = self.placeholder
        # Each group with whether a box in it is ticked: such a group starts open.
        context["widget"]["groups"] = [
            (group, options, (self.open_first and index == 0) or any(o["selected"] for o in options))
            for index, (group, options, _index) in enumerate(context["widget"]["optgroups"])
        ]
        return context


class LocalNameChoiceField(ModelMultipleChoiceField):
    iterator = LocalNameChoiceIterator

    def label_from_instance(self, obj):
        return obj.display_name

    def group_of(self, row) -> str:
        if isinstance(row, Country):
            return row.region
        return "first" if row.code in FIRST_LANGUAGES else "other"

    def group_labels(self) -> list[tuple[str, str]]:
        if self.queryset.model is Country:
            return [*Region.choices, ("", _("Elsewhere"))]
        return [("first", _("Often used")), ("other", _("Other languages"))]


def countries_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return LocalNameChoiceField(
        queryset=Country.objects.all(),
        required=False,
        validators=[NO_NUL],
        widget=SearchableCheckboxes(placeholder=_("Type to find a country")),
        **kwargs,
    )


def languages_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return LocalNameChoiceField(
        queryset=Language.objects.all(),
        required=False,
        validators=[NO_NUL],
        widget=SearchableCheckboxes(placeholder=_("Type to find a language"), open_first=True),
        **kwargs,
    )


class NominationForm(KeepsUploads, PublicForm):
    """Nominate a knowledge product: it arrives as submitted and stays private until a curator publishes
    it."""

    title = forms.CharField(
        label=_("Title of the product"),
        max_length=250,
        error_messages={"required": _("Add the title of the product.")},
    )
    summary = forms.CharField(
        label=_("What is it, in one or two sentences?"),
        max_length=600,
        error_messages={"required": _("Add a summary in one or two sentences.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(
        label=_("Link to the product"),
        required=False,
        max_length=500,
        help_text=_("Where people can find it online. Give a link, a file, or both."),
        error_messages={"invalid": _("Check the link: it looks like https://example.org/report.")},
    )
    file = document_field(_("Or upload the file"))
    product_type = ModelChoiceField(
        label=_("Type of product"),
        queryset=ProductType.objects.all(),
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the type of product.")},
    )
    themes = ThemeChoiceField(label=_("Themes"), required=False)
    partnership = PartnershipChoiceField(
        label=_("Partnership that made it"), required=False, empty_label=_("Not in the list")
    )
    partnership_name = forms.CharField(
        label=_("Or type the partnership's name"), required=False, max_length=200
    )
    organisations = forms.CharField(
        label=_("Organisations that made it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. Southern partners count as much as Dutch ones: name them all."),
    )
    countries = countries_field(label=_("Countries it is about"))
    languages = languages_field(label=_("Languages it is available in"))
    year = forms.IntegerField(
        label=_("Year it was made"),
        required=False,
        validators=[MinValueValidator(FIRST_YEAR)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    why_valuable = forms.CharField(
        label=_("Why are you proud of it, and why is it valuable for others?"),
        max_length=5000,
        error_messages={"required": _("Say why you are proud of it, and why others would value it.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The lessons in it, and what other organisations can reuse."),
    )
    stakeholders = forms.CharField(
        label=_("Stakeholders involved"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Who took part inside and outside the partnership, and how: co-created it, used it, reviewed "
            "it, funded it … For example: “District councils in Gulu (users)”."
        ),
    )
    nominator_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Add your name.")},
    )
    nominator_organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Add the name of your organisation.")},
    )
    nominator_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We write to you once a curator has looked at it; never shown on the site."),
        error_messages=EMAIL_MESSAGES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not on the field: a lazy text filled in at import would stay in the default language.
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint or OpenDocument; at most %(mb)s MB."
        ) % {"mb": settings.NOMINATION_MAX_UPLOAD_MB}
        this_year = timezone.localdate().year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": this_year})

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file") and not self.has_error("file"):
            self.add_error("url", _("Give a link to the product, upload its file, or both."))
        return cleaned

    def organisation_names(self) -> list[str]:
        """The organisations as typed, one a line (or separated by semicolons: names may hold commas)."""
        text = self.cleaned_data.get("organisations", "")
        names = [name.strip() for line in text.splitlines() for name in line.split(";")]
        return list(dict.fromkeys(name for name in names if name))


class QuestionForm(PublicForm):
    """A question about a published product, for the curators (and its organisations, if they agreed)."""

    name = forms.CharField(label=_("Your name"), max_length=200, validators=[NO_NUL])
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("The answer comes to this address."), max_length=254
    )
    question = forms.CharField(
        label=_("Your question"),
        max_length=3000,
        validators=[NO_NUL],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you want to know: who to contact, whether a translation exists, how it was used …"),
    )
