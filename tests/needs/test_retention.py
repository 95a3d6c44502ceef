"""Contact details are not kept for ever: after CONTACT_RETENTION_DAYS those of needs addressed or closed,
of nominations processed, and the mails sent, are erased by a scheduled job."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxMail
from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from needs.services import contacts_erase_expired
from tests.factories import KnowledgeNeedFactory, ProductFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - datetime.timedelta(days=800)


def age(model, row, when=LONG_AGO):
    model.objects.filter(pk=row.pk).update(updated_at=when)


@pytest.fixture
def rows(settings):
    settings.CONTACT_RETENTION_DAYS = 730
    closed = KnowledgeNeedFactory(status="closed", contact_email="old@example.org", contact_name="Old Timer")
    open_need = KnowledgeNeedFactory(status="in-review", contact_email="waiting@example.org")
    recent = KnowledgeNeedFactory(status="addressed", contact_email="recent@example.org")
    published = ProductFactory(nominator_email="nominator@example.org", nominator_name="Nomi Nator")
    waiting = ProductFactory(status="submitted", published_at=None, nominator_email="queue@example.org")
    for model, row in [
        (KnowledgeNeed, closed),
        (KnowledgeNeed, open_need),
        (KnowledgeProduct, published),
        (KnowledgeProduct, waiting),
    ]:
        age(model, row)
    mail = OutboxMail.objects.create(
        reason="need received",
        recipients="old@example.org",
        subject="We received your need",
        body_text="Dear Old Timer",
        state="sent",
        next_attempt_at=LONG_AGO,
    )
    OutboxMail.objects.filter(pk=mail.pk).update(created_at=LONG_AGO)
    return {"closed": closed, "open": open_need, "recent": recent, "published": published, "waiting": waiting}


def test_old_details_of_finished_needs_and_processed_nominations_are_erased_everywhere(rows):
    call_command("erase_expired_contacts", stdout=StringIO())
    for key in ("closed", "published"):
        rows[key].refresh_from_db()
    assert (rows["closed"].contact_email, rows["closed"].contact_name) == ("", "")
    assert (rows["published"].nominator_email, rows["published"].nominator_name) == ("", "")
    assert not KnowledgeNeed.history.filter(contact_email="old@example.org").exists()
    assert not KnowledgeProduct.history.filter(nominator_email="nominator@example.org").exists()
    assert not OutboxMail.objects.filter(recipients__icontains="old@example.org").exists()
    assert not OutboxMail.objects.filter(body_text__icontains="Old Timer").exists()
    assert rows["closed"].history.first().history_change_reason == (
        "Contact details erased after the retention period"
    )
    # Still open, still awaiting review, or finished recently: kept.
    assert KnowledgeNeed.objects.filter(contact_email="waiting@example.org").exists()
    assert KnowledgeNeed.objects.filter(contact_email="recent@example.org").exists()
    assert KnowledgeProduct.objects.filter(nominator_email="queue@example.org").exists()


def test_run_twice_the_job_erases_nothing_more(rows):
    assert contacts_erase_expired() == {"needs": 1, "nominations": 1, "mails": 1}
    assert contacts_erase_expired() == {"needs": 0, "nominations": 0, "mails": 0}


def test_erased_details_are_in_no_export(rows, client):
    from tests.factories import curator

    call_command("erase_expired_contacts", stdout=StringIO())
    client.force_login(curator())
    # Each export, and a contact detail still kept that it shows (the products' sheets carry none).
    kept = {
        "needs_knowledgeneed": "waiting@example.org",
        "inventory_nomination": "",
        "inventory_knowledgeproduct": "",
    }
    for model in kept:
        url = f"/admin/{model.replace('_', '/', 1)}/export/"
        resource_class = client.get(url).context["form"].resources[0]
        data = {"format": "0", "resource": "0"}
        for name in resource_class().get_export_order():
            data[f"{resource_class.__name__.lower()}_{name}"] = "on"
        exported = client.post(url, data).content.decode()
        assert kept[model] in exported  # The export does carry contact details: those still kept.
        for erased in ["old@example.org", "Old Timer", "nominator@example.org", "Nomi Nator"]:
            assert erased not in exported, (model, erased)
    public = b"".join(client.get("/products/export.csv").streaming_content).decode()
    assert "nominator@example.org" not in public
