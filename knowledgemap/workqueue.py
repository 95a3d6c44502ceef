"""What waits for the curators and reviewers: the admin's home. Each line counts one queue, says how long
its oldest item has waited, and links to the list of them; below, the latest changes from the history."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import KnowledgeProduct, Organisation, Partnership
from needs.models import KnowledgeNeed, LearningActivity

Status = KnowledgeProduct.Status
LATEST_CHANGES = 12


@dataclass(frozen=True)
class Queue:
    """One queue: which rows wait, who may see them (a permission), and the admin list that shows them."""

    label: str
    permission: str
    rows: object  # A callable returning the queryset, so nothing is read at import.
    list_url: str  # An admin URL name.
    query: str = ""
    waiting_since: str = "created_at"


QUEUES = [
    Queue(
        _("New knowledge needs"),
        "needs.view_knowledgeneed",
        lambda: KnowledgeNeed.objects.filter(status=KnowledgeNeed.Status.NEW),
        "admin:needs_knowledgeneed_changelist",
        "status__exact=new",
    ),
    Queue(
        _("New knowledge needs the catalogue may already answer"),
        "needs.view_knowledgeneed",
        # Ranked by a job when the need arrives (needs.matching.keep_suggestions).
        lambda: KnowledgeNeed.objects.filter(status=KnowledgeNeed.Status.NEW, suggestion_count__gt=0),
        "admin:needs_knowledgeneed_changelist",
        "status__exact=new&suggestions=some",
    ),
    Queue(
        _("Knowledge needs in review"),
        "needs.view_knowledgeneed",
        lambda: KnowledgeNeed.objects.filter(status=KnowledgeNeed.Status.IN_REVIEW),
        "admin:needs_knowledgeneed_changelist",
        "status__exact=in-review",
    ),
    Queue(
        _("Nominations to review"),
        "inventory.review_knowledgeproduct",
        lambda: KnowledgeProduct.objects.filter(status=Status.SUBMITTED),
        "admin:inventory_nomination_changelist",
    ),
    Queue(
        _("Learning activities without a date"),
        "needs.change_learningactivity",
        # Only a planned activity may lack a date; a cancelled one needs none.
        lambda: LearningActivity.objects.filter(
            start_date__isnull=True, status=LearningActivity.Status.PLANNED
        ),
        "admin:needs_learningactivity_changelist",
        "start_date__isnull=True&status__exact=planned",
    ),
    Queue(
        _("Published products without a link or a file"),
        "inventory.change_knowledgeproduct",
        lambda: KnowledgeProduct.objects.filter(status=Status.PUBLISHED).filter(Q(url="") & Q(file="")),
        "admin:inventory_knowledgeproduct_changelist",
        "status__exact=published&link_or_file=missing",
        waiting_since="published_at",
    ),
    Queue(
        _("Published products whose link or file is broken"),
        "inventory.change_knowledgeproduct",
        # Found by the link checker (inventory.links, `manage.py check_links`), oldest problem first.
        lambda: KnowledgeProduct.objects.filter(status=Status.PUBLISHED, link_check__problem__gt=""),
        "admin:inventory_knowledgeproduct_changelist",
        "status__exact=published&link_or_file=broken",
        waiting_since="link_check__broken_since",
    ),
]


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    oldest: datetime | None
    url: str

    @property
    def days(self) -> int | None:
        """How many days the oldest has waited."""
        return None if self.oldest is None else (timezone.now() - self.oldest).days


def waiting(user) -> list[Waiting]:
    """The queues `user` may see, each counted in one query."""
    found = []
    for queue in QUEUES:
        if not user.has_perm(queue.permission):
            continue
        figures = queue.rows().aggregate(count=Count("pk"), oldest=Min(queue.waiting_since))
        url = reverse(queue.list_url) + (f"?{queue.query}" if queue.query else "")
        found.append(Waiting(str(queue.label), figures["count"], figures["oldest"], url))
    return found


# The records whose history the home page shows, with the permission to see each.
HISTORY = [
    (KnowledgeProduct, "inventory.view_knowledgeproduct"),
    (KnowledgeNeed, "needs.view_knowledgeneed"),
    (LearningActivity, "needs.view_learningactivity"),
    (Partnership, "inventory.view_partnership"),
    (Organisation, "inventory.view_organisation"),
]


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    kind: str
    name: str
    url: str


KINDS = {"+": _("added"), "~": _("changed"), "-": _("deleted")}


def latest_changes(user, limit: int = LATEST_CHANGES) -> list[Change]:
    """The latest entries of the history of the records `user` may see, newest first: one query a model."""
    entries = []
    for model, permission in HISTORY:
        if not user.has_perm(permission):
            continue
        opts = model._meta
        for entry in model.history.select_related("history_user").order_by("-history_date")[:limit]:
            entries.append(
                Change(
                    when=entry.history_date,
                    who=entry.history_user.get_username() if entry.history_user else "",
                    what=str(opts.verbose_name),
                    kind=str(KINDS.get(entry.history_type, "")),
                    name=_name(entry),
                    url=reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[entry.id]),
                )
            )
    return sorted(entries, key=lambda change: change.when, reverse=True)[:limit]


def _name(entry) -> str:
    """What the record was called, from the entry's own fields (its __str__ may read related rows)."""
    reference = getattr(entry, "reference", "")
    name = getattr(entry, "title", None) or getattr(entry, "name", "")
    return f"{reference}: {name}" if reference else name
