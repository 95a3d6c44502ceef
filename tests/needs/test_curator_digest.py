"""Curators who choose it get one daily digest of what waits instead of a mail per need and nomination."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMail
from needs.digest import curator_digest_send
from tests.factories import KnowledgeNeedFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def daily(settings):
    settings.CURATOR_EMAILS = ["curators@partos.example"]
    settings.CURATOR_MAIL = "daily"
    settings.SITE_URL = "https://map.example.org"
    settings.SUBMISSION_RATE_LIMIT = ""


def test_a_need_sent_mails_the_submitter_but_not_the_curators(
    client, need_form, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("needs:need-new"), need_form())
    assert [mail.recipients for mail in smtp_server.inbox.received] == [["amina@example.org"]]


def test_the_digest_lists_what_waits_with_links_and_is_sent_once_a_day(
    smtp_server, django_capture_on_commit_callbacks
):
    waiting = KnowledgeNeedFactory(title="Budgets for women-led groups", status="new")
    KnowledgeNeedFactory(title="Already answered", status="addressed")
    nominated = ProductFactory(title="Score cards", status="submitted", published_at=None)
    ProductFactory(title="Published long ago")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_curator_digest", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        assert curator_digest_send() is None  # the same day: nothing more
    [digest] = smtp_server.inbox.to("curators@partos.example")
    assert digest.subject == "Waiting on the knowledge map: 1 need(s), 1 nomination(s)"
    assert "Budgets for women-led groups" in digest.text and "Score cards" in digest.text
    assert "Already answered" not in digest.text and "Published long ago" not in digest.text
    assert f"https://map.example.org/admin/needs/knowledgeneed/{waiting.pk}/change/" in digest.text
    assert f"https://map.example.org/admin/inventory/nomination/{nominated.pk}/change/" in digest.text
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert curator_digest_send(today=tomorrow) is not None


def test_nothing_waiting_sends_nothing_and_a_mail_per_event_sends_no_digest(settings):
    assert curator_digest_send() is None
    KnowledgeNeedFactory(status="new")
    settings.CURATOR_MAIL = "each"
    assert curator_digest_send() is None
    assert not OutboxMail.objects.exists()
