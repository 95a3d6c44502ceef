"""Admin base classes every curated model shares (spreadsheet export and import, change history, review),
and the outbox's list.

- `ExportAdmin`: the list (filtered, or only the selected rows) as CSV or Excel, relations as names.
- `HistoryAdmin`: the record's history with revert, for those who may change the record.
- `SheetAdmin`: export, plus import with a preview; `CuratorAdmin` adds the history. A model gets it with
  `class PartnershipAdmin(CuratorAdmin)` and `resource_classes = [...]`; a list that is exported but never
  imported takes `HistoryAdmin, ExportAdmin` instead.
- `ReviewableAdmin`: the "review" permission that Reviewers hold (see core/groups.py); actions
  declared with `permissions=["review"]` are theirs.
- `WorkflowAdmin` and `WorkflowForm`: buttons of the change form ("Save and publish") that save what was
  typed and move the record along its workflow in the same transaction, then open the next record of the
  same queue.
"""

import re
from typing import ClassVar

import tablib
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from import_export.admin import ExportActionMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from core import outbox
from core.admin_counts import CountedChangeList
from core.models import OutboxMail
from core.spreadsheets import SHEET_FORMATS, SafeCSV, SafeXLSX

_TEMPLATE_FORMATS = {"csv": SafeCSV, "xlsx": SafeXLSX}
# Django's own words for a list's checkbox, which Django's catalogue translates.
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"


class ExportAdmin(ExportActionMixin, admin.ModelAdmin):
    formats = SHEET_FORMATS

    def get_changelist(self, request, **kwargs):
        return CountedChangeList  # "Show counts" in a few queries (core.admin_counts)

    def action_checkbox(self, obj):
        """Django's checkbox for the list's actions, the same tag written directly: drawn through the form
        widgets' templates, a list's hundred checkboxes took a fifth of its time."""
        label = format_html(_(ACTION_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

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
    # Both buttons on the list: "Import", and "Export these results" (the list as filtered, no row to select).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

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
        dataset = tablib.Dataset([example.get(name, "") for name in columns], headers=resource.labels())
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


def posted_id(request, name: str) -> int | None:
    """The row id a button posted as `name`, or None when it is missing or no id at all (letters, or a
    number no database column holds): such a value names nothing, and must not reach the database."""
    text = request.POST.get(name, "")
    # Plain ASCII digits only: str.isdigit() also accepts "³", which int() refuses.
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


class WorkflowForm(forms.ModelForm):
    """The change form of a record with a workflow (core.workflow.Workflow). When one of the admin's
    workflow buttons sent it, `requested_status` is the status asked for: the form checks that the record
    may move there (`check_move`), and leaves the status field alone, since the service makes the move."""

    requested_status: ClassVar[str | None] = None

    def clean(self):
        cleaned = super().clean()
        status = self.requested_status
        if status is None or self.instance.pk is None:
            return cleaned
        stored = self.stored_status()
        cleaned["status"] = stored
        if not self.instance.can_move_to(status):
            self.add_error(
                None,
                _("A record that is %(stored)s cannot become %(status)s.")
                % {
                    "stored": self.instance.Status(stored).label.lower(),
                    "status": self.instance.Status(status).label.lower(),
                },
            )
        else:
            for field, message in self.check_move(status, cleaned):
                self.add_error(field, message)
        return cleaned

    def stored_status(self) -> str | None:
        """The status the record has in the database (a reverted old version has it from there too)."""
        if self.instance.pk is None:
            return None
        stored = getattr(self.instance, "_stored_status", None)
        if stored is None:
            stored = (
                self.instance._meta.model._default_manager.filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
            )
        return stored

    def check_move(self, status: str, cleaned: dict) -> list[tuple[str | None, str]]:
        """What stops the record, as typed, from becoming `status`: [(field or None, message)]."""
        return []


class WorkflowAdmin(admin.ModelAdmin):
    """Workflow buttons in the change form's row of buttons. `workflow_buttons` maps each button's name to
    the status it moves the record to and its label; `move()` calls the service that makes the move.

    The admin saves a change form in one transaction; the move runs in it, after the record and its
    relations are saved, so the edits and the move are kept or lost together. Afterwards the curator
    lands on the next record of the queue the record was in: the records with the status it had, oldest
    first."""

    workflow_buttons: ClassVar[dict[str, tuple[str, str]]] = {}

    def requested_status(self, request) -> str | None:
        if request.method != "POST":
            return None
        return next(
            (status for name, (status, _l) in self.workflow_buttons.items() if name in request.POST), None
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        status = self.requested_status(request) if change else None
        return type(form.__name__, (form,), {"requested_status": status})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            context["workflow_buttons"] = [
                (name, label)
                for name, (status, label) in self.workflow_buttons.items()
                if status != obj._stored_status and obj.can_move_to(status)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def move(self, request, obj, status: str) -> str:
        """Move `obj` to `status` through its service; returns what to tell the curator. Raises
        ValidationError when the service refuses."""
        raise NotImplementedError

    def status_changed(self, obj, previous: str) -> None:
        """Called when a curator changed the status with the form's own field rather than a button: tell
        the people the service would have told (its mails), in the same transaction."""

    def save_model(self, request, obj, form, change):
        obj._status_before_form = obj.stored_status if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_status_before_form", None)
        if before and form.instance.status != before:
            self.status_changed(form.instance, before)
        status = self.requested_status(request) if change else None
        if status is None:
            return
        obj = form.instance
        obj._queue_status = obj._stored_status
        try:
            obj._moved = self.move(request, obj, status)
        except ValidationError as error:
            # Checked by the form already, so only a change made meanwhile gets here: keep nothing.
            transaction.set_rollback(True)
            obj._refused = " ".join(error.messages)

    def response_change(self, request, obj):
        if refused := getattr(obj, "_refused", None):
            self.message_user(request, _("Nothing was saved: %s") % refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        if moved := getattr(obj, "_moved", None):
            self.message_user(request, moved, messages.SUCCESS)
            return HttpResponseRedirect(self.next_in_queue(request, obj, obj._queue_status))
        return super().response_change(request, obj)

    def next_in_queue(self, request, obj, status: str) -> str:
        """The change page of the record after `obj` among those with `status`, oldest first (the first
        of them when `obj` was the last); the list of them when none is left."""
        queue = (
            self.get_queryset(request).filter(status=status).exclude(pk=obj.pk).order_by("created_at", "pk")
        )
        later = Q(created_at__gt=obj.created_at) | Q(created_at=obj.created_at, pk__gt=obj.pk)
        following = queue.filter(later).only("pk").first() or queue.only("pk").first()
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        if following is None:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return add_preserved_filters(preserved, url)
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[following.pk])
        return add_preserved_filters(preserved, url)


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """What the site sent or tries to send. Curators look here for mails that failed, and send them again
    once the cause is fixed; nobody writes or edits a mail here."""

    list_display = [
        "subject",
        "recipient_list_display",
        "reason",
        "state",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "reason", "language"]
    search_fields = ["subject", "recipients"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [field.name for field in OutboxMail._meta.fields]
    exclude = ["attachment_content"]

    @admin.display(description="to")
    def recipient_list_display(self, mail):
        return mail.recipient_list_display

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed mails again", permissions=["change"])
    def send_again(self, request, queryset):
        retried = outbox.outbox_retry(mails=list(queryset))
        self.message_user(request, f"{retried} failed mail(s) will be sent again.", messages.SUCCESS)
