from django.contrib import admin, messages
from django.db.models import Count, Q
from taggit.admin import TagAdmin
from taggit.models import Tag

from inventory import services
from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Membership,
    Nomination,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    TaggedProduct,
    Theme,
)
from inventory.search import update_search_vectors

PUBLISHED = Q(products__status=KnowledgeProduct.Status.PUBLISHED)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year", "end_year", "partnership_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("partnerships"))

    @admin.display(description="partnerships", ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position", "published_products"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_editable = ["position"]
    list_select_related = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(published_count=Count("products", filter=PUBLISHED))

    @admin.display(description="published products", ordering="published_count")
    def published_products(self, obj):
        return obj.published_count


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "product_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    list_editable = ["region"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False  # The ISO list comes from pycountry; nobody types a country in.

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["partnership"]
    verbose_name = "partnership membership"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "is_partos_member", "product_count"]
    ordering = ["name"]
    list_filter = [
        "kind",
        "is_partos_member",
        "country__region",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["country"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products", distinct=True))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "programme", "lead_organisation", "member_count"]
    list_filter = ["programme", "themes"]
    list_select_related = ["programme", "lead_organisation"]
    search_fields = ["name", "acronym", "summary"]
    autocomplete_fields = ["lead_organisation", "themes", "countries"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships", distinct=True))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "category", "organisation"]
    list_filter = ["scope", "category"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 1
    autocomplete_fields = ["stakeholder"]


@admin.register(KnowledgeProduct)
class KnowledgeProductAdmin(admin.ModelAdmin):
    list_display = ["title", "product_type", "status", "featured", "year", "published_at", "updated_at"]
    list_filter = ["status", "featured", "product_type", "themes", "partnerships__programme", "year"]
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
    readonly_fields = ["published_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [InvolvementInline]
    actions = ["publish", "archive", "return_to_draft", "mark_featured", "unmark_featured"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "product_type", "status", "featured"]}),
        ("What it is", {"fields": ["summary", "description", "why_valuable", "year", "url", "file"]}),
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
                ],
                "classes": ["collapse"],
            },
        ),
        ("Record", {"fields": ["published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The tags are saved only now, and they are part of the search vector.
        update_search_vectors([form.instance.pk])

    def _move(self, request, queryset, status):
        moved, refused = services.products_set_status(products=queryset, status=status)
        label = KnowledgeProduct.Status(status).label.lower()
        if moved:
            self.message_user(request, f"{moved} product(s) now {label}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Publish the selected products", permissions=["change"])
    def publish(self, request, queryset):
        self._move(request, queryset, KnowledgeProduct.Status.PUBLISHED)

    @admin.action(description="Archive the selected products", permissions=["change"])
    def archive(self, request, queryset):
        self._move(request, queryset, KnowledgeProduct.Status.ARCHIVED)

    @admin.action(description="Return the selected products to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, KnowledgeProduct.Status.DRAFT)

    @admin.action(description="Feature the selected products", permissions=["change"])
    def mark_featured(self, request, queryset):
        count = queryset.update(featured=True)
        self.message_user(request, f"{count} product(s) featured.", messages.SUCCESS)

    @admin.action(description="Stop featuring the selected products", permissions=["change"])
    def unmark_featured(self, request, queryset):
        count = queryset.update(featured=False)
        self.message_user(request, f"{count} product(s) no longer featured.", messages.SUCCESS)


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
        "created_at",
    ]
    list_filter = ["product_type", "themes", "partnerships__programme"]
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

    @admin.display(description="link", boolean=True)
    def has_link(self, obj):
        return bool(obj.url)

    @admin.display(description="file", boolean=True)
    def has_file(self, obj):
        return bool(obj.file)


admin.site.unregister(Tag)


@admin.register(Tag)
class ProductTagAdmin(TagAdmin):
    """Taggit's tag admin, keeping the search vectors of the tagged products current: tag names are
    searched."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        update_search_vectors(self._tagged_product_ids([obj.pk]))

    def delete_model(self, request, obj):
        product_ids = self._tagged_product_ids([obj.pk])
        super().delete_model(request, obj)
        update_search_vectors(product_ids)

    def delete_queryset(self, request, queryset):
        product_ids = self._tagged_product_ids(queryset.values("pk"))
        super().delete_queryset(request, queryset)
        update_search_vectors(product_ids)

    @staticmethod
    def _tagged_product_ids(tag_ids) -> list[int]:
        return list(TaggedProduct.objects.filter(tag__in=tag_ids).values_list("content_object_id", flat=True))
