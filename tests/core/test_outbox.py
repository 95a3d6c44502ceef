"""The outbox, against a real SMTP server: every mail is delivered once, none is lost while the server is
down, and curators see those that could not be sent."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxMail
from needs.models import KnowledgeNeed
from tests.factories import curator, reviewer

pytestmark = pytest.mark.django_db
State = OutboxMail.State
NEED_URL = reverse("needs:need-new")
LATER = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.CURATOR_EMAILS = ["curators@partos.example"]
    settings.SUBMISSION_RATE_LIMIT = ""


def post_needs(client, need_form, capture, count: int) -> None:
    for number in range(count):
        with capture(execute=True):
            response = client.post(NEED_URL, need_form(contact_email=f"person{number}@example.org"))
        assert response.status_code == 302


class TestDelivery:
    def test_a_need_posted_is_delivered_to_the_submitter_and_the_curators_once(
        self, client, need_form, smtp_server, django_capture_on_commit_callbacks
    ):
        post_needs(client, need_form, django_capture_on_commit_callbacks, 1)
        inbox = smtp_server.inbox
        assert sorted(r for mail in inbox.received for r in mail.recipients) == [
            "curators@partos.example",
            "person0@example.org",
        ]
        assert set(OutboxMail.objects.values_list("state", flat=True)) == {State.SENT}
        # A second job for the same row, or the sweep, sends nothing more.
        for mail in OutboxMail.objects.all():
            assert outbox.outbox_send(mail_id=mail.pk) == "skipped"
        call_command("send_outbox")
        assert len(inbox.received) == 2

    def test_with_the_server_down_the_mails_wait_and_are_all_delivered_once_when_it_returns(
        self, client, need_form, smtp_server, django_capture_on_commit_callbacks
    ):
        smtp_server.stop()
        post_needs(client, need_form, django_capture_on_commit_callbacks, 5)
        assert KnowledgeNeed.objects.count() == 5
        assert OutboxMail.objects.filter(state=State.PENDING, attempts=1).count() == 10
        assert smtp_server.inbox.received == []

        # Still down at the first retry: each mail waits again, longer.
        assert outbox.outbox_send_due(now=timezone.now() + LATER) == {"pending": 10}
        assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {2}

        smtp_server.start()
        assert outbox.outbox_send_due(now=timezone.now() + 2 * LATER) == {"sent": 10}
        assert outbox.outbox_send_due(now=timezone.now() + 3 * LATER) == {}

        received = smtp_server.inbox.received
        assert len(received) == 10
        assert len(set(smtp_server.inbox.message_ids())) == 10  # none twice
        for number in range(5):
            assert len(smtp_server.inbox.to(f"person{number}@example.org")) == 1
        assert len(smtp_server.inbox.to("curators@partos.example")) == 5

    def test_a_mail_is_not_tried_again_before_its_delay(self, client, need_form, smtp_server):
        smtp_server.stop()
        mail = OutboxMail.objects.create(
            reason="test",
            recipients="a@example.org",
            subject="Hello",
            body_text="Hi",
            next_attempt_at=timezone.now(),
        )
        assert outbox.outbox_send(mail_id=mail.pk) == "pending"
        mail.refresh_from_db()
        assert mail.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
        smtp_server.start()
        assert outbox.outbox_send_due() == {}
        assert outbox.outbox_send_due(now=mail.next_attempt_at) == {"sent": 1}

    def test_retries_wait_longer_each_time_up_to_six_hours(self):
        delays = [outbox.retry_delay(attempt) for attempt in range(1, 8)]
        assert [delay.total_seconds() / 60 for delay in delays[:4]] == [1, 4, 16, 64]
        assert delays[-1] == datetime.timedelta(hours=6)


class TestFailures:
    def test_after_the_last_attempt_curators_see_the_mail_failed_and_can_send_it_again(
        self, client, smtp_server, settings, django_capture_on_commit_callbacks
    ):
        settings.OUTBOX_MAX_ATTEMPTS = 2
        smtp_server.stop()
        mail = OutboxMail.objects.create(
            reason="need received",
            recipients="amina@example.org",
            subject="We received your need",
            body_text="Hi",
            next_attempt_at=timezone.now(),
        )
        outbox.outbox_send(mail_id=mail.pk)
        outbox.outbox_send_due(now=timezone.now() + LATER)
        mail.refresh_from_db()
        assert (mail.state, mail.attempts) == (State.FAILED, 2)
        assert "ConnectionRefusedError" in mail.last_error

        client.force_login(curator())
        changelist = reverse("admin:core_outboxmail_changelist")
        page = client.get(changelist, {"state__exact": "failed"})
        assert page.status_code == 200
        assert "We received your need" in page.content.decode()

        smtp_server.start()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(changelist, {"action": "send_again", "_selected_action": [mail.pk]})
        mail.refresh_from_db()
        assert mail.state == State.SENT
        assert len(smtp_server.inbox.to("amina@example.org")) == 1

    def test_a_mail_a_stopped_worker_left_half_sent_is_failed_not_sent_again(self, smtp_server):
        mail = OutboxMail.objects.create(
            reason="test",
            recipients="a@example.org",
            subject="Hello",
            body_text="Hi",
            state=State.SENDING,
            attempts=1,
            claimed_at=timezone.now() - datetime.timedelta(hours=1),
            next_attempt_at=timezone.now(),
        )
        assert outbox.outbox_send_due() == {"given up (worker stopped)": 1}
        mail.refresh_from_db()
        assert mail.state == State.FAILED
        assert smtp_server.inbox.received == []

    def test_the_public_and_reviewers_never_see_the_outbox_and_nobody_writes_a_mail(self, client):
        changelist = reverse("admin:core_outboxmail_changelist")
        assert client.get(changelist).status_code == 302  # to the sign-in page
        client.force_login(reviewer())
        assert client.get(changelist).status_code == 403
        client.force_login(curator())
        assert client.get(changelist).status_code == 200
        assert client.get(reverse("admin:core_outboxmail_add")).status_code == 403


class TestOneEventOneMail:
    def test_a_key_already_in_the_outbox_makes_no_second_mail(self):
        kind = outbox.MailKind("test", "Hello %(name)s", "needs/email/need_curators")
        first = outbox.mail_queue(
            kind=kind,
            to=["a@example.org"],
            context={"need": None},
            key="event-1",
            subject_values={"name": "A"},
        )
        again = outbox.mail_queue(
            kind=kind,
            to=["a@example.org"],
            context={"need": None},
            key="event-1",
            subject_values={"name": "A"},
        )
        assert first is not None and again is None
        assert OutboxMail.objects.count() == 1
