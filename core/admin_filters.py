"""A list filter with many values drawn as a drop-down in a small form, not a link per value.

Django draws each value of a related filter as a link carrying the list's whole query string: the needs
list's partnerships (400 at the benchmark's scale) made a column of 400 links, a third of the list's page and
a quarter of its time, for a choice a curator makes by typing a name. Beyond `MANY` values the filter is a
`<select>` the browser lets one type into, with the list's other filters carried as hidden fields and a
button, no script needed; "All" and the empty value stay links. Counts ("Show counts") follow the names.
"""

from django.contrib.admin.views.main import PAGE_VAR
from django.http import QueryDict
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Up to this many values a filter keeps Django's links.
MANY = 30
# Django's own words, which Django's catalogue translates (kept out of this project's catalogue).
ALL, FILTER, BY_TITLE = "All", "Filter", " By %(filter_title)s "


class SelectWhenMany:
    """Mixed into a related filter, before it: `class PartnershipListFilter(SelectWhenMany,
    admin.RelatedOnlyFieldListFilter)`, listed as `("partnership", PartnershipListFilter)`."""

    select_template = "admin/select_filter.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if len(self.lookup_choices) > MANY:
            self.template = self.select_template

    def choices(self, changelist):
        if self.template != self.select_template:
            yield from super().choices(changelist)
            return
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        chosen = {str(value) for value in self.lookup_val or ()}
        # Written directly: format_html for each of 400 options took longer than the rest of the filter.
        options = mark_safe(
            "".join(
                f'<option value="{escape(pk)}"{" selected" if str(pk) in chosen else ""}>'
                f"{escape(self._named(pk, name, counts))}</option>"
                for pk, name in self.lookup_choices
            )
        )
        # The list's other filters (and "Show counts"), carried by the form; a new choice starts at page one.
        mine = [self.lookup_kwarg, self.lookup_kwarg_isnull]
        kept = QueryDict(changelist.get_query_string(remove=[*mine, PAGE_VAR]).removeprefix("?"))
        hidden = format_html_join(
            "",
            '<input type="hidden" name="{}" value="{}">',
            ((name, value) for name, values in kept.lists() for value in values),
        )
        yield {
            "selected": not chosen and not self.lookup_val_isnull,
            "query_string": changelist.get_query_string(remove=mine),
            "display": _(ALL),
            "select": {
                "id": f"filter-{self.field_path}",
                "name": self.lookup_kwarg,
                "options": options,
                "hidden": hidden,
                "button": _(FILTER),
                "summary": _(BY_TITLE) % {"filter_title": self.title},
            },
        }
        if self.include_empty_choice:
            empty = self.empty_value_display
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": f"{empty} ({counts['__c']})" if counts is not None else empty,
            }

    @staticmethod
    def _named(pk, name, counts) -> str:
        return f"{name} ({counts[f'{pk}__c']})" if counts is not None else str(name)
