"""A file sent with a form that has another mistake is kept (private storage, a token the page carries),
shown as "report.pdf, kept", saved with the corrected form, droppable, and deleted later when abandoned."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import KeptUpload
from needs.models import KnowledgeNeed
from tests.documents import PDF

pytestmark = pytest.mark.django_db
URL = reverse("needs:need-new")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def report():
    return SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")


def kept_token(response) -> str:
    return re.search(r'name="attachment_kept" value="([^"]+)"', response.content.decode()).group(1)


def test_a_file_sent_with_a_mistake_is_kept_shown_and_saved_with_the_corrected_need(client, need_form):
    refused = client.post(URL, need_form(contact_email="amina(at)example", attachment=report()))
    assert refused.status_code == 400
    assert "<strong>report.pdf</strong>, kept." in refused.content.decode()
    assert KeptUpload.objects.count() == 1 and not KnowledgeNeed.objects.exists()

    sent = client.post(URL, need_form(attachment_kept=kept_token(refused)))
    assert sent.status_code == 302
    need = KnowledgeNeed.objects.get()
    with need.attachment.open("rb") as handle:
        assert handle.read() == PDF
    assert need.attachment.name.startswith("needs/") and need.attachment.name.endswith(".pdf")
    assert not KeptUpload.objects.exists(), "the kept copy goes once the need is saved"


def test_a_kept_file_is_kept_again_through_a_second_mistake(client, need_form):
    first = client.post(URL, need_form(title="", attachment=report()))
    second = client.post(URL, need_form(title="", attachment_kept=kept_token(first)))
    assert second.status_code == 400 and kept_token(second) == kept_token(first)
    assert "<strong>report.pdf</strong>, kept." in second.content.decode()
    assert KeptUpload.objects.count() == 1


def test_the_person_may_send_the_form_without_the_kept_file(client, need_form):
    refused = client.post(URL, need_form(title="", attachment=report()))
    client.post(URL, need_form(attachment_kept=kept_token(refused), attachment_drop="on"))
    assert not KnowledgeNeed.objects.get().attachment
    assert not KeptUpload.objects.exists()


def test_a_file_that_fails_its_own_checks_is_not_kept(client, need_form):
    fake = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")
    response = client.post(URL, need_form(title="", attachment=fake))
    assert "not a real .pdf file" in response.content.decode()
    assert not KeptUpload.objects.exists()


@pytest.mark.parametrize("token", ["guessed", "x" * 500, "\x00"])
def test_a_token_that_names_no_kept_file_is_ignored(client, need_form, token):
    response = client.post(URL, need_form(attachment_kept=token))
    assert response.status_code == 302
    assert not KnowledgeNeed.objects.get().attachment


def test_a_kept_file_past_its_time_is_neither_used_nor_kept_by_prune(client, need_form, settings, media_root):
    refused = client.post(URL, need_form(title="", attachment=report()))
    kept = KeptUpload.objects.get()
    path = media_root / kept.file.name
    assert path.exists()
    KeptUpload.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=settings.KEPT_UPLOAD_HOURS + 1)
    )
    client.post(URL, need_form(attachment_kept=kept_token(refused)))
    assert not KnowledgeNeed.objects.get().attachment

    call_command("prune_kept_uploads")
    assert not KeptUpload.objects.exists() and not path.exists()


def test_prune_leaves_the_files_still_waiting_for_their_form(client, need_form):
    client.post(URL, need_form(title="", attachment=report()))
    call_command("prune_kept_uploads")
    assert KeptUpload.objects.count() == 1


def test_the_attachment_is_never_on_a_public_page(client, need_form):
    client.post(URL, need_form(attachment=report(), consent_to_publish="on"))
    need = KnowledgeNeed.objects.get()
    for path in ("/gaps/", f"/follow/{need.follow_token}/"):
        assert need.attachment.name not in client.get(path).content.decode()
    assert client.get(f"/media/{need.attachment.name}").status_code == 404


def test_curators_download_the_document_from_the_need_and_nobody_else_does(client, curator_client, need_form):
    client.post(URL, need_form(attachment=report()))
    need = KnowledgeNeed.objects.get()
    url = reverse("admin:needs_knowledgeneed_attachment", args=[need.pk])
    change = curator_client.get(reverse("admin:needs_knowledgeneed_change", args=[need.pk])).content.decode()
    assert f'href="{url}"' in change
    response = curator_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert Client().get(url).status_code == 302  # anyone else: to the sign-in page
