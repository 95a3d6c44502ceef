"""Alerts: subscribe to new products (double opt-in), a digest of the new products that match, each sent
once, and one-click unsubscribe (RFC 8058). Mail goes through a real SMTP server."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Delivery, Subscription
from alerts.services import alert_digests_send
from needs.services import person_forget
from tests.factories import ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"
SUBSCRIBE = reverse("alerts:subscribe")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SUBMISSION_RATE_LIMIT = ""


@pytest.fixture
def themes():
    return ThemeFactory(name="Civic space", slug="civic-space"), ThemeFactory(
        name="Land rights", slug="land-rights"
    )


@pytest.fixture
def digests(django_capture_on_commit_callbacks):
    """Run the digest job, and the jobs its commit queues (the mails)."""

    def run(frequency: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return alert_digests_send(frequency=frequency)

    return run


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


def link_in(text: str, path: str) -> str:
    return re.search(rf"{re.escape(SITE)}(\S*{path}\S*/)", text).group(1)


def subscribe_and_confirm(client, post, smtp_server, email="reader@example.org", **data) -> Subscription:
    response = post(SUBSCRIBE, {"email": email, "frequency": "weekly", **data})
    assert response.status_code == 302
    mail = smtp_server.inbox.to(email)[-1]
    confirm = link_in(mail.text, "/alerts/confirm/")
    assert client.get(confirm).status_code == 200
    assert "Your alert is on" in post(confirm).content.decode()
    return Subscription.objects.filter(email=email).latest("created_at")


class TestSubscribing:
    def test_the_browse_page_offers_an_alert_with_its_filters(self, client, themes):
        ProductFactory(themes=[themes[0]])
        html = client.get(reverse("pages:product-list"), {"theme": "civic-space"}).content.decode()
        assert f'href="{SUBSCRIBE}?theme=civic-space"' in html
        page = client.get(SUBSCRIBE, {"theme": "civic-space", "page": "2"}).content.decode()
        assert 'name="filters" value="theme=civic-space"' in page

    def test_a_filter_that_names_nothing_answers_400(self, client, post, themes):
        assert client.get(SUBSCRIBE, {"theme": "no-such-theme"}).status_code == 400
        response = post(
            SUBSCRIBE, {"email": "a@example.org", "frequency": "weekly", "filters": "theme=nothing"}
        )
        assert response.status_code == 400
        assert not Subscription.objects.exists()

    def test_nothing_is_sent_or_shown_until_the_address_confirms(self, client, post, smtp_server, themes):
        post(SUBSCRIBE, {"email": "reader@example.org", "frequency": "weekly", "theme": ["civic-space"]})
        [mail] = smtp_server.inbox.to("reader@example.org")
        assert mail.subject == "Confirm your alert from the Partos knowledge map"
        ProductFactory(themes=[themes[0]])
        assert alert_digests_send(frequency="weekly") == 0

    def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
        self, client, post, smtp_server, themes
    ):
        data = {"email": "reader@example.org", "frequency": "weekly", "theme": ["civic-space"]}
        first = post(SUBSCRIBE, data)
        subscribe_and_confirm(client, post, smtp_server, email="other@example.org", theme=["civic-space"])
        again = post(SUBSCRIBE, {**data, "email": "other@example.org"})
        assert first.status_code == again.status_code == 302
        assert first["Location"] == again["Location"]
        assert client.get(first["Location"]).content == client.get(again["Location"]).content
        assert len(smtp_server.inbox.to("other@example.org")) == 1  # a confirmed address is not mailed again

    def test_an_expired_or_forged_confirmation_link_confirms_nothing(self, client, post, smtp_server):
        assert client.get(reverse("alerts:confirm", args=["forged"])).status_code == 404
        post(SUBSCRIBE, {"email": "reader@example.org", "frequency": "weekly"})
        confirm = link_in(smtp_server.inbox.received[0].text, "/alerts/confirm/")
        later = timezone.now() + datetime.timedelta(days=8)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
            assert post(confirm).status_code == 404
        assert Subscription.objects.get().confirmed_at is None

    def test_the_form_is_rate_limited(self, client, post, settings):
        settings.SUBMISSION_RATE_LIMIT = "2/h"
        for _ in range(2):
            post(SUBSCRIBE, {"email": "a@example.org", "frequency": "weekly"})
        assert post(SUBSCRIBE, {"email": "a@example.org", "frequency": "weekly"}).status_code == 429

    def test_the_page_asks_a_fixed_number_of_queries(self, client, django_assert_num_queries):
        for number in range(20):
            ThemeFactory(slug=f"theme-{number}")
        # Themes, types, countries for the choices; the session and the rate limit ask nothing on a GET.
        with django_assert_num_queries(3):
            assert client.get(SUBSCRIBE).status_code == 200


class TestDigests:
    def test_the_digest_has_the_new_products_of_the_chosen_theme_once(
        self, client, post, digests, smtp_server, themes
    ):
        civic, land = themes
        ProductFactory(title="Published before", themes=[civic])
        subscription = subscribe_and_confirm(client, post, smtp_server, theme=["civic-space"])
        new = ProductFactory(title="New on civic space", themes=[civic])
        ProductFactory(title="New on land rights", themes=[land])
        ProductFactory(title="A draft", themes=[civic], status="draft", published_at=None)

        assert digests("weekly") == 1
        assert digests("weekly") == 0  # run twice: nothing the second time
        assert digests("monthly") == 0  # not this subscription's frequency

        digest = smtp_server.inbox.to("reader@example.org")[-1]
        assert digest.subject == "New on the Partos knowledge map: 1 product(s)"
        assert "New on civic space" in digest.text and f"{SITE}/products/{new.slug}/" in digest.text
        for absent in ("Published before", "New on land rights", "A draft"):
            assert absent not in digest.text
        assert list(Delivery.objects.values_list("product", flat=True)) == [new.pk]
        unsubscribe = f"{SITE}/alerts/unsubscribe/{subscription.token}/"
        assert digest.message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
        assert digest.message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

        # One click (RFC 8058): the mail program posts to the address in the header.
        response = post(unsubscribe.removeprefix(SITE), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert not Subscription.objects.exists() and not Delivery.objects.exists()
        ProductFactory(title="Newer still", themes=[civic])
        assert digests("weekly") == 0

    def test_a_dutch_subscriber_gets_dutch_mail_with_dutch_links(
        self, client, post, digests, smtp_server, themes
    ):
        response = post("/nl" + SUBSCRIBE, {"email": "lezer@example.org", "frequency": "monthly"})
        assert response.status_code == 302
        [confirmation] = smtp_server.inbox.to("lezer@example.org")
        assert "/nl/alerts/confirm/" in confirmation.text
        post(link_in(confirmation.text, "/alerts/confirm/"))
        product = ProductFactory(themes=[themes[1]])
        assert digests("monthly") == 1
        digest = smtp_server.inbox.to("lezer@example.org")[-1]
        assert f"{SITE}/nl/products/{product.slug}/" in digest.text
        assert "/nl/alerts/unsubscribe/" in digest.text

    @pytest.mark.parametrize(
        ("language", "subject"),
        [
            ("fr", "Confirmez votre alerte de la carte des connaissances de Partos"),
            ("es", "Confirma tu alerta del mapa de conocimiento de Partos"),
        ],
    )
    def test_a_french_or_spanish_subscriber_gets_mail_in_that_language_with_its_links(
        self, client, post, digests, smtp_server, themes, language, subject
    ):
        response = post(f"/{language}" + SUBSCRIBE, {"email": "lectora@example.org", "frequency": "monthly"})
        assert response.status_code == 302
        [confirmation] = smtp_server.inbox.to("lectora@example.org")
        assert confirmation.subject == subject
        assert f"/{language}/alerts/confirm/" in confirmation.text
        post(link_in(confirmation.text, "/alerts/confirm/"))
        product = ProductFactory(themes=[themes[1]])
        assert digests("monthly") == 1
        digest = smtp_server.inbox.to("lectora@example.org")[-1]
        assert f"{SITE}/{language}/products/{product.slug}/" in digest.text
        assert f"/{language}/alerts/unsubscribe/" in digest.text

    def test_unsubscribing_from_the_site_and_forget_me_delete_the_address(
        self, client, post, smtp_server, themes
    ):
        subscription = subscribe_and_confirm(client, post, smtp_server)
        page = reverse("alerts:unsubscribe", args=[subscription.token])
        assert "Stop them" in client.get(page).content.decode()
        subscribe_and_confirm(client, post, smtp_server, theme=["land-rights"])
        assert person_forget(email="READER@example.org")["alerts"] >= 1
        assert not Subscription.objects.exists()
