import csv

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import timezone

from knowledgemap.admin import PublicDataAdmin
from needs import services
from needs.models import KnowledgeNeed, LearningFormat

Status = KnowledgeNeed.Status


@admin.register(LearningFormat)
class LearningFormatAdmin(PublicDataAdmin):
    list_display = ["name", "position", "need_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(need_count=Count("needs"))

    @admin.display(description="needs", ordering="need_count")
    def need_count(self, obj):
        return obj.need_count


class KnowledgeNeedAdminForm(forms.ModelForm):
    class Meta:
        model = KnowledgeNeed
        fields = ["status", "matched_products"]  # The admin adds the other fields of its fieldsets.

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.MATCHED and not cleaned.get("matched_products"):
            self.add_error("matched_products", "A matched need needs at least one matched product.")
        return cleaned


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


CSV_COLUMNS = [
    ("reference", lambda n: n.reference),
    ("created", lambda n: timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M")),
    ("status", lambda n: n.get_status_display()),
    ("title", lambda n: n.title),
    ("description", lambda n: n.description),
    ("programme", lambda n: n.partnership.programme.name if n.partnership_id else ""),
    ("partnership", lambda n: n.partnership_display),
    ("organisation", lambda n: n.organisation_name),
    ("contact name", lambda n: n.contact_name),
    ("contact e-mail", lambda n: n.contact_email),
    ("urgency", lambda n: n.get_urgency_display()),
    ("themes", lambda n: "; ".join(t.name for t in n.themes.all())),
    ("learning formats", lambda n: "; ".join(f.name for f in n.learning_formats.all())),
    ("countries", lambda n: "; ".join(c.code for c in n.countries.all())),
    ("region", lambda n: n.get_region_display()),
    ("may be contacted", lambda n: "yes" if n.consent_to_contact else "no"),
    ("may be shown publicly", lambda n: "yes" if n.consent_to_publish else "no"),
    ("matched products", lambda n: "; ".join(p.title for p in n.matched_products.all())),
    ("curator notes", lambda n: n.curator_notes),
]


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: a cell starting with = + - @ would otherwise run as a formula."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(KnowledgeNeed)
class KnowledgeNeedAdmin(PublicDataAdmin):
    form = KnowledgeNeedAdminForm
    list_display = [
        "reference",
        "title",
        "partnership_or_name",
        "organisation_name",
        "urgency",
        "status",
        "matched_count",
        "consent_to_publish",
        "created_at",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "status",
        "urgency",
        "themes",
        "learning_formats",
        "partnership__programme",
        ("partnership", admin.RelatedOnlyFieldListFilter),
        "consent_to_publish",
        "consent_to_contact",
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
    readonly_fields = ["reference", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["mark_in_review", "mark_matched", "mark_addressed", "mark_closed", "export_csv"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "title", "description"]}),
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
        ("Curators", {"fields": ["matched_products", "curator_notes"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(matched_count=Count("matched_products", distinct=True))

    @admin.display(description="partnership", ordering="partnership__name")
    def partnership_or_name(self, obj):
        return obj.partnership.name if obj.partnership_id else f"{obj.partnership_name} (typed in)"

    @admin.display(description="matched products", ordering="matched_count")
    def matched_count(self, obj):
        return obj.matched_count

    def _move(self, request, queryset, status):
        moved, refused = services.needs_set_status(needs=queryset, status=status)
        if moved:
            label = Status(status).label.lower()
            self.message_user(request, f"{moved} need(s) now {label}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Mark the selected needs as in review", permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, Status.IN_REVIEW)

    @admin.action(description="Mark the selected needs as matched to products", permissions=["change"])
    def mark_matched(self, request, queryset):
        self._move(request, queryset, Status.MATCHED)

    @admin.action(description="Mark the selected needs as addressed", permissions=["change"])
    def mark_addressed(self, request, queryset):
        self._move(request, queryset, Status.ADDRESSED)

    @admin.action(description="Close the selected needs", permissions=["change"])
    def mark_closed(self, request, queryset):
        self._move(request, queryset, Status.CLOSED)

    @admin.action(description="Export the selected needs as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        needs = (
            queryset.order_by("created_at")
            .select_related("partnership__programme")
            .prefetch_related("themes", "learning_formats", "countries", "matched_products")
        )
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow([name for name, _ in CSV_COLUMNS])
            for need in needs:
                yield writer.writerow([spreadsheet_safe(value(need)) for _, value in CSV_COLUMNS])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return StreamingHttpResponse(
            rows(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="knowledge-needs-{stamp}.csv"'},
        )
