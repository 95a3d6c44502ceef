"""Free tags: export, usage counts, and merging tags that mean the same thing."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from core.admin import ExportAdmin
from core.spreadsheets import readable_export_resource
from inventory import services

# taggit's own admin merges only its generic tagged items, not the products' tags: replace it.
admin.site.unregister(Tag)


class KeepTagForm(forms.Form):
    keep = forms.ModelChoiceField(
        Tag.objects.none(),
        widget=forms.RadioSelect,
        label=gettext_lazy("Keep this tag; the others become it"),
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = tags


@admin.register(Tag)
class TagAdmin(ExportAdmin):
    list_display = ["name", "slug", "product_count"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags", "merge_duplicates"]
    resource_classes = [readable_export_resource(Tag)]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("inventory_taggedproduct_items"))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj):
        return obj.product_count

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge_tags(self, request, queryset):
        tags = queryset.order_by("name")
        form = KeepTagForm(request.POST if "apply" in request.POST else None, tags=tags)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            merged = services.tags_merge(tags=list(tags), into=keep)
            self.message_user(
                request, _("%(count)s tag(s) merged into “%(tag)s”.") % {"count": merged, "tag": keep}
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.opts,
            "form": form,
            "objects": tags,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/knowledgemap/bulk_edit.html", context)

    @admin.action(
        description="Merge selected tags that differ only in case or spaces (“advocacy”, “Advocacy ”)",
        permissions=["change"],
    )
    def merge_duplicates(self, request, queryset):
        done = services.tags_merge_duplicates(tags=queryset)
        for kept, merged in done:
            self.message_user(
                request,
                _("“%(kept)s” now stands for: %(merged)s")
                % {"kept": kept, "merged": ", ".join(f"“{name}”" for name in merged) or _("itself, tidied")},
                messages.SUCCESS,
            )
        if not done:
            self.message_user(request, _("No tags differ only in case or spaces."), messages.INFO)
