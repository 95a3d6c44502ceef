"""Knowledge needs of the new partnerships, and the learning activities built on them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models import Country, KnowledgeProduct, Partnership, Region, SluggedModel, Theme


class LearningFormat(SluggedModel):
    """How people prefer to learn: a webinar, a peer exchange, coaching … Editable by curators."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "learning format"

    def __str__(self):
        return self.name


class KnowledgeNeedQuerySet(models.QuerySet):
    def open(self):
        """Needs still waiting for an answer: what the gaps are made of."""
        return self.exclude(status__in=[KnowledgeNeed.Status.ADDRESSED, KnowledgeNeed.Status.CLOSED])

    def shareable(self):
        """Needs whose submitters agreed to have them shown publicly, without names."""
        return self.filter(consent_to_publish=True)


class KnowledgeNeed(models.Model):
    """What a partnership still needs to learn, in its own words. Private: staff only, except the
    anonymised text of needs whose submitters consented."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in-review", "In review"
        MATCHED = "matched", "Matched to products"
        ADDRESSED = "addressed", "Addressed"
        CLOSED = "closed", "Closed"

    # Curators may skip ahead, step back to review, and reopen a closed need; nothing returns to "new"
    # once it has got further than review, so "new" keeps meaning "nobody has looked at it yet".
    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW, Status.MATCHED, Status.ADDRESSED, Status.CLOSED},
        Status.IN_REVIEW: {Status.NEW, Status.MATCHED, Status.ADDRESSED, Status.CLOSED},
        Status.MATCHED: {Status.IN_REVIEW, Status.ADDRESSED, Status.CLOSED},
        Status.ADDRESSED: {Status.IN_REVIEW, Status.MATCHED, Status.CLOSED},
        Status.CLOSED: {Status.IN_REVIEW},
    }

    class Urgency(models.TextChoices):
        LOW = "low", _("Not urgent: within a year or later")
        MEDIUM = "medium", _("Within the next six months")
        HIGH = "high", _("Urgent: within the next three months")

    reference = models.CharField(
        max_length=20,
        blank=True,
        editable=False,
        help_text="Given to the submitter, who quotes it when writing to us.",
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    partnership_name = models.CharField(
        "partnership (typed in)",
        max_length=200,
        blank=True,
        help_text="What the submitter typed when their partnership was not in the list.",
    )
    organisation_name = models.CharField("organisation", max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(max_length=254)
    title = models.CharField(max_length=200)
    description = models.TextField("the need in their own words", max_length=5000)
    themes = models.ManyToManyField(Theme, blank=True, related_name="needs")
    learning_formats = models.ManyToManyField(
        LearningFormat, blank=True, related_name="needs", verbose_name="preferred learning formats"
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    countries = models.ManyToManyField(Country, blank=True, related_name="needs")
    region = models.CharField(max_length=30, choices=Region.choices, blank=True)
    consent_to_contact = models.BooleanField(
        "may be contacted", default=False, help_text="Partos may contact them about this need."
    )
    consent_to_publish = models.BooleanField(
        "may be shown publicly",
        default=False,
        help_text="The need (title and text, without names) may be shown on the public site.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    curator_notes = models.TextField(blank=True)
    matched_products = models.ManyToManyField(
        KnowledgeProduct,
        blank=True,
        related_name="matched_needs",
        help_text="Products that answer this need, in part or whole.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeNeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "knowledge need"
        constraints = [
            # Empty only for the instant between the insert and the update that sets it (see save()).
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="need_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(partnership__isnull=False) | ~Q(partnership_name=""),
                name="need_names_its_partnership",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._stored_status = self.status
        if not self.reference:
            # Made from the primary key, so two needs saved at the same instant never share one.
            self.reference = f"KN-{self.created_at:%Y}-{self.pk:04d}"
            type(self)._default_manager.filter(pk=self.pk).update(reference=self.reference)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the stored status, so a change can be checked against the workflow.
        instance._stored_status = instance.__dict__.get("status")
        return instance

    def clean(self):
        if self.partnership_id is None and not self.partnership_name.strip():
            raise ValidationError(
                {"partnership_name": "Choose the partnership from the list, or type its name."}
            )
        stored = getattr(self, "_stored_status", None)
        if stored and not self.can_move_to(self.status):
            raise ValidationError(
                {
                    "status": f"A need that is {self.Status(stored).label.lower()} cannot become "
                    f"{self.Status(self.status).label.lower()} directly."
                }
            )

    def can_move_to(self, status: str) -> bool:
        current = getattr(self, "_stored_status", None) or self.status
        return status == current or status in self.TRANSITIONS[self.Status(current)]

    @property
    def partnership_display(self) -> str:
        return self.partnership.name if self.partnership_id else self.partnership_name
