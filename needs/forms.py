from django import forms
from django.utils.translation import gettext_lazy as _

from core.kept_uploads import KeepsUploads
from core.submissions import PublicForm
from inventory.forms import (
    EMAIL_MESSAGES,
    NOT_LISTED,
    ModelMultipleChoiceField,
    PartnershipChoiceField,
    ThemeChoiceField,
    countries_field,
)
from inventory.models import Region
from inventory.uploads import document_field
from needs.models import KnowledgeNeed, LearningFormat


class NeedForm(KeepsUploads, PublicForm):
    """A knowledge need, as a partnership tells it. Labels speak to the person filling it in."""

    partnership = PartnershipChoiceField(
        label=_("Your partnership"),
        empty_label=_("Choose your partnership"),
        not_listed_label=_("It is not in the list"),
        error_messages={"required": _("Choose your partnership, or “It is not in the list”.")},
    )
    partnership_name = forms.CharField(
        label=_("Its name, if it is not in the list"), required=False, max_length=200
    )
    organisation_name = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Add the name of your organisation.")},
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Add your name.")},
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a confirmation with your reference number."),
        error_messages=EMAIL_MESSAGES,
    )
    title = forms.CharField(
        label=_("Your need in a few words"),
        max_length=200,
        help_text=_("For example: “Lobbying local councils for budgets for women-led groups”."),
        error_messages={"required": _("Say in a few words what you need.")},
    )
    description = forms.CharField(
        label=_("Your need in your own words"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What do you want to learn, and why now? What have you tried already?"),
        error_messages={"required": _("Tell us in your own words what you need to learn.")},
    )
    attachment = document_field(
        _("A document that says more"),
        help_text=_("Terms of reference, a note or a report: PDF, Word, Excel, PowerPoint or OpenDocument."),
    )
    themes = ThemeChoiceField(label=_("Themes"), required=False)
    learning_formats = ModelMultipleChoiceField(
        label=_("How would you like to learn?"),
        queryset=LearningFormat.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=KnowledgeNeed.Urgency.choices,
        initial=KnowledgeNeed.Urgency.MEDIUM,
        widget=forms.RadioSelect,
    )
    countries = countries_field(label=_("Countries"))
    region = forms.ChoiceField(
        label=_("Or a whole region"),
        choices=[("", _("No region in particular")), *Region.choices],
        required=False,
    )
    consent_to_contact = forms.BooleanField(
        label=_("Partos may contact me about this need, for example to invite me to a learning activity."),
        required=False,
    )
    consent_to_publish = forms.BooleanField(
        label=_(
            "The need may be shown on the public site without names: its title and text, not who sent it."
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partnership") == NOT_LISTED:
            cleaned["partnership"] = None
            if not cleaned.get("partnership_name", "").strip() and not self.has_error("partnership_name"):
                self.add_error("partnership_name", _("Type the name of your partnership."))
        return cleaned
