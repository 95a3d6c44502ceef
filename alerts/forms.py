from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Subscription
from core.submissions import PublicForm
from inventory.forms import ModelMultipleChoiceField, countries_field
from inventory.models import ProductType, Theme


class SubscribeForm(PublicForm):
    """Ask for an alert: an address, how often, and which new products (themes, types, countries, or the
    filters of the browse page the person came from, carried in `filters`)."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to confirm it first."),
    )
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    theme = ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("position", "name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    type = ModelMultipleChoiceField(
        label=_("Types"),
        queryset=ProductType.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = countries_field(label=_("Countries"))
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
