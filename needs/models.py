"""Knowledge needs of the new partnerships, and the learning activities built on them."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import History
from core.links import slug_url
from core.translations import TranslatedNames
from core.workflow import Workflow
from inventory.models import (
    Country,
    KnowledgeProduct,
    Organisation,
    Partnership,
    Region,
    SluggedModel,
    Theme,
)


class LearningFormat(TranslatedNames, SluggedModel):
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
        """Needs still waiting for an answer, what the gaps are made of: new, in review, or matched to
        products but not yet addressed by a learning activity. Addressed and closed needs are done."""
        return self.filter(status__in=KnowledgeNeed.OPEN_STATUSES)

    def shareable(self):
        """Needs whose submitters agreed to have them shown publicly, without names."""
        return self.filter(consent_to_publish=True)

    def unanswered(self):
        """Needs no product answers yet: no published product has been matched to them (matched products
        are, by definition, the products that answer a need)."""
        return self.filter(~is_answered())


def is_answered() -> Exists:
    """True for a need that has at least one published product matched to it; usable in filter() and as
    the filter of an aggregate (`Count("pk", filter=~is_answered())`)."""
    return Exists(
        KnowledgeNeed.matched_products.through.objects.filter(
            knowledgeneed_id=OuterRef("pk"),
            knowledgeproduct__status=KnowledgeProduct.Status.PUBLISHED,
        )
    )


class KnowledgeNeed(Workflow):
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
    # Still waiting for an answer (KnowledgeNeedQuerySet.open).
    OPEN_STATUSES = [Status.NEW, Status.IN_REVIEW, Status.MATCHED]

    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW, Status.MATCHED, Status.ADDRESSED, Status.CLOSED},
        Status.IN_REVIEW: {Status.NEW, Status.MATCHED, Status.ADDRESSED, Status.CLOSED},
        Status.MATCHED: {Status.IN_REVIEW, Status.ADDRESSED, Status.CLOSED},
        Status.ADDRESSED: {Status.IN_REVIEW, Status.MATCHED, Status.CLOSED},
        Status.CLOSED: {Status.IN_REVIEW},
    }
    refusal = "A need that is {stored} cannot become {status} directly."

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
    # Empty once erased: at the submitter's request ("forget me") or after the retention period.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_language = models.CharField(
        max_length=10,
        blank=True,
        help_text="The language the submitter used on the site; their mails are in it.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField("the need in their own words", max_length=5000)
    attachment = models.FileField(
        upload_to="needs/%Y/",
        blank=True,
        help_text="A document the submitter sent with the need. Private: never shown on the site.",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="needs")
    learning_formats = models.ManyToManyField(
        LearningFormat, blank=True, related_name="needs", verbose_name="preferred learning formats"
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    countries = models.ManyToManyField(Country, blank=True, related_name="needs")
    region = models.CharField(max_length=30, choices=Region.choices, blank=True)
    # What the ranker (needs.matching) last suggested for it, kept by a job so that the work queue can count
    # the new needs the catalogue may already answer without ranking each one in the request.
    suggestion_count = models.PositiveSmallIntegerField(default=0, editable=False)
    suggested_at = models.DateTimeField(null=True, blank=True, editable=False)
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
    note_to_submitter = models.TextField(
        "note to the submitter",
        blank=True,
        help_text="Sent to the submitter (if they may be contacted) when the need is addressed or closed.",
    )
    # The private link of the page where the submitter follows the need (/follow/<token>/).
    follow_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    matched_products = models.ManyToManyField(
        KnowledgeProduct,
        blank=True,
        related_name="matched_needs",
        help_text="Products that answer this need, in part or whole.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeNeedQuerySet.as_manager()
    # The matched products are part of a need's status: a need is "matched" because of them.
    history = History(m2m_fields=["themes", "matched_products"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "knowledge need"
        # Reviewers see the needs and move them along the workflow, without editing what was asked.
        permissions = [("review_knowledgeneed", "Can review knowledge needs (change their status)")]
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
        if not self.reference:
            # Made from the primary key, so two needs saved at the same instant never share one.
            self.reference = f"KN-{self.created_at:%Y}-{self.pk:04d}"
            type(self)._default_manager.filter(pk=self.pk).update(reference=self.reference)
            # The history's "+" entry was written before the reference existed.
            self.history.filter(reference="").update(reference=self.reference)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def clean(self):
        if self.partnership_id is None and not self.partnership_name.strip():
            raise ValidationError(
                {"partnership_name": "Choose the partnership from the list, or type its name."}
            )
        self.clean_status()

    @property
    def partnership_display(self) -> str:
        return self.partnership.name if self.partnership_id else self.partnership_name


class LearningActivityQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: every activity that has a start date, whatever its status. Until it has
        one, an activity is a plan the curators are still shaping (an activity started from needs in the
        admin begins that way). A cancelled activity stays visible, marked cancelled, because people may
        have registered or saved it in their calendars."""
        return self.filter(start_date__isnull=False)

    def with_ends_on(self):
        """Annotates `ends_on`: the end date, or the start date of a one-day activity."""
        return self.annotate(ends_on=Coalesce("end_date", "start_date"))

    def upcoming(self, today=None):
        """Activities not over yet (running ones included), on public, dated activities."""
        today = today or timezone.localdate()
        return self.with_ends_on().filter(ends_on__gte=today)

    def past(self, today=None):
        today = today or timezone.localdate()
        return self.with_ends_on().filter(ends_on__lt=today)


class LearningActivity(SluggedModel):
    """A webinar, peer exchange, training … built on knowledge needs, made with organisations and offered
    to Partos members or to everyone."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for registration")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        PARTOS_MEMBERS = "partos-members", _("Partos members")
        EVERYONE = "everyone", _("Everyone")

    # Statuses that need a date: nobody can register for, or have finished, an activity without one.
    DATED_STATUSES = [Status.OPEN, Status.COMPLETED]

    slug_source_field = "title"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80, unique=True, blank=True, help_text="Made from the title when left empty."
    )
    summary = models.TextField(max_length=600, help_text="One or two sentences shown in lists.")
    description = models.TextField(blank=True, help_text="What participants will do and take away.")
    learning_format = models.ForeignKey(
        LearningFormat, on_delete=models.PROTECT, related_name="activities", verbose_name="format"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="learning_activities")
    start_date = models.DateField(
        null=True,
        blank=True,
        help_text="The activity appears on the public site once it has a start date.",
    )
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for a one-day activity.")
    start_time = models.TimeField(null=True, blank=True, help_text="Amsterdam time; empty for all day.")
    end_time = models.TimeField(null=True, blank=True, help_text="Amsterdam time.")
    is_online = models.BooleanField("online", default=False)
    location = models.CharField(
        max_length=200, blank=True, help_text="Venue and city, when people meet in person."
    )
    registration_url = models.URLField("registration link", max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    open_to = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PARTOS_MEMBERS)
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="learning_activities",
        verbose_name="co-creating organisations",
        help_text="The organisations that make the activity with Partos.",
    )
    needs = models.ManyToManyField(
        KnowledgeNeed,
        blank=True,
        related_name="learning_activities",
        verbose_name="needs it answers",
    )
    products = models.ManyToManyField(
        KnowledgeProduct,
        blank=True,
        related_name="learning_activities",
        verbose_name="products it builds on",
        help_text="Only published products are shown on the public page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Grows by one with each saved change: calendars replace an event by a higher one.",
    )

    objects = LearningActivityQuerySet.as_manager()
    history = History(m2m_fields=["themes"])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = "learning activity"
        verbose_name_plural = "learning activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                name="activity_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["open", "completed"]) | Q(start_date__isnull=False),
                name="activity_open_or_completed_has_a_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("pages:activity-detail", self.slug)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.revision += 1
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.end_date and not self.start_date:
            errors["start_date"] = "Give the start date too."
        elif self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The activity cannot end before it starts."
        if self.status in self.DATED_STATUSES and not self.start_date:
            errors["start_date"] = (
                f"An activity that is {self.Status(self.status).label.lower()} needs a start date."
            )
        if self.end_time and not self.start_time:
            errors["start_time"] = "Give the start time too."
        elif (
            self.start_time
            and self.end_time
            and self.last_day == self.start_date
            and self.end_time <= self.start_time
        ):
            errors["end_time"] = "The activity cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def is_upcoming(self) -> bool:
        """Not over yet: today or later (a running activity is upcoming too)."""
        return self.last_day is not None and self.last_day >= timezone.localdate()

    @property
    def is_one_day(self) -> bool:
        return self.last_day == self.start_date

    @property
    def starts_at(self) -> datetime.datetime | None:
        """The start as an instant: its times are the site's (Amsterdam's). None for an all-day activity."""
        if self.start_date is None or self.start_time is None:
            return None
        return datetime.datetime.combine(
            self.start_date, self.start_time, tzinfo=ZoneInfo(settings.TIME_ZONE)
        )

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None or self.end_time is None:
            return None
        return datetime.datetime.combine(self.last_day, self.end_time, tzinfo=ZoneInfo(settings.TIME_ZONE))


class SuggestionDecision(models.Model):
    """A curator's decision on a product suggested for a need: matched (it answers the need) or dismissed
    (it does not, and is not suggested for that need again), with the place and score the ranker gave it
    then, so the matching can be measured against what curators decide."""

    class Decision(models.TextChoices):
        MATCHED = "matched", _("matched")
        DISMISSED = "dismissed", _("dismissed")

    need = models.ForeignKey(KnowledgeNeed, on_delete=models.CASCADE, related_name="suggestion_decisions")
    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rank = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The product's place among the suggestions when decided (1 is first).",
    )
    score = models.FloatField(null=True, blank=True, help_text="The ranker's score when decided.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = "suggestion decision"
        constraints = [
            # A curator's latest word on a product for a need replaces the earlier one.
            models.UniqueConstraint(fields=["need", "product"], name="suggestion_decision_once"),
        ]

    def __str__(self):
        return f"{self.need}: {self.get_decision_display()} “{self.product}”"
