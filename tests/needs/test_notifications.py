"""Each submission mails the curators and confirms to the submitter, after it is committed; a failing mail
server never loses or fails a submission, and its mails wait in the outbox."""

import smtplib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from core.models import OutboxMail
from inventory.models import KnowledgeProduct
from needs import services
from needs.models import KnowledgeNeed
from tests.documents import PDF

pytestmark = pytest.mark.django_db
NEED_URL = reverse("needs:need-new")
NOMINATE_URL = reverse("inventory:product-nominate")


@pytest.fixture(autouse=True)
def mail_settings(settings, tmp_path):
    settings.CURATOR_EMAILS = ["curators@partos.example", "vera@partos.example"]
    settings.CONTACT_EMAIL = "map@partos.example"
    settings.MEDIA_ROOT = tmp_path


def by_recipient(outbox) -> dict:
    return {tuple(message.to): message for message in outbox}


class TestNeedMails:
    def test_the_curators_get_the_whole_need_and_a_link_to_review_it(
        self, client, need_form, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(NEED_URL, need_form(description="Councillors ignore our proposals."))
        need = KnowledgeNeed.objects.get()
        mail = by_recipient(mailoutbox)[("curators@partos.example", "vera@partos.example")]
        assert mail.subject == f"New knowledge need {need.reference}: Lobbying district councils for budgets"
        for text in [
            "Voices for Water Justice",
            "Nyota Rights Collective",
            "Amina Okello <amina@example.org>",
            "Urgent: within the next three months",
            "Peer exchange, Coaching",
            "Councillors ignore our proposals.",
            "May be contacted:     yes",
            "May be shown publicly: no",
            f"http://testserver/admin/needs/knowledgeneed/{need.pk}/change/",
        ]:
            assert text in mail.body

    def test_the_submitter_gets_a_confirmation_with_the_reference(
        self, client, need_form, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(NEED_URL, need_form())
        need = KnowledgeNeed.objects.get()
        mail = by_recipient(mailoutbox)[("amina@example.org",)]
        assert mail.subject == f"We received your knowledge need ({need.reference})"
        assert "Dear Amina Okello," in mail.body
        assert need.reference in mail.body
        assert "write to map@partos.example" in mail.body
        assert len(mailoutbox) == 2

    def test_a_title_with_line_breaks_makes_a_one_line_subject(
        self, client, need_form, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(NEED_URL, need_form(title="Budgets\r\nBcc: victim@example.org"))
        assert len(mailoutbox) == 2
        assert all("\n" not in m.subject and "\r" not in m.subject for m in mailoutbox)
        assert all(m.bcc == [] for m in mailoutbox)

    def test_without_curator_addresses_only_the_submitter_is_mailed(
        self, client, need_form, mailoutbox, settings, django_capture_on_commit_callbacks
    ):
        settings.CURATOR_EMAILS = []
        with django_capture_on_commit_callbacks(execute=True):
            client.post(NEED_URL, need_form())
        assert [m.to for m in mailoutbox] == [["amina@example.org"]]

    def test_no_mail_leaves_before_the_need_is_committed(self, need_form, mailoutbox):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.need_submit(
                organisation_name="Forum",
                contact_name="Amina",
                contact_email="amina@example.org",
                title="A need",
                description="Text",
                partnership_name="Open Budgets Coalition",
            )
            assert mailoutbox == []
            raise RuntimeError("the transaction rolls back")
        assert mailoutbox == []
        assert not KnowledgeNeed.objects.exists()

    def test_a_failing_mail_server_keeps_the_need_and_its_mails_for_later(
        self, client, need_form, caplog, django_capture_on_commit_callbacks
    ):
        refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=refused),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post(NEED_URL, need_form())
        assert response.status_code == 302
        assert KnowledgeNeed.objects.count() == 1
        waiting = OutboxMail.objects.filter(state=OutboxMail.State.PENDING, attempts=1)
        assert waiting.count() == 2
        assert all("SMTPServerDisconnected" in mail.last_error for mail in waiting)
        assert "Could not send mail" in caplog.text


class TestNominationMails:
    def test_the_curators_and_the_nominator_are_mailed(
        self, client, nomination, mailoutbox, django_capture_on_commit_callbacks
    ):
        file = SimpleUploadedFile("toolkit.pdf", PDF)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(NOMINATE_URL, nomination(file=file))
        product = KnowledgeProduct.objects.get()
        mails = by_recipient(mailoutbox)
        curators = mails[("curators@partos.example", "vera@partos.example")]
        assert curators.subject == "New nomination: Budget tracking with women's groups"
        for text in [
            "Grace Banda, Delta Rights <grace@example.org>",
            "Voices for Water Justice",
            "https://example.org/budget-toolkit",
            product.file.name,
            "UN Women country office (reviewer)",
            "other groups can reuse the score cards",
            f"http://testserver/admin/inventory/nomination/{product.pk}/change/",
        ]:
            assert text in curators.body
        nominator = mails[("grace@example.org",)]
        assert nominator.subject == "Thank you for nominating “Budget tracking with women's groups”"
        assert "Dear Grace Banda," in nominator.body
        assert "Write to map@partos.example" in nominator.body

    def test_a_failing_mail_server_never_fails_the_nomination(
        self, client, nomination, caplog, django_capture_on_commit_callbacks
    ):
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route to host")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post(NOMINATE_URL, nomination())
        assert response.status_code == 302
        assert KnowledgeProduct.objects.awaiting_review().count() == 1
        assert OutboxMail.objects.filter(state=OutboxMail.State.PENDING).count() == 2
        assert "no route to host" in caplog.text
