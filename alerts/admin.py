from django.contrib import admin

from alerts.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "filters", "frequency", "language", "confirmed_at", "created_at"]
    list_filter = ["frequency", "language"]
    search_fields = ["email", "filters"]
    readonly_fields = ["email", "filters", "frequency", "language", "confirmed_at", "created_at"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False
