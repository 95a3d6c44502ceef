from pathlib import PurePosixPath

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.admin import CuratorAdmin, ExportAdmin, ReviewableAdmin, WorkflowAdmin, WorkflowForm, posted_id
from core.admin_counts import CountedByCondition, LinkedRowsFilter, counted_per_row
from core.admin_filters import SelectWhenMany
from core.spreadsheets import readable_export_resource
from core.translations import translations_form
from inventory.admin.filters import ThemeTreeFilter
from inventory.downloads import download_content_type
from inventory.models import KnowledgeProduct, Partnership
from needs import mails, services
from needs.matching import suggest_products
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat
from needs.resources import ActivityResource, NeedResource

Status = KnowledgeNeed.Status
Urgency = KnowledgeNeed.Urgency
URGENCY_IN_SHORT = {
    Urgency.LOW: gettext_lazy("low"),
    Urgency.MEDIUM: gettext_lazy("medium"),
    Urgency.HIGH: gettext_lazy("high"),
}
# Suggested products shown on a need's page, each with a button to match it.
ADMIN_SUGGESTIONS = 8
# Each suggestion's summary, cut to this many characters under its title.
SUMMARY_CHARS = 200


class SuggestionsFilter(CountedByCondition, admin.SimpleListFilter):
    """Needs for which the ranker found published products that may answer them (kept by a job: see
    needs.matching.keep_suggestions), and those it found none for: a gap."""

    title = gettext_lazy("suggested products")
    parameter_name = "suggestions"

    def lookups(self, request, model_admin):
        return [("some", gettext_lazy("Some")), ("none", gettext_lazy("None found"))]

    def condition(self, value):
        return {
            "some": Q(suggestion_count__gt=0),
            "none": Q(suggestion_count=0, suggested_at__isnull=False),
        }.get(value)


@admin.register(LearningFormat)
class LearningFormatAdmin(ExportAdmin):
    list_display = ["name", "position", "need_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    resource_classes = [readable_export_resource(LearningFormat)]
    form = translations_form(LearningFormat)

    def get_queryset(self, request):
        links = KnowledgeNeed.learning_formats.through.objects.all()
        return super().get_queryset(request).annotate(need_count=counted_per_row(links, "learningformat"))

    @admin.display(description="needs", ordering="need_count")
    def need_count(self, obj):
        return obj.need_count


class PartnershipListFilter(SelectWhenMany, admin.RelatedOnlyFieldListFilter):
    """The partnerships the needs come from, each named with its programme: read in one query, where the
    stock filter reads each partnership's programme on its own; a drop-down when there are many."""

    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).order_by().values("partnership")
        partnerships = Partnership.objects.filter(pk__in=used)
        if ordering := self.field_admin_ordering(field, request, model_admin):
            partnerships = partnerships.order_by(*ordering)
        # Named as Partnership.__str__ names them, from the two names alone (not 400 rows and programmes).
        named = partnerships.values_list("pk", "name", "programme__name")
        return [(pk, f"{name} ({programme})" if programme else name) for pk, name, programme in named]


class KnowledgeNeedAdminForm(WorkflowForm):
    class Meta:
        model = KnowledgeNeed
        fields = ["status", "matched_products"]  # The admin adds the other fields of its fieldsets.

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.MATCHED and not cleaned.get("matched_products"):
            self.add_error("matched_products", "A matched need needs at least one matched product.")
        return cleaned

    def check_move(self, status, cleaned):
        if status == Status.MATCHED and not cleaned.get("matched_products"):
            return [("matched_products", _("Add the products that answer it first, then match it."))]
        return []


class NeedExportResource(readable_export_resource(KnowledgeNeed, include=["reference", "created_at"])):
    """Every field, the contacts included: only curators export needs, and the contacts are what for."""

    def filter_export(self, queryset, **kwargs):
        # A partnership is named with its programme.
        return super().filter_export(queryset, **kwargs).select_related("partnership__programme")


@admin.register(KnowledgeNeed)
class KnowledgeNeedAdmin(WorkflowAdmin, ReviewableAdmin, CuratorAdmin):
    """Curators do everything; reviewers read the needs and move them along with the status actions."""

    form = KnowledgeNeedAdminForm
    workflow_buttons = {"_match": (Status.MATCHED, gettext_lazy("Save and match"))}
    save_on_top = True  # The buttons in sight at the top, and first in the form: Enter saves, nothing more.
    change_form_template = "admin/needs/knowledgeneed/change_form.html"
    resource_classes = [NeedExportResource]

    def get_import_resource_classes(self, request):
        return [NeedResource]

    # The key columns, short enough for a laptop's screen (static/css/admin.css cuts long texts).
    list_display = [
        "reference",
        "title",
        "partnership_or_name",
        "urgency_in_short",
        "status",
        "matched_count",
        "public",
        "received",
    ]
    # One link a row: two to the same need doubled what a screen reader reads, and the list's time in
    # resolving each link for its preserved filters.
    list_display_links = ["title"]
    list_filter = [
        "status",
        "urgency",
        ("themes", ThemeTreeFilter),
        ("learning_formats", LinkedRowsFilter),
        "partnership__programme",
        ("partnership", PartnershipListFilter),
        "consent_to_publish",
        "consent_to_contact",
        SuggestionsFilter,
    ]
    list_select_related = ["partnership__programme"]
    search_fields = [
        "reference",
        "title",
        "description",
        "organisation_name",
        "contact_name",
        "contact_email",
        "partnership_name",
        "partnership__name",
        "partnership__acronym",
    ]
    autocomplete_fields = ["partnership", "themes", "learning_formats", "countries", "matched_products"]
    readonly_fields = ["reference", "attachment_link", "activities_answering", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = [
        "mark_in_review",
        "mark_matched",
        "mark_addressed",
        "mark_closed",
        "start_learning_activity",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status", "title", "description", "attachment_link"]}),
        (
            "What is asked",
            {"fields": ["themes", "learning_formats", "urgency", "countries", "region"]},
        ),
        (
            "Who asks (private: never shown to the public)",
            {
                "fields": [
                    "partnership",
                    "partnership_name",
                    "organisation_name",
                    "contact_name",
                    "contact_email",
                    "consent_to_contact",
                    "consent_to_publish",
                ]
            },
        ),
        (
            "Curators",
            {"fields": ["matched_products", "activities_answering", "curator_notes", "note_to_submitter"]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        links = KnowledgeNeed.matched_products.through.objects.all()
        return super().get_queryset(request).annotate(matched_count=counted_per_row(links, "knowledgeneed"))

    def has_export_permission(self, request):
        # Reviewers read the needs one by one; taking the contacts away in a sheet is the curators' work.
        return self.has_change_permission(request)

    @admin.display(description="partnership", ordering="partnership__name")
    def partnership_or_name(self, obj):
        return obj.partnership.name if obj.partnership_id else f"{obj.partnership_name} (typed in)"

    @admin.display(description=gettext_lazy("matched"), ordering="matched_count")
    def matched_count(self, obj):
        return obj.matched_count

    @admin.display(description=gettext_lazy("urgency"), ordering="urgency")
    def urgency_in_short(self, obj):
        return URGENCY_IN_SHORT[obj.urgency]

    @admin.display(description=gettext_lazy("public"), boolean=True, ordering="consent_to_publish")
    def public(self, obj):
        return obj.consent_to_publish

    @admin.display(description=gettext_lazy("received"), ordering="created_at")
    def received(self, obj):
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description="learning activities answering it")
    def activities_answering(self, obj):
        activities = obj.learning_activities.order_by("-start_date") if obj.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("admin:needs_learningactivity_change", args=[a.pk]), a.title, a.get_status_display())
                for a in activities
            ),
        )
        return links or "—"

    # Matching: suggested products on the change page, each matched with one click ----------------------

    def get_urls(self):
        match = self.admin_site.admin_view(require_POST(self.match_product_view))
        dismiss = self.admin_site.admin_view(require_POST(self.dismiss_product_view))
        attachment = self.admin_site.admin_view(self.attachment_view)
        return [
            path("<path:object_id>/attachment/", attachment, name="needs_knowledgeneed_attachment"),
            path("<path:object_id>/match/", match, name="needs_knowledgeneed_match"),
            path("<path:object_id>/dismiss/", dismiss, name="needs_knowledgeneed_dismiss"),
            *super().get_urls(),
        ]

    @admin.display(description="document sent with it")
    def attachment_link(self, need):
        if not need.attachment:
            return "—"
        url = reverse("admin:needs_knowledgeneed_attachment", args=[need.pk])
        return format_html('<a href="{}">{}</a>', url, PurePosixPath(need.attachment.name).name)

    def attachment_view(self, request, object_id):
        """The document a submitter sent, to those who may read the need: always a download, run nowhere."""
        need = self.get_object(request, unquote(object_id))
        if need is None or not need.attachment or not self.has_view_permission(request, need):
            raise Http404("No such document.")
        try:
            handle = need.attachment.open("rb")
        except FileNotFoundError:
            raise Http404("The document is missing.") from None
        name = PurePosixPath(need.attachment.name).name
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type=download_content_type(name)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        need = self.get_object(request, unquote(object_id))
        if need is not None:
            matched = set(need.matched_products.values_list("pk", flat=True))
            suggestions = suggest_products(need, limit=ADMIN_SUGGESTIONS)
            for product in suggestions:
                product.marked_title = product.reasons.marked(product.title)
                product.marked_summary = product.reasons.marked(
                    Truncator(product.summary).chars(SUMMARY_CHARS)
                )
            extra_context = {
                **(extra_context or {}),
                "suggestions": [(product, product.pk in matched) for product in suggestions],
                "can_match": self.has_change_permission(request, need),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def status_changed(self, obj, previous):
        mails.need_status_changed(need=obj, previous=previous)

    def move(self, request, obj, status):
        services.need_set_status(need=obj, status=status)
        return _("%(reference)s saved and now %(status)s.") % {
            "reference": obj.reference,
            "status": Status(status).label.lower(),
        }

    def save_related(self, request, form, formsets, change):
        """A suggestion's "Match" button submits the change form: what was typed is saved with the match.
        Products added in the form's own "matched products" field are told to the submitter as a Match is."""
        need = form.instance
        matched_before = set(need.matched_products.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        for product in need.matched_products.published().exclude(pk__in=matched_before):
            mails.need_matched(need=need, product=product)
        if change and "_dismiss_product" in request.POST:
            self._dismiss_posted(request, form.instance)
            return
        if not (change and "_match_product" in request.POST):
            return
        need = form.instance
        product_id = posted_id(request, "_match_product")
        product = KnowledgeProduct.objects.filter(pk=product_id).first() if product_id else None
        if product is None:
            need._match_refused = _("That product no longer exists.")
            return
        try:
            moved = services.need_match_product(
                need=need, product=product, **self._suggested_place(need, product), decided_by=request.user
            )
        except ValidationError as error:
            need._match_refused = " ".join(error.messages)
        else:
            need._matched = self._matched_message(need, product, moved)

    def _matched_message(self, need, product, moved):
        if moved:
            return _("Saved, and matched “%(title)s” to %(reference)s; it is now %(status)s.") % {
                "title": product.title,
                "reference": need.reference,
                "status": need.get_status_display().lower(),
            }
        return _("Saved, and matched “%(title)s” to %(reference)s.") % {
            "title": product.title,
            "reference": need.reference,
        }

    def _dismiss_posted(self, request, need):
        """A suggestion's "Dismiss" button submits the change form too: saved, then the product dismissed."""
        product_id = posted_id(request, "_dismiss_product")
        product = KnowledgeProduct.objects.filter(pk=product_id).first() if product_id else None
        if product is None:
            need._dismiss_refused = _("That product no longer exists.")
            return
        try:
            services.need_dismiss_product(
                need=need, product=product, **self._suggested_place(need, product), decided_by=request.user
            )
        except ValidationError as error:
            need._dismiss_refused = " ".join(error.messages)
        else:
            need._matched = _(
                "Saved, and dismissed “%(title)s”: it is not suggested for %(reference)s again."
            ) % {
                "title": product.title,
                "reference": need.reference,
            }

    def response_change(self, request, obj):
        if refused := getattr(obj, "_match_refused", None):
            self.message_user(request, _("Saved, but not matched: %s") % refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        if refused := getattr(obj, "_dismiss_refused", None):
            self.message_user(request, _("Saved, but not dismissed: %s") % refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        if matched := getattr(obj, "_matched", None):
            self.message_user(request, matched, messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def match_product_view(self, request, object_id):
        """POST product=<id>: record that the product answers the need, then back to the need's page."""

        def match(need, product, place):
            moved = services.need_match_product(need=need, product=product, **place, decided_by=request.user)
            status = f"; {need.reference} is now {need.get_status_display().lower()}" if moved else ""
            return f"Matched “{product.title}” to {need.reference}{status}."

        return self._decide(request, object_id, match, missing="Choose a product to match.")

    def dismiss_product_view(self, request, object_id):
        """POST product=<id>: the suggested product does not answer the need; it is not suggested again."""

        def dismiss(need, product, place):
            services.need_dismiss_product(need=need, product=product, **place, decided_by=request.user)
            return f"Dismissed “{product.title}” for {need.reference}: it is not suggested again."

        return self._decide(request, object_id, dismiss, missing="Choose a product to dismiss.")

    def _decide(self, request, object_id, decide, *, missing: str):
        """A curator's decision on one product for the need (`decide(need, product, place)` returns what
        to tell them), with the rank and score the suggestions gave it; then back to the need's page."""
        need = self.get_object(request, unquote(object_id))
        if need is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, need):
            raise PermissionDenied
        product_id = posted_id(request, "product")
        if product_id is None:
            raise Http404(missing)
        product = get_object_or_404(KnowledgeProduct, pk=product_id)
        try:
            message = decide(need, product, self._suggested_place(need, product))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:needs_knowledgeneed_change", args=[need.pk]))

    @staticmethod
    def _suggested_place(need, product) -> dict:
        """The rank and score the suggestions give `product` now, to store with the curator's decision."""
        for suggestion in suggest_products(need, limit=ADMIN_SUGGESTIONS):
            if suggestion.pk == product.pk:
                return {"rank": suggestion.rank, "score": suggestion.score}
        return {"rank": None, "score": None}

    def _move(self, request, queryset, status):
        moved, refused = services.needs_set_status(needs=queryset, status=status)
        if moved:
            label = Status(status).label.lower()
            self.message_user(request, f"{moved} need(s) now {label}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Mark the selected needs as in review", permissions=["review"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, Status.IN_REVIEW)

    @admin.action(description="Mark the selected needs as matched to products", permissions=["review"])
    def mark_matched(self, request, queryset):
        self._move(request, queryset, Status.MATCHED)

    @admin.action(description="Mark the selected needs as addressed", permissions=["review"])
    def mark_addressed(self, request, queryset):
        self._move(request, queryset, Status.ADDRESSED)

    @admin.action(description="Close the selected needs", permissions=["review"])
    def mark_closed(self, request, queryset):
        self._move(request, queryset, Status.CLOSED)

    def has_add_activity_permission(self, request):
        return request.user.has_perm("needs.add_learningactivity")

    @admin.action(
        description="Start a learning activity from the selected needs", permissions=["add_activity"]
    )
    def start_learning_activity(self, request, queryset):
        needs = queryset.order_by("created_at").prefetch_related(
            "themes", "learning_formats", "matched_products"
        )
        try:
            activity = services.activity_start_from_needs(needs=needs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            f"Started the planned activity “{activity.title}” from {activity.needs.count()} need(s). "
            "Give it a title, a summary and a start date: it appears on the public site once it has a date.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:needs_learningactivity_change", args=[activity.pk]))


@admin.register(LearningActivity)
class LearningActivityAdmin(CuratorAdmin):
    list_display = [
        "title",
        "learning_format",
        "start_date",
        "end_date",
        "status",
        "open_to",
        "need_count",
        "is_public",
    ]
    list_filter = ["status", "learning_format", "open_to", "is_online", ("themes", ThemeTreeFilter)]
    list_select_related = ["learning_format"]
    search_fields = ["title", "summary", "description", "location"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes", "organisations", "needs", "products"]
    readonly_fields = ["public_page", "created_at", "updated_at"]
    date_hierarchy = "start_date"
    actions = ["mark_needs_addressed"]
    resource_classes = [ActivityResource]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "status", "summary", "description", "learning_format", "themes"]},
        ),
        (
            "When and where",
            {"fields": ["start_date", "end_date", "start_time", "end_time", "is_online", "location"]},
        ),
        ("Taking part", {"fields": ["open_to", "registration_url"]}),
        ("Built with and on", {"fields": ["organisations", "needs", "products"]}),
        ("Record", {"fields": ["public_page", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        links = LearningActivity.needs.through.objects.all()
        return super().get_queryset(request).annotate(need_count=counted_per_row(links, "learningactivity"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Once it is public, the submitters of the needs it answers hear of it (each once).
        told = services.activity_tell_needs(activity=form.instance)
        if told:
            self.message_user(request, f"{told} submitter(s) of the needs it answers will be told by mail.")

    @admin.display(description="needs", ordering="need_count")
    def need_count(self, obj):
        return obj.need_count

    @admin.display(description="public", boolean=True, ordering="start_date")
    def is_public(self, obj):
        return obj.start_date is not None

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj.pk and obj.start_date:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())
        return "Not public yet: it appears on the site once it has a start date."

    def has_change_needs_permission(self, request):
        return request.user.has_perm("needs.change_knowledgeneed")

    @admin.action(
        description="Mark the needs the selected completed activities answered as addressed",
        permissions=["change_needs"],
    )
    def mark_needs_addressed(self, request, queryset):
        for activity in queryset:
            try:
                moved, refused = services.activity_mark_needs_addressed(activity=activity)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
                continue
            self.message_user(
                request, f"“{activity.title}”: {moved} need(s) now addressed.", messages.SUCCESS
            )
            for reason in refused:
                self.message_user(request, reason, messages.WARNING)
