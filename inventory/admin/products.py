"""Knowledge products: the curators' full admin, and the reviewers' view of nominations."""

import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.models import Tag

from core.admin import CuratorAdmin, ReviewableAdmin, WorkflowAdmin, WorkflowForm, posted_id
from core.admin_counts import LinkedRowsFilter
from inventory import completeness, links, mails, services
from inventory.admin.filters import LinkOrFileFilter, ThemeTreeFilter, YearFilter
from inventory.models import (
    Collection,
    CollectionItem,
    DocumentText,
    Involvement,
    KnowledgeProduct,
    LinkCheck,
    Nomination,
    Organisation,
    ProductDocument,
    Theme,
)
from inventory.resources import ProductResource

Status = KnowledgeProduct.Status
# What a reviewer may do with a nomination: publish it, or return it to draft.
REVIEW_MOVES = {Status.PUBLISHED: gettext_lazy("Publish"), Status.DRAFT: gettext_lazy("Return to draft")}
# What a curator may do with what is typed in the change form: save it and move the product on.
WORKFLOW_BUTTONS = {
    "_publish": (Status.PUBLISHED, gettext_lazy("Save and publish")),
    "_return_to_draft": (Status.DRAFT, gettext_lazy("Save and return to draft")),
}


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 1
    autocomplete_fields = ["stakeholder"]


class ProductDocumentInline(admin.TabularInline):
    model = ProductDocument
    extra = 0
    autocomplete_fields = ["language"]
    fields = ["label", "url", "file", "language", "position"]


class ThemeForm(forms.Form):
    theme = forms.ModelChoiceField(Theme.objects.all(), label=gettext_lazy("Theme"))


class NewTagForm(forms.Form):
    tag = forms.CharField(max_length=100, label=gettext_lazy("Tag"), strip=True)


class TagForm(forms.Form):
    tag = forms.ModelChoiceField(Tag.objects.order_by("name"), label=gettext_lazy("Tag"))


class ProductAdminForm(WorkflowForm):
    """The product as the curator typed it; publishing it, by the button or the status, needs a complete
    record, and the form names what is missing."""

    class Meta:
        model = KnowledgeProduct
        fields = ["status"]  # The admin adds the other fields of its fieldsets.

    def clean(self):
        cleaned = super().clean()
        stored = self.stored_status()
        if self.requested_status is None and cleaned.get("status") == Status.PUBLISHED != stored:
            for field, message in self.check_move(Status.PUBLISHED, cleaned):
                self.add_error(field, message)
        return cleaned

    def check_move(self, status, cleaned):
        if status != Status.PUBLISHED:
            return []
        gaps = completeness.missing({**cleaned, "file": cleaned.get("file") or self.instance.file})
        if not gaps:
            return []
        summary = _("It cannot be published yet: it needs %(missing)s.") % {
            "missing": ", ".join(str(label) for label in gaps.values())
        }
        fields = [(field if field in self.fields else None, _("Needed to publish.")) for field in gaps]
        return [(None, summary), *fields]


@admin.register(KnowledgeProduct)
class KnowledgeProductAdmin(WorkflowAdmin, ReviewableAdmin, CuratorAdmin):
    form = ProductAdminForm
    workflow_buttons = WORKFLOW_BUTTONS
    save_on_top = True  # The buttons in sight at the top, and first in the form: Enter saves, nothing more.
    # The key columns, short enough for a laptop's screen (static/css/admin.css cuts long texts).
    list_display = ["title", "product_type", "status", "featured", "year", "published", "updated"]
    list_filter = [
        "status",
        "featured",
        "product_type",
        ("themes", ThemeTreeFilter),
        ("partnerships__programme", LinkedRowsFilter),
        LinkOrFileFilter,
        YearFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["product_type"]
    search_fields = ["title", "summary", "description", "why_valuable", "nominator_name", "nominator_email"]
    autocomplete_fields = [
        "product_type",
        "themes",
        "partnerships",
        "organisations",
        "countries",
        "languages",
    ]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at", "link_check", "document_text_read"]
    # No date hierarchy: at 100,000 products its years cost a scan of the table at every showing of the list;
    # "Date created" among the filters (today, the past 7 days, this month, this year) costs no query.
    inlines = [InvolvementInline, ProductDocumentInline]
    resource_classes = [ProductResource]
    change_form_template = "admin/inventory/knowledgeproduct/change_form.html"
    actions = [
        "publish",
        "return_to_draft",
        "archive",
        "mark_featured",
        "unmark_featured",
        "add_theme",
        "remove_theme",
        "add_tag",
        "remove_tag",
        "check_links",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "product_type", "status", "featured"]}),
        (
            "What it is",
            {
                "fields": [
                    "summary",
                    "description",
                    "why_valuable",
                    "year",
                    "url",
                    "file",
                    "link_check",
                    "document_text_read",
                    "licence",
                ]
            },
        ),
        (
            "Where it belongs",
            {"fields": ["themes", "tags", "partnerships", "organisations", "countries", "languages"]},
        ),
        (
            "Nomination (private: never shown to the public)",
            {
                "fields": [
                    "nominator_name",
                    "nominator_email",
                    "nominator_organisation",
                    "nominated_partnership",
                    "nominated_organisations",
                    "nominated_stakeholders",
                    "note_to_nominator",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Record", {"fields": ["published_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description=gettext_lazy("link check"))
    def link_check(self, obj):
        """What the last check of the link and the file found (inventory.links)."""
        check = LinkCheck.objects.filter(product=obj).first() if obj and obj.pk else None
        if check is None:
            return _("Not checked yet: published products are checked weekly (manage.py check_links).")
        when = short_date(check.checked_at)
        if not check.problem:
            return _("Fine when checked on %(date)s.") % {"date": when}
        return _("Checked on %(date)s: %(problem)s (broken since %(since)s)") % {
            "date": when,
            "problem": check.problem,
            "since": short_date(check.broken_since),
        }

    @admin.display(description=gettext_lazy("published"), ordering="published_at")
    def published(self, obj):
        return short_date(obj.published_at)

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated(self, obj):
        return short_date(obj.updated_at)

    @admin.display(description=gettext_lazy("text of the file, for search"))
    def document_text_read(self, obj):
        """What the extraction job found in the uploaded file: how much text, or why there is none."""
        found = DocumentText.objects.filter(product=obj).first() if obj and obj.pk else None
        if not obj or not obj.file:
            return _("No file uploaded.")
        if found is None or found.file_name != obj.file.name:
            return _("Not read yet: the job reads it shortly after saving.")
        if found.problem:
            return f"{found.get_problem_display()}" + (f" ({found.detail})" if found.detail else "")
        words = len(found.text.split())
        note = _(" (only the beginning is kept)") if found.truncated else ""
        return ngettext("%(count)d word read.", "%(count)d words read.", words) % {"count": words} + note

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_reviewer_only(request):
            # Reviewers see the nominations waiting for them, nothing else.
            return queryset.awaiting_review()
        return queryset

    def get_export_queryset(self, request):
        # The tags, for the spreadsheet's column (the list itself shows none).
        return super().get_export_queryset(request).prefetch_related("tags")

    def has_export_permission(self, request):
        return self.has_change_permission(request)

    def view_on_site(self, obj):
        """The public page of a published product; the preview of any other (pages.views.product_preview)."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("pages:product-preview", args=[obj.slug])

    # Review ------------------------------------------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=self.url_name("review"),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.is_reviewer_only(request) and obj.status == Status.SUBMITTED:
            # Reviewers change nothing but the status: their buttons need no form of their own.
            context["review_moves"] = list(REVIEW_MOVES.items())
        if obj is not None and self.has_change_permission(request, obj):
            context["organisations_typed"] = organisations_typed(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def status_changed(self, obj, previous):
        mails.nomination_status_changed(product=obj, previous=previous)

    def move(self, request, obj, status):
        services.product_set_status(product=obj, status=status)
        return _("“%(title)s” saved and now %(status)s.") % {
            "title": obj.title,
            "status": Status(status).label.lower(),
        }

    # The organisations the nominator typed: each linked to one of the inventory, or made one ----------------
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product = form.instance
        if "_link_organisation" in request.POST:
            organisation_id = posted_id(request, "_link_organisation")
            organisation = (
                Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
            )
            if organisation is None:
                product._link_refused = _("That organisation no longer exists.")
            else:
                services.product_link_organisation(product=product, organisation=organisation)
                product._linked = organisation
        elif "_create_organisation" in request.POST:
            try:
                name = request.POST["_create_organisation"]
                product._linked = services.product_link_new_organisation(product=product, name=name)
            except ValidationError as error:
                product._link_refused = " ".join(error.messages)

    def response_change(self, request, obj):
        if refused := getattr(obj, "_link_refused", None):
            self.message_user(request, _("Saved, but no organisation linked: %s") % refused, messages.ERROR)
            return redirect(request.path)
        if linked := getattr(obj, "_linked", None):
            self.message_user(
                request,
                _("Saved, and “%(organisation)s” linked as one of its organisations.")
                % {"organisation": linked},
                messages.SUCCESS,
            )
            return redirect(request.path)
        return super().response_change(request, obj)

    def review_view(self, request, object_id):
        """Publish a nomination or return it to draft: the one change a reviewer may make."""
        if request.method != "POST":
            return redirect("admin:inventory_knowledgeproduct_change", object_id)
        if not self.has_review_permission(request):
            raise PermissionDenied
        product = get_object_or_404(self.get_queryset(request), pk=object_id)
        status = request.POST.get("status")
        if status not in REVIEW_MOVES or product.status != Status.SUBMITTED:
            raise PermissionDenied(_("Only a submitted product can be published or returned to draft here."))
        self._move(request, [product], status)
        return redirect(self.next_in_queue(request, product, Status.SUBMITTED))

    def _move(self, request, queryset, status):
        moved, refused = services.products_set_status(products=queryset, status=status)
        label = Status(status).label.lower()
        if moved:
            self.message_user(request, f"{moved} product(s) now {label}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Publish the selected products", permissions=["review"])
    def publish(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)

    @admin.action(description="Return the selected products to draft", permissions=["review"])
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT)

    @admin.action(description="Archive the selected products", permissions=["change"])
    def archive(self, request, queryset):
        self._move(request, queryset, Status.ARCHIVED)

    @admin.action(description="Check the links and files of the selected products", permissions=["change"])
    def check_links(self, request, queryset):
        published = queryset.filter(status=Status.PUBLISHED).values_list("pk", flat=True)
        count = links.queue_checks(published)
        self.message_user(
            request,
            _("A check of %(count)s published product(s) is queued; the work queue shows what it finds.")
            % {"count": count},
            messages.SUCCESS,
        )

    # Bulk editing ------------------------------------------------------------------------------------------
    @admin.action(description="Feature the selected products", permissions=["change"])
    def mark_featured(self, request, queryset):
        count = services.products_set_featured(products=queryset, featured=True)
        self.message_user(request, f"{count} product(s) featured.", messages.SUCCESS)

    @admin.action(description="Stop featuring the selected products", permissions=["change"])
    def unmark_featured(self, request, queryset):
        count = services.products_set_featured(products=queryset, featured=False)
        self.message_user(request, f"{count} product(s) no longer featured.", messages.SUCCESS)

    @admin.action(description="Add a theme to the selected products", permissions=["change"])
    def add_theme(self, request, queryset):
        return self._bulk_edit(
            request,
            queryset,
            ThemeForm,
            title=_("Add a theme to %(count)s product(s)"),
            apply=lambda products, data: services.products_add_theme(products=products, theme=data["theme"]),
            done=_("Theme “%(value)s” added to %(count)s product(s)."),
        )

    @admin.action(description="Remove a theme from the selected products", permissions=["change"])
    def remove_theme(self, request, queryset):
        return self._bulk_edit(
            request,
            queryset,
            ThemeForm,
            title=_("Remove a theme from %(count)s product(s)"),
            apply=lambda products, data: services.products_remove_theme(
                products=products, theme=data["theme"]
            ),
            done=_("Theme “%(value)s” removed from %(count)s product(s)."),
        )

    @admin.action(description="Add a tag to the selected products", permissions=["change"])
    def add_tag(self, request, queryset):
        return self._bulk_edit(
            request,
            queryset,
            NewTagForm,
            title=_("Add a tag to %(count)s product(s)"),
            apply=lambda products, data: services.products_add_tag(products=products, name=data["tag"]),
            done=_("Tag “%(value)s” added to %(count)s product(s)."),
        )

    @admin.action(description="Remove a tag from the selected products", permissions=["change"])
    def remove_tag(self, request, queryset):
        return self._bulk_edit(
            request,
            queryset,
            TagForm,
            title=_("Remove a tag from %(count)s product(s)"),
            apply=lambda products, data: services.products_remove_tag(products=products, tag=data["tag"]),
            done=_("Tag “%(value)s” removed from %(count)s product(s)."),
        )

    def _bulk_edit(self, request, queryset, form_class, *, title, apply, done):
        """An action with a page between the list and the change: pick the theme or tag, then apply."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            products = list(queryset.prefetch_related("themes", "tags"))
            try:
                count = apply(products, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                value = next(iter(form.cleaned_data.values()))
                self.message_user(request, done % {"value": value, "count": count}, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"count": queryset.count()},
            "opts": self.opts,
            "form": form,
            "objects": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/knowledgemap/bulk_edit.html", context)


@admin.register(Nomination)
class NominationAdmin(KnowledgeProductAdmin):
    """The queue of products nominated through the public form. Publishing one takes it off the queue."""

    list_display = [
        "title",
        "product_type",
        "nominator_name",
        "nominator_organisation",
        "has_link",
        "has_file",
        "nominated",
    ]
    list_filter = ["product_type", ("themes", ThemeTreeFilter), ("partnerships__programme", LinkedRowsFilter)]
    search_fields = ["title", "summary", "why_valuable", "nominator_name", "nominator_organisation"]
    date_hierarchy = None
    actions = ["publish", "return_to_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=KnowledgeProduct.Status.SUBMITTED)

    def get_fieldsets(self, request, obj=None):
        # The nominator's details open, not collapsed: here they are what the curator reviews.
        return [
            (name, {**options, "classes": []}) if name and name.startswith("Nomination") else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    def has_add_permission(self, request):
        return False  # Nominations come from the public form; curators add products as products.

    def history_view(self, request, object_id, extra_context=None):
        # The queue is a proxy without a history of its own: a nomination's history is its product's.
        self._visible_object(request, object_id)
        return redirect("admin:inventory_knowledgeproduct_history", object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_object(request, object_id)
        return redirect("admin:inventory_knowledgeproduct_simple_history", object_id, version_id)

    def has_review_permission(self, request) -> bool:
        # The queue is a proxy: reviewing a nomination is reviewing the product.
        return request.user.has_perm("inventory.review_knowledgeproduct")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_review_permission(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_review_permission(request)

    @admin.display(description=gettext_lazy("nominated"), ordering="created_at")
    def nominated(self, obj):
        return short_date(obj.created_at)

    @admin.display(description=gettext_lazy("link"), boolean=True)
    def has_link(self, obj):
        return bool(obj.url)

    @admin.display(description=gettext_lazy("file"), boolean=True)
    def has_file(self, obj):
        return bool(obj.file)


def organisations_typed(product: KnowledgeProduct) -> list[dict]:
    """Each organisation name the nominator typed, with the organisation of the inventory it is linked to,
    or else the organisations whose names come closest: [{"name", "linked", "matches"}]. Two queries."""
    names = typed_names(product.nominated_organisations)
    if not names:
        return []
    linked = {organisation.name.casefold(): organisation for organisation in product.organisations.all()}
    known = list(Organisation.objects.only("pk", "name"))
    return [
        {
            "name": name,
            "linked": linked.get(name.casefold()),
            "matches": [] if name.casefold() in linked else closest_organisations(name, known),
        }
        for name in names
    ]


def typed_names(text: str) -> list[str]:
    """The names in what was typed, one a line or separated by semicolons."""
    names = [name.strip() for line in text.splitlines() for name in line.split(";")]
    return list(dict.fromkeys(name for name in names if name))


def closest_organisations(name: str, known: list[Organisation], limit: int = 3) -> list[Organisation]:
    """The organisations whose names are the same letters, contain the name (or its acronym-like
    first word), or come closest by difflib's ratio."""
    wanted = name.casefold()
    by_name = {organisation.name.casefold(): organisation for organisation in known}
    containing = [o for key, o in by_name.items() if wanted in key or (len(key) > 3 and key in wanted)]
    close = difflib.get_close_matches(wanted, list(by_name), n=limit, cutoff=0.6)
    found = list(dict.fromkeys([*containing, *(by_name[key] for key in close)]))
    return found[:limit]


def short_date(moment) -> str:
    """A date a list's column has room for, in the admin's language and time zone."""
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else "—"


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 1
    autocomplete_fields = ["product"]
    fields = ["position", "product", "note"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Reading lists: products in order, each with an optional note. Only the published ones show."""

    list_display = ["title", "theme", "is_public", "position", "updated_at"]
    list_filter = ["is_public", "theme"]
    list_select_related = ["theme"]
    search_fields = ["title", "introduction"]
    autocomplete_fields = ["theme"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "introduction", "theme", "is_public", "position"]
    inlines = [CollectionItemInline]
