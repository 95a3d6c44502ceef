from django import forms
from django.utils.translation import gettext_lazy as _

from core.submissions import PublicForm
from inventory.forms import (
    ModelMultipleChoiceField,
    PartnershipChoiceField,
    ThemeChoiceField,
    countries_field,
)
from inventory.models import Region
from needs.models import KnowledgeNeed, LearningFormat


class NeedForm(PublicForm):
    """A knowledge need, as a partnership tells it. Labels speak to the person filling it in."""

    partnership = PartnershipChoiceField(
        label=_("Your partnership"), required=False, empty_label=_("Not in the list")
    )
    partnership_name = forms.CharField(
        label=_("Or type your partnership's name"), required=False, max_length=200
    )
    organisation_name = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a confirmation with your reference number."),
    )
    title = forms.CharField(
        label=_("Your need in a few words"),
        max_length=200,
        help_text=_("For example: “Lobbying local councils for budgets for women-led groups”."),
    )
    description = forms.CharField(
        label=_("Your need in your own words"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What do you want to learn, and why now? What have you tried already?"),
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
        named = cleaned.get("partnership") or cleaned.get("partnership_name", "").strip()
        if not named and not self.has_error("partnership"):
            self.add_error("partnership_name", _("Choose your partnership from the list, or type its name."))
        return cleaned
