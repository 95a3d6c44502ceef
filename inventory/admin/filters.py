"""List filters the catalogue's lists share with the needs' and activities' lists."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min, Q
from django.utils.translation import gettext_lazy as _

from core.admin_counts import CountedByCondition, LinkedRowsFilter
from inventory.models import Theme


class ThemeTreeFilter(LinkedRowsFilter):
    """Themes in tree order, as everywhere else: each core theme followed by its sub-themes, marked with a
    dash. Use as `("themes", ThemeTreeFilter)`."""

    def field_choices(self, field, request, model_admin):
        return [
            (theme.pk, f"— {theme.name}" if theme.parent_id else theme.name)
            for theme in Theme.objects.in_tree_order()
        ]


class LinkOrFileFilter(CountedByCondition, admin.SimpleListFilter):
    """Products with neither a link nor a file, nothing for a visitor to open, or with a link or file the last
    check found broken (inventory.links). The work queue counts both."""

    title = _("link or file")
    parameter_name = "link_or_file"

    def lookups(self, request, model_admin):
        return [("missing", _("Neither")), ("present", _("A link or a file")), ("broken", _("Broken"))]

    def condition(self, value):
        neither = Q(url="") & Q(file="")
        return {"missing": neither, "present": ~neither, "broken": Q(link_check__problem__gt="")}.get(value)


class YearFilter(CountedByCondition, admin.SimpleListFilter):
    """A product's year, every year from the earliest to the latest: read from the year's index (two rows),
    where the field's own filter asked for the distinct years of every product (a scan of the whole table
    at each showing of the list)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.model.objects.aggregate(first=Min("year"), last=Max("year"))
        if span["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(span["last"], span["first"] - 1, -1)]

    def condition(self, value):
        if not value.isdigit():
            raise IncorrectLookupParameters(_("A year is a number, such as 2019."))
        return Q(year=int(value))
