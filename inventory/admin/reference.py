"""Reference lists: programmes, themes, product types, countries, languages and stakeholders."""

from django.contrib import admin
from django.db.models import Count, Q

from core.admin import ExportAdmin, SheetAdmin
from core.spreadsheets import readable_export_resource
from core.translations import translations_form
from inventory.models import Country, KnowledgeProduct, Language, ProductType, Programme, Stakeholder, Theme
from inventory.resources import StakeholderResource

PUBLISHED = Q(products__status=KnowledgeProduct.Status.PUBLISHED)


@admin.register(Programme)
class ProgrammeAdmin(ExportAdmin):
    list_display = ["name", "start_year", "end_year", "partnership_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    resource_classes = [readable_export_resource(Programme)]
    form = translations_form(Programme)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("partnerships"))

    @admin.display(description="partnerships", ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count


@admin.register(Theme)
class ThemeAdmin(ExportAdmin):
    list_display = ["name", "parent", "position", "published_products"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_editable = ["position"]
    list_select_related = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    resource_classes = [readable_export_resource(Theme)]
    form = translations_form(Theme)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(published_count=Count("products", filter=PUBLISHED))

    @admin.display(description="published products", ordering="published_count")
    def published_products(self, obj):
        return obj.published_count


@admin.register(ProductType)
class ProductTypeAdmin(ExportAdmin):
    list_display = ["name", "position", "product_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    resource_classes = [readable_export_resource(ProductType)]
    form = translations_form(ProductType)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Country)
class CountryAdmin(ExportAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    list_editable = ["region"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "name"]
    resource_classes = [readable_export_resource(Country)]

    def has_add_permission(self, request):
        return False  # The ISO list comes from pycountry; nobody types a country in.

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Language)
class LanguageAdmin(ExportAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    resource_classes = [readable_export_resource(Language)]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Stakeholder)
class StakeholderAdmin(SheetAdmin):
    list_display = ["name", "scope", "category", "organisation"]
    list_filter = ["scope", "category"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]
    resource_classes = [StakeholderResource]
