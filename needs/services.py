"""Writes on knowledge needs. Views, admin actions and commands call these."""

import datetime
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.services import alerts_forget
from core.history import one_history_entry
from core.outbox import outbox_erase_address, outbox_erase_older
from core.submissions import new_follow_token
from inventory.models import Country, KnowledgeProduct, Partnership, Theme
from needs import mails, matching
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat, SuggestionDecision

Status = KnowledgeNeed.Status
ActivityStatus = LearningActivity.Status
# What an activity started from needs says until a curator writes its summary.
WORKING_SUMMARY = "Built on knowledge needs that partnerships shared. (Working text: replace it.)"


@transaction.atomic
def need_submit(
    *,
    organisation_name: str,
    contact_name: str,
    contact_email: str,
    title: str,
    description: str,
    partnership: Partnership | None = None,
    partnership_name: str = "",
    themes: Iterable[Theme] = (),
    learning_formats: Iterable[LearningFormat] = (),
    urgency: str = KnowledgeNeed.Urgency.MEDIUM,
    countries: Iterable[Country] = (),
    region: str = "",
    consent_to_contact: bool = False,
    consent_to_publish: bool = False,
    attachment: File | None = None,
    site_url: str = "",
    language: str = "",
) -> KnowledgeNeed:
    """Store a need sent through the public form, in one transaction; the curators and the submitter
    hear of it once it is committed."""
    need = KnowledgeNeed(
        partnership=partnership,
        partnership_name=partnership_name,
        organisation_name=organisation_name,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_language=language,
        follow_token=new_follow_token(),
        title=title,
        description=description,
        urgency=urgency,
        region=region,
        consent_to_contact=consent_to_contact,
        consent_to_publish=consent_to_publish,
    )
    if attachment:
        need.attachment.save(PurePath(attachment.name).name, attachment, save=False)
    need.full_clean()
    # One history entry for the need as it was sent, its themes included.
    with one_history_entry(need, created=True):
        need.save()
        need.themes.set(themes)
        need.learning_formats.set(learning_formats)
        need.countries.set(countries)
    mails.need_received(need=need, site_url=site_url)
    matching.keep_suggestions_later(need.pk)
    return need


@transaction.atomic
def need_set_status(*, need: KnowledgeNeed, status: str, notify: bool = True) -> KnowledgeNeed:
    """Move a need along its workflow (new → in review → matched → addressed → closed). The submitter hears
    when it is addressed or closed, with the curators' note to them (unless `notify` is off)."""
    if not need.can_move_to(status):
        raise ValidationError(
            f"{need.reference} is {need.get_status_display().lower()}; "
            f"it cannot become {Status(status).label.lower()}."
        )
    if status == Status.MATCHED and not need.matched_products.exists():
        raise ValidationError(f"{need.reference} has no matched products yet: add them first.")
    previous = need.stored_status
    need.status = status
    need.full_clean()
    need.save()
    if notify:
        mails.need_status_changed(need=need, previous=previous)
    return need


def needs_set_status(*, needs: Iterable[KnowledgeNeed], status: str) -> tuple[int, list[str]]:
    """Move many needs; returns how many moved and why the others did not."""
    moved, refused = 0, []
    for need in needs:
        try:
            need_set_status(need=need, status=status)
        except ValidationError as error:
            refused.extend(error.messages)
        else:
            moved += 1
    return moved, refused


@transaction.atomic
def need_match_product(
    *,
    need: KnowledgeNeed,
    product: KnowledgeProduct,
    rank: int | None = None,
    score: float | None = None,
    decided_by=None,
) -> bool:
    """Record that `product` answers `need`, and the curator's decision with the place and score the
    suggestions gave it (when it was suggested). A need still new or in review becomes matched: someone has
    looked at it and found an answer. Returns whether the status changed."""
    if not product.is_public:
        raise ValidationError(f"“{product.title}” is not published; only published products answer needs.")
    _record_decision(need, product, SuggestionDecision.Decision.MATCHED, rank, score, decided_by)
    # One history entry for the product matched and the status it brings.
    already = need.matched_products.filter(pk=product.pk).exists()
    with one_history_entry(need, created=False):
        need.matched_products.add(product)
        moved = need.status in (Status.NEW, Status.IN_REVIEW)
        if moved:
            need_set_status(need=need, status=Status.MATCHED)
    if not already:
        mails.need_matched(need=need, product=product)
    return moved


@transaction.atomic
def need_dismiss_product(
    *,
    need: KnowledgeNeed,
    product: KnowledgeProduct,
    rank: int | None = None,
    score: float | None = None,
    decided_by=None,
) -> SuggestionDecision:
    """Record that `product`, suggested for `need`, does not answer it: it is not suggested for that need
    again. A product matched to the need cannot be dismissed; the match is the curator's word on it."""
    if need.matched_products.filter(pk=product.pk).exists():
        raise ValidationError(f"“{product.title}” is matched to this need; it cannot be dismissed.")
    decision = _record_decision(need, product, SuggestionDecision.Decision.DISMISSED, rank, score, decided_by)
    matching.keep_suggestions_later(need.pk)
    return decision


def _record_decision(need, product, decision, rank, score, decided_by) -> SuggestionDecision:
    record = SuggestionDecision.objects.filter(need=need, product=product).first() or SuggestionDecision(
        need=need, product=product
    )
    record.decision, record.rank, record.score, record.decided_by = decision, rank, score, decided_by
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def activity_start_from_needs(*, needs: Iterable[KnowledgeNeed]) -> LearningActivity:
    """A planned learning activity answering `needs`: their themes, the products curators matched to them,
    the format most of them prefer, a working title to change. Without a start date it stays off the public
    site until a curator gives one."""
    needs = list(needs)
    if not needs:
        raise ValidationError("Choose at least one need to start a learning activity from.")
    learning_format = _preferred_format(needs)
    if learning_format is None:
        raise ValidationError("There are no learning formats yet: add one first.")
    themes = {theme for need in needs for theme in need.themes.all()}
    activity = LearningActivity(
        title=_working_title(needs),
        summary=WORKING_SUMMARY,
        learning_format=learning_format,
        status=ActivityStatus.PLANNED,
    )
    activity.full_clean()
    activity.save()
    activity.themes.set(themes)
    activity.needs.set(needs)
    activity.products.set({product for need in needs for product in need.matched_products.all()})
    return activity


def _preferred_format(needs: list[KnowledgeNeed]) -> LearningFormat | None:
    """The format most of the needs ask for; the first format when none asks for any."""
    votes = Counter(f for need in needs for f in need.learning_formats.all())
    if votes:
        return max(votes, key=lambda f: (votes[f], -f.position, f.name))
    return LearningFormat.objects.first()


def _working_title(needs: list[KnowledgeNeed]) -> str:
    if len(needs) == 1:
        return needs[0].title
    themes = Counter(theme.name for need in needs for theme in need.themes.all())
    subject = themes.most_common(1)[0][0] if themes else "shared knowledge needs"
    return f"Learning together on {subject.lower() if themes else subject}"[:200]


@transaction.atomic
def activity_mark_needs_addressed(*, activity: LearningActivity) -> tuple[int, list[str]]:
    """When a completed activity answered its needs: each becomes addressed. Needs already addressed or
    closed are left as they are. Returns how many moved and why the others did not."""
    if activity.status != ActivityStatus.COMPLETED:
        raise ValidationError(
            f"“{activity.title}” is {activity.get_status_display().lower()}; "
            "only a completed activity has addressed its needs."
        )
    waiting = activity.needs.exclude(status__in=[Status.ADDRESSED, Status.CLOSED])
    return needs_set_status(needs=waiting, status=Status.ADDRESSED)


@transaction.atomic
def activity_tell_needs(*, activity: LearningActivity) -> int:
    """Tell the submitters of the needs `activity` answers that it is planned, once it is public: called
    whenever an activity or its needs are saved; each submitter hears once per activity."""
    return mails.activity_planned(activity=activity)


@transaction.atomic
def need_withdraw(*, need: KnowledgeNeed) -> KnowledgeNeed:
    """The submitter withdraws their need from their follow page: it is closed, and the curators' notes say
    why. No mail: they did it themselves."""
    if need.status in (Status.ADDRESSED, Status.CLOSED):
        raise ValidationError(_("This need is already %(status)s.") % {"status": need.get_status_display()})
    need.curator_notes = f"{need.curator_notes}\n\nWithdrawn by the submitter.".strip()
    need._change_reason = "Withdrawn by the submitter"
    return need_set_status(need=need, status=Status.CLOSED, notify=False)


ERASED_REASON = "Contact details erased at the person's request"
EXPIRED_REASON = "Contact details erased after the retention period"


@transaction.atomic
def person_forget(*, email: str) -> dict[str, int]:
    """Erase a person's contact details everywhere: their needs (which stay, anonymous), their nominations,
    the history of both and the outbox. Each need and product records the erasure in its history, without
    the details. Returns how many rows of each kind were erased."""
    email = email.strip()
    if not email:
        return {}
    needs = _erase_need_contacts(KnowledgeNeed.objects.filter(contact_email__iexact=email), ERASED_REASON)
    products = _erase_nominators(
        KnowledgeProduct.objects.filter(nominator_email__iexact=email), ERASED_REASON
    )
    KnowledgeNeed.history.filter(contact_email__iexact=email).update(contact_name="", contact_email="")
    KnowledgeProduct.history.filter(nominator_email__iexact=email).update(
        nominator_name="", nominator_email=""
    )
    return {
        "needs": needs,
        "nominations": products,
        "alerts": alerts_forget(email=email),
        "mails": outbox_erase_address(address=email),
    }


@transaction.atomic
def contacts_erase_expired(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Erase the contact details of needs addressed or closed, and of nominations processed (no longer
    awaiting review), that have not changed for CONTACT_RETENTION_DAYS, and the mails older than that.
    A scheduled job (`manage.py erase_expired_contacts`) runs it daily; a second run erases nothing more."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.CONTACT_RETENTION_DAYS)
    done = KnowledgeNeed.objects.filter(status__in=[Status.ADDRESSED, Status.CLOSED], updated_at__lt=cutoff)
    processed = KnowledgeProduct.objects.exclude(status=KnowledgeProduct.Status.SUBMITTED).filter(
        updated_at__lt=cutoff
    )
    return {
        "needs": _erase_need_contacts(done.exclude(contact_email="", contact_name=""), EXPIRED_REASON),
        "nominations": _erase_nominators(
            processed.exclude(nominator_email="", nominator_name=""), EXPIRED_REASON
        ),
        "mails": outbox_erase_older(before=cutoff),
    }


def _erase_need_contacts(needs, reason: str) -> int:
    needs = list(needs)
    for need in needs:
        need.contact_name, need.contact_email = "", ""
        need.consent_to_contact, need.follow_token = False, None
        need._change_reason = reason
        need.full_clean()
        need.save()
    ids = [need.pk for need in needs]
    KnowledgeNeed.history.filter(id__in=ids).update(contact_name="", contact_email="")
    return len(needs)


def _erase_nominators(products, reason: str) -> int:
    products = list(products)
    for product in products:
        product.nominator_name, product.nominator_email, product.follow_token = "", "", None
        product._change_reason = reason
        product.full_clean()
        product.save()
    ids = [product.pk for product in products]
    KnowledgeProduct.history.filter(id__in=ids).update(nominator_name="", nominator_email="")
    return len(products)
