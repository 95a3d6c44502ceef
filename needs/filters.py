"""The FilterSet of learning activities: the /activities/ page and the API (/api/activities/) use it.

Parameters: `theme` (slugs; a core theme stands for itself and its sub-themes), `format` (learning format
slugs), `status` (planned, open, completed, cancelled); each repeatable. A value that names nothing is
reported by the form and left out, as on the browse page; the view answers 400 with the message.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from inventory.models import Theme
from needs.models import LearningActivity, LearningFormat
from search.filters import KeyedChoiceFilter, ValuesChoiceFilter


class ActivityFilter(django_filters.FilterSet):
    theme = KeyedChoiceFilter(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        label=_("Theme"),
        error_messages={"invalid_choice": _("There is no theme “%(value)s”.")},
    )
    format = KeyedChoiceFilter(
        queryset=LearningFormat.objects.all(),
        to_field_name="slug",
        method="filter_format",
        label=_("Format"),
        error_messages={"invalid_choice": _("There is no learning format “%(value)s”.")},
    )
    status = ValuesChoiceFilter(choices=LearningActivity.Status.choices, distinct=False, label=_("Status"))

    class Meta:
        model = LearningActivity
        fields = []

    # The type hints tell the API schema (drf-spectacular) what these parameters are: slugs of these rows.
    def filter_format(self, queryset, name, value: list[LearningFormat]):
        return queryset.filter(learning_format__in=value)

    def filter_theme(self, queryset, name, value: list[Theme]):
        # A subquery on the link table rather than a join, so that no activity comes back twice.
        themes = Theme.objects.filter(pk__in=[theme.pk for theme in value]).with_sub_themes()
        linked = LearningActivity.themes.through.objects.filter(theme__in=themes).values(
            "learningactivity_id"
        )
        return queryset.filter(pk__in=linked)
