"""Admin base classes every curated model shares: spreadsheet export and import, change history, review.

- `ExportAdmin`: the list (filtered, or only the selected rows) as CSV or Excel, relations as names.
- `HistoryAdmin`: the record's history with revert, for those who may change the record.
- `SheetAdmin`: export, plus import with a preview; `CuratorAdmin` adds the history. A model gets it with
  `class PartnershipAdmin(CuratorAdmin)` and `resource_classes = [...]`; a list that is exported but never
  imported takes `HistoryAdmin, ExportAdmin` instead.
- `ReviewableAdmin`: the "review" permission that Reviewers hold (see core/groups.py); actions
  declared with `permissions=["review"]` are theirs.
"""

import tablib
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.spreadsheets import SHEET_FORMATS, SafeCSV, SafeXLSX

_TEMPLATE_FORMATS = {"csv": SafeCSV, "xlsx": SafeXLSX}


class ExportAdmin(ExportActionMixin, admin.ModelAdmin):
    formats = SHEET_FORMATS

    def url_name(self, view: str) -> str:
        """The name of one of this admin's views, e.g. "inventory_knowledgeproduct_import"."""
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_valid_export_item_pks(self, request):
        # The rows an "export selected" may name: those the user sees in the list, no others.
        return self.get_export_queryset(request).values_list("pk", flat=True)


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, with revert to an earlier version. A record's history is shown only to those
    who may see the record itself in this admin (its `get_queryset`): simple-history's own views look it up
    without that, so a reviewer could read any product's history, the nominator's e-mail included."""

    def history_view(self, request, object_id, extra_context=None):
        self._visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_object(request, object_id)
        if not str(version_id).isdigit():
            raise Http404("No such version.")
        # simple-history saves a posted old version without asking for the change permission: someone who
        # may only view the record (a reviewer) could otherwise edit it through "revert".
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _visible_object(self, request, object_id):
        """The record, if this user may see it here; 404 for an id that is not a record (`abc`) or that this
        admin does not show them, 403 without the permission to view."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record, or not one you may see here.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj


class SheetAdmin(ImportMixin, ExportAdmin):
    """Import (CSV, Excel) with a row-by-row preview, and export."""

    import_template_name = "admin/knowledgemap/import.html"

    def has_import_permission(self, request):
        # An import both adds and changes records.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        return [
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name=self.url_name("import_template"),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, extension: str):
        """A sheet with the columns an import reads and one example row, to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in _TEMPLATE_FORMATS:
            raise Http404(_("Templates come as .csv or .xlsx."))
        resource = self.get_import_resource_classes(request)[0]()
        example = resource.example_row()
        columns = resource.column_names()
        dataset = tablib.Dataset([example.get(name, "") for name in columns], headers=columns)
        sheet_format = _TEMPLATE_FORMATS[extension]()
        response = HttpResponse(
            sheet_format.export_data(dataset), content_type=sheet_format.get_content_type()
        )
        filename = f"{self.opts.model_name}-import-template.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "template_urls": [
                (label, reverse(f"admin:{self.url_name('import_template')}", args=[extension]))
                for extension, label in [("xlsx", "Excel"), ("csv", "CSV")]
            ],
        }

    def process_result(self, result, request):
        # The confirmed import runs again from the file; if the data changed since the preview and a row
        # fails now, the whole import was rolled back: say so instead of "Import finished".
        if result.has_errors() or result.has_validation_errors():
            problems = " ".join(result.problems[:10])
            self.message_user(request, _("Nothing was imported. %s") % problems, messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{self.url_name('import')}"))
        return super().process_result(result, request)


class CuratorAdmin(HistoryAdmin, SheetAdmin):
    """Import with a preview, export, and history with revert."""


class ReviewableAdmin(admin.ModelAdmin):
    """Reviewers hold "<app>.review_<model>": they see the records and move them along, nothing else."""

    def has_review_permission(self, request) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.review_{opts.model_name}")

    def is_reviewer_only(self, request) -> bool:
        return self.has_review_permission(request) and not self.has_change_permission(request)
