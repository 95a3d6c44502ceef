"""Alerts: a person asks, with an e-mail address, to hear of new products matching some browse filters."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from inventory.models import KnowledgeProduct


class Subscription(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Once a week")
        MONTHLY = "monthly", _("Once a month")

    email = models.EmailField()
    language = models.CharField(max_length=10, default="en")
    filters = models.CharField(
        max_length=2000,
        blank=True,
        help_text="The browse page's filters, as a query string; empty: everything.",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    # The private part of the confirmation and unsubscribe links.
    token = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "alert subscription"
        constraints = [
            models.UniqueConstraint(Lower("email"), "filters", name="subscription_email_filters_unique"),
        ]

    def __str__(self):
        return f"{self.email}: {self.filters or 'all products'} ({self.frequency})"


class Delivery(models.Model):
    """A product sent to a subscriber: it is never sent to them again."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "product"], name="delivery_once_per_product"),
        ]

    def __str__(self):
        return f"{self.product_id} → {self.subscription_id}"
