"""Organisations and partnerships: import, export and history."""

from django.contrib import admin

from core.admin import CuratorAdmin
from core.admin_counts import counted_per_row
from inventory.models import Membership, Organisation, Partnership
from inventory.resources import OrganisationResource, PartnershipResource


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
class OrganisationAdmin(CuratorAdmin):
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
    resource_classes = [OrganisationResource]

    def get_queryset(self, request):
        links = Organisation.products.through.objects.all()
        return super().get_queryset(request).annotate(product_count=counted_per_row(links, "organisation"))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Partnership)
class PartnershipAdmin(CuratorAdmin):
    list_display = ["name", "acronym", "programme", "lead_organisation", "member_count"]
    list_filter = ["programme", "themes"]
    list_select_related = ["programme", "lead_organisation"]
    search_fields = ["name", "acronym", "summary"]
    autocomplete_fields = ["lead_organisation", "themes", "countries"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    resource_classes = [PartnershipResource]

    def get_queryset(self, request):
        members = counted_per_row(Membership.objects.all(), "partnership")
        return super().get_queryset(request).annotate(member_count=members)

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
