"""The mails that close the loop, delivered by a real SMTP server: to nominators and to the submitters of
needs, in the language they used, with a link back, and an activity's calendar file attached."""

import pytest
from django.urls import reverse

from core.models import OutboxMail
from inventory import services as inventory_services
from inventory.models import KnowledgeProduct
from needs import services
from needs.models import KnowledgeNeed
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    ProductFactory,
    ThemeFactory,
    curator,
)

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.CURATOR_EMAILS = ["curators@partos.example"]
    settings.SITE_URL = SITE
    settings.SUBMISSION_RATE_LIMIT = ""


@pytest.fixture(autouse=True)
def known_organisation(db):
    """The nomination names "Delta Rights": in the inventory, so the product is complete enough to publish."""
    return OrganisationFactory(name="Delta Rights")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and what its commit sets off (the jobs that send its mails)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def follow_link(token: str, language: str = "en") -> str:
    prefix = "" if language == "en" else f"/{language}"
    return f"{SITE}{prefix}/follow/{token}/"


class TestNominators:
    def test_a_dutch_nomination_is_confirmed_in_dutch_with_the_private_link(
        self, client, nomination, smtp_server, commit
    ):
        commit(client.post, "/nl" + reverse("inventory:product-nominate"), nomination())
        product = KnowledgeProduct.objects.get()
        [mail] = smtp_server.inbox.to("grace@example.org")
        assert mail.subject == "Bedankt voor je voordracht van “Budget tracking with women's groups”"
        assert "Beste Grace Banda," in mail.text
        assert follow_link(product.follow_token, "nl") in mail.text
        assert follow_link(product.follow_token, "nl") in mail.html
        assert product.follow_token not in str(product.pk)
        [for_curators] = smtp_server.inbox.to("curators@partos.example")
        assert for_curators.subject == "New nomination: Budget tracking with women's groups"

    def test_published_the_nominator_gets_the_link_once_even_if_it_is_published_again(
        self, client, nomination, smtp_server, commit
    ):
        commit(client.post, reverse("inventory:product-nominate"), nomination())
        product = KnowledgeProduct.objects.get()
        product.note_to_nominator = "We added two themes."
        product.save()
        commit(inventory_services.product_set_status, product=product, status="published")
        commit(inventory_services.product_set_status, product=product, status="archived")
        commit(inventory_services.product_set_status, product=product, status="published")
        mails = smtp_server.inbox.to("grace@example.org")
        assert [m.subject for m in mails] == [
            "Thank you for nominating “Budget tracking with women's groups”",
            "“Budget tracking with women's groups” is on the knowledge map",
        ]
        published = mails[1]
        assert f"{SITE}/products/{product.slug}/" in published.text
        assert f'href="{SITE}/products/{product.slug}/"' in published.html
        assert "We added two themes." in published.text

    def test_returned_the_nominator_gets_the_curators_note(self, client, nomination, smtp_server, commit):
        commit(client.post, reverse("inventory:product-nominate"), nomination())
        product = KnowledgeProduct.objects.get()
        product.note_to_nominator = "The link does not open; could you send the file?"
        product.save()
        commit(inventory_services.products_set_status, products=[product], status="draft")
        returned = smtp_server.inbox.to("grace@example.org")[-1]
        assert returned.subject == "About your nomination “Budget tracking with women's groups”"
        assert "The link does not open; could you send the file?" in returned.text

    def test_the_reviewers_publish_button_sends_the_mail(self, client, nomination, smtp_server, commit):
        commit(client.post, reverse("inventory:product-nominate"), nomination())
        product = KnowledgeProduct.objects.get()
        client.force_login(curator())
        url = reverse("admin:inventory_knowledgeproduct_changelist")
        commit(client.post, url, {"action": "publish", "_selected_action": [product.pk]})
        assert KnowledgeProduct.objects.get().is_public
        assert smtp_server.inbox.to("grace@example.org")[-1].subject.endswith("is on the knowledge map")

    def test_a_product_a_curator_entered_mails_nobody(self, smtp_server, commit):
        product = ProductFactory(
            status="submitted",
            published_at=None,
            url="https://example.org/toolkit",
            organisations=[OrganisationFactory()],
            themes=[ThemeFactory()],
            countries=["UG"],
            languages=["en"],
        )
        commit(inventory_services.product_set_status, product=product, status="published")
        assert smtp_server.inbox.received == []


class TestNeedSubmitters:
    def test_a_dutch_need_is_confirmed_in_dutch_with_the_private_link(
        self, client, need_form, smtp_server, commit
    ):
        commit(client.post, "/nl" + reverse("needs:need-new"), need_form())
        need = KnowledgeNeed.objects.get()
        assert need.contact_language == "nl"
        [mail] = smtp_server.inbox.to("amina@example.org")
        assert mail.subject == f"We hebben je kennisbehoefte ontvangen ({need.reference})"
        assert follow_link(need.follow_token, "nl") in mail.text
        assert "<html" in mail.html

    def test_without_consent_to_be_contacted_the_submitter_gets_no_mail_at_all(
        self, client, need_form, smtp_server, commit
    ):
        commit(client.post, reverse("needs:need-new"), need_form(consent_to_contact=None))
        need = KnowledgeNeed.objects.get()
        product = ProductFactory(title="Budget toolkit")
        commit(services.need_match_product, need=need, product=product)
        commit(services.need_set_status, need=need, status="closed")
        assert smtp_server.inbox.to("amina@example.org") == []
        assert len(smtp_server.inbox.to("curators@partos.example")) == 1

    def test_matched_the_mail_lists_the_products_with_their_links(self, smtp_server, commit):
        need = KnowledgeNeedFactory(
            consent_to_contact=True,
            contact_email="amina@example.org",
            contact_language="nl",
            follow_token="t" * 43,
        )
        first = ProductFactory(title="Budget toolkit")
        second = ProductFactory(title="Council scorecards")
        commit(services.need_match_product, need=need, product=first)
        commit(services.need_match_product, need=need, product=second)
        commit(services.need_match_product, need=need, product=second)  # once is enough
        mails = smtp_server.inbox.to("amina@example.org")
        assert len(mails) == 2
        last = mails[-1]
        assert last.subject.endswith(f"({need.reference})")
        for product in (first, second):
            assert f"{SITE}/nl/products/{product.slug}/" in last.text
            assert f"{SITE}/nl/products/{product.slug}/" in last.html
        assert follow_link(need.follow_token, "nl") in last.text

    def test_a_planned_activity_is_told_once_with_its_link_and_calendar_file(
        self, curator_client, smtp_server, commit
    ):
        need = KnowledgeNeedFactory(consent_to_contact=True, contact_email="amina@example.org")
        quiet = KnowledgeNeedFactory(consent_to_contact=False, contact_email="quiet@example.org")
        activity = LearningActivityFactory(
            title="Peer exchange on council budgets", start_date=None, status="planned", needs=[need, quiet]
        )
        commit(services.activity_tell_needs, activity=activity)
        assert smtp_server.inbox.received == []  # no start date: not public, nothing to tell yet

        url = reverse("admin:needs_learningactivity_change", args=[activity.pk])
        form = curator_client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        data.update(start_date="2027-03-04", needs=[need.pk, quiet.pk], is_online="on")
        data = {k: v for k, v in data.items() if v is not False}
        response = commit(curator_client.post, url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        commit(curator_client.post, url, data)  # saved again: no second mail

        [mail] = smtp_server.inbox.to("amina@example.org")
        activity.refresh_from_db()
        assert mail.subject == f"A learning activity for your need ({need.reference})"
        assert f"{SITE}/activities/{activity.slug}/" in mail.text
        content_type, calendar = mail.attachments[f"{activity.slug}.ics"]
        assert content_type == "text/calendar"
        assert "SUMMARY:Peer exchange on council budgets" in calendar
        assert "DTSTART;VALUE=DATE:20270304" in calendar
        assert smtp_server.inbox.to("quiet@example.org") == []

    @pytest.mark.parametrize(
        ("status", "subject"), [("addressed", "was addressed"), ("closed", "was closed")]
    )
    def test_addressed_or_closed_the_submitter_gets_the_note_to_them(
        self, smtp_server, commit, status, subject
    ):
        need = KnowledgeNeedFactory(
            consent_to_contact=True,
            contact_email="amina@example.org",
            curator_notes="Internal: do not send",
            note_to_submitter="See the webinar.",
        )
        commit(services.need_set_status, need=need, status=status)
        [mail] = smtp_server.inbox.to("amina@example.org")
        assert subject in mail.subject
        assert "See the webinar." in mail.text
        assert "Internal" not in mail.text and "Internal" not in mail.html

    def test_every_mail_is_a_row_of_the_outbox_first(self, client, need_form, smtp_server, commit):
        commit(client.post, reverse("needs:need-new"), need_form())
        rows = OutboxMail.objects.order_by("pk")
        assert [(row.reason, row.state) for row in rows] == [
            ("need received", "sent"),
            ("need (curators)", "sent"),
        ]


class TestFrenchAndSpanish:
    """A Southern partner who used the site in French or Spanish hears back in French or Spanish, with links
    to the pages in their language."""

    @pytest.mark.parametrize(
        ("language", "subject", "greeting"),
        [
            (
                "fr",
                # A subject is one line of plain spaces (a mail header), no-break ones included.
                "Merci d'avoir proposé « Budget tracking with women's groups »",
                "Bonjour Grace Banda,",
            ),
            ("es", "Gracias por proponer «Budget tracking with women's groups»", "Hola, Grace Banda:"),
        ],
    )
    def test_a_nomination_is_confirmed_in_the_nominators_language(
        self, client, nomination, smtp_server, commit, language, subject, greeting
    ):
        commit(client.post, f"/{language}" + reverse("inventory:product-nominate"), nomination())
        product = KnowledgeProduct.objects.get()
        assert product.nominator_language == language
        [mail] = smtp_server.inbox.to("grace@example.org")
        assert mail.subject == subject
        assert greeting in mail.text
        assert follow_link(product.follow_token, language) in mail.text
        assert follow_link(product.follow_token, language) in mail.html
        [for_curators] = smtp_server.inbox.to("curators@partos.example")
        assert for_curators.subject == "New nomination: Budget tracking with women's groups", (
            "curators read English"
        )

    @pytest.mark.parametrize(
        ("language", "received", "published"),
        [
            (
                "fr",
                "Nous avons reçu votre besoin de connaissances",
                "Un produit de connaissance pour votre besoin",
            ),
            (
                "es",
                "Hemos recibido tu necesidad de conocimiento",
                "Un producto de conocimiento para tu necesidad",
            ),
        ],
    )
    def test_a_need_is_confirmed_and_its_match_told_in_the_submitters_language(
        self, client, need_form, smtp_server, commit, language, received, published
    ):
        commit(client.post, f"/{language}" + reverse("needs:need-new"), need_form())
        need = KnowledgeNeed.objects.get()
        assert need.contact_language == language
        product = ProductFactory(title="Budget toolkit")
        commit(services.need_match_product, need=need, product=product)
        confirmation, matched = smtp_server.inbox.to("amina@example.org")
        assert confirmation.subject == f"{received} ({need.reference})"
        assert follow_link(need.follow_token, language) in confirmation.text
        assert matched.subject == f"{published} ({need.reference})"
        assert f"{SITE}/{language}/products/{product.slug}/" in matched.text
        assert f'href="{SITE}/{language}/products/{product.slug}/"' in matched.html


class TestStatusFieldOfTheForm:
    """A curator may change the status with the form's own field and Save rather than a workflow button:
    the same people hear of it."""

    def test_a_need_closed_with_the_status_field_mails_the_submitter(self, client, smtp_server, commit):
        from tests.needs.test_history import need_form

        need = KnowledgeNeedFactory(
            status=KnowledgeNeed.Status.IN_REVIEW,
            consent_to_contact=True,
            contact_email="amina@example.org",
            note_to_submitter="See the webinar.",
        )
        client.force_login(curator())
        url = reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        data = need_form(need, status="closed", note_to_submitter="See the webinar.", consent_to_contact="on")
        response = commit(client.post, url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        [mail] = smtp_server.inbox.to("amina@example.org")
        assert "See the webinar." in mail.text

    def test_a_plain_save_that_keeps_the_status_mails_nobody(self, client, smtp_server, commit):
        from tests.needs.test_history import need_form

        need = KnowledgeNeedFactory(
            status=KnowledgeNeed.Status.IN_REVIEW, consent_to_contact=True, contact_email="amina@example.org"
        )
        client.force_login(curator())
        url = reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        data = need_form(need, title="A better title", consent_to_contact="on")
        assert commit(client.post, url, data).status_code == 302
        assert smtp_server.inbox.to("amina@example.org") == []

    def test_a_product_added_in_the_matched_products_field_mails_the_submitter(
        self, client, smtp_server, commit
    ):
        from tests.needs.test_history import need_form

        need = KnowledgeNeedFactory(
            status=KnowledgeNeed.Status.MATCHED, consent_to_contact=True, contact_email="amina@example.org"
        )
        product = ProductFactory(title="Budget toolkit")
        client.force_login(curator())
        url = reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        data = need_form(need, consent_to_contact="on", matched_products=[product.pk])
        assert commit(client.post, url, data).status_code == 302
        [mail] = smtp_server.inbox.to("amina@example.org")
        assert "Budget toolkit" in mail.text
        assert commit(client.post, url, data).status_code == 302  # Saved again: told once.
        assert len(smtp_server.inbox.to("amina@example.org")) == 1
