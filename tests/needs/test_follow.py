"""The private page where a submitter or a nominator follows what they sent, withdraws it or has their
details erased everywhere."""

import pytest
from django.urls import reverse

from core.models import OutboxMail
from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from tests.factories import KnowledgeNeedFactory, LearningActivityFactory, ProductFactory

pytestmark = pytest.mark.django_db
TOKEN = "k" * 43


def follow_url(token: str = TOKEN, language: str = "en") -> str:
    url = reverse("needs:follow", args=[token])
    return f"/nl{url}" if language == "nl" else url


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.CURATOR_EMAILS = ["curators@partos.example"]
    settings.SUBMISSION_RATE_LIMIT = ""


@pytest.fixture
def need():
    return KnowledgeNeedFactory(
        title="Lobbying district councils",
        contact_name="Amina Okello",
        contact_email="amina@example.org",
        consent_to_contact=True,
        follow_token=TOKEN,
    )


class TestThePage:
    def test_it_shows_the_status_the_published_products_and_the_public_activities(self, client, need):
        published = ProductFactory(title="Budget toolkit")
        draft = ProductFactory(title="A draft nobody may see", status="draft", published_at=None)
        need.matched_products.set([published, draft])
        need.status = "matched"
        need.save()
        LearningActivityFactory(title="Peer exchange on budgets", needs=[need])
        LearningActivityFactory(
            title="A plan without a date", start_date=None, status="planned", needs=[need]
        )
        response = client.get(follow_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Lobbying district councils" in html
        assert "Knowledge products that answer it were found" in html
        assert "Budget toolkit" in html and "Peer exchange on budgets" in html
        assert "A draft nobody may see" not in html and "A plan without a date" not in html
        assert '<meta name="robots" content="noindex">' in html
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_it_is_in_dutch_under_nl(self, client, need):
        html = client.get(follow_url(language="nl")).content.decode()
        assert "Je kennisbehoefte" in html

    def test_a_wrong_token_or_the_reference_number_finds_nothing(self, client, need):
        assert client.get(follow_url("x" * 43)).status_code == 404
        assert client.get(follow_url(need.reference)).status_code == 404

    def test_a_nominator_follows_their_nomination(self, client):
        ProductFactory(
            title="Score cards",
            status="submitted",
            published_at=None,
            follow_token=TOKEN,
            nominator_email="grace@example.org",
        )
        html = client.get(follow_url()).content.decode()
        assert "Score cards" in html and "Submitted (awaiting review)" in html

    def test_the_thank_you_page_links_to_it(self, client, need_form, django_capture_on_commit_callbacks):
        response = client.post(reverse("needs:need-new"), need_form(), follow=True)
        need = KnowledgeNeed.objects.get()
        assert need.follow_token and len(need.follow_token) >= 40
        assert f'href="{follow_url(need.follow_token)}"' in response.content.decode()

    def test_its_queries_do_not_grow_with_the_products_and_activities(
        self, client, need, django_assert_num_queries
    ):
        need.matched_products.set(ProductFactory.create_batch(30))
        for _ in range(10):
            LearningActivityFactory(needs=[need])
        # The need; its published matched products with their types; its public activities with their
        # formats; the session's messages read nothing from the database.
        with django_assert_num_queries(3):
            response = client.get(follow_url())
        assert response.content.decode().count("/products/") >= 30


class TestWithdraw:
    def test_the_submitter_withdraws_their_need_and_gets_no_mail_about_it(self, client, need, mailoutbox):
        response = client.post(follow_url(), {"action": "withdraw"}, follow=True)
        need.refresh_from_db()
        assert need.status == "closed"
        assert "Withdrawn by the submitter." in need.curator_notes
        assert "Withdrawn" in response.content.decode()
        assert mailoutbox == [] and not OutboxMail.objects.exists()

    def test_a_closed_need_cannot_be_withdrawn_again(self, client, need):
        need.status = "closed"
        need.save()
        response = client.post(follow_url(), {"action": "withdraw"})
        assert response.status_code == 400
        assert "already" in response.content.decode()

    def test_a_nomination_awaiting_review_goes_back_to_draft(self, client):
        product = ProductFactory(
            status="submitted", published_at=None, follow_token=TOKEN, nominator_email="grace@example.org"
        )
        client.post(follow_url(), {"action": "withdraw"})
        product.refresh_from_db()
        assert product.status == "draft"

    def test_an_unknown_action_answers_400_with_a_reason(self, client, need):
        response = client.post(follow_url(), {"action": "delete-everything"})
        assert response.status_code == 400
        assert "Choose" in response.content.decode()


class TestForgetMe:
    def test_the_details_are_gone_from_needs_nominations_history_and_outbox(
        self, client, need_form, nomination, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("needs:need-new"), need_form(contact_email="amina@example.org"))
            client.post(reverse("needs:need-new"), need_form(contact_email="AMINA@example.org", title="Two"))
            client.post(
                reverse("inventory:product-nominate"),
                nomination(nominator_email="amina@example.org", nominator_name="Amina Okello"),
            )
        other = KnowledgeNeedFactory(contact_email="someone@example.org", contact_name="Someone Else")
        token = KnowledgeNeed.objects.filter(contact_email="amina@example.org").get().follow_token
        assert OutboxMail.objects.filter(body_text__icontains="amina@example.org").exists()

        response = client.post(follow_url(token), {"action": "forget"}, follow=True)
        assert response.status_code == 200
        assert "Your details are erased" in response.content.decode()

        assert KnowledgeNeed.objects.count() == 3  # the needs stay, anonymous
        for model_rows in (
            KnowledgeNeed.objects.filter(contact_email__iexact="amina@example.org"),
            KnowledgeNeed.objects.filter(contact_name="Amina Okello"),
            KnowledgeNeed.history.filter(contact_email__iexact="amina@example.org"),
            KnowledgeNeed.history.filter(contact_name="Amina Okello"),
            KnowledgeProduct.objects.filter(nominator_email="amina@example.org"),
            KnowledgeProduct.history.filter(nominator_email="amina@example.org"),
            KnowledgeProduct.history.filter(nominator_name="Amina Okello"),
            OutboxMail.objects.filter(recipients__icontains="amina@example.org"),
            OutboxMail.objects.filter(body_text__icontains="amina@example.org"),
            OutboxMail.objects.filter(body_text__icontains="Amina Okello"),
        ):
            assert not model_rows.exists(), model_rows.model
        other.refresh_from_db()
        assert other.contact_email == "someone@example.org"
        erased = KnowledgeNeed.objects.exclude(pk=other.pk).first()
        assert (
            erased.history.first().history_change_reason == "Contact details erased at the person's request"
        )
        assert client.get(follow_url(token)).status_code == 404
