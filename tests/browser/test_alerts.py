"""Alerts in a real browser, with the mail delivered by a real SMTP server: subscribe from a browse page,
confirm from the mailed link, receive a digest with the new products of the chosen theme only, and stop the
alerts from the link in the digest."""

import re

import pytest
from playwright.sync_api import expect

from alerts.models import Subscription
from alerts.services import alert_digests_send
from tests.factories import ProductFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def link(text: str, path: str) -> str:
    return re.search(rf"(https?://\S*{path}\S*/)", text).group(1)


def test_a_reader_subscribes_confirms_gets_the_digest_and_unsubscribes(
    page, live_server, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    settings.SUBMISSION_RATE_LIMIT = ""
    civic = ThemeFactory(name="Civic space", slug="civic-space")
    land = ThemeFactory(name="Land rights", slug="land-rights")
    ProductFactory(title="Shrinking space monitor", themes=[civic])

    page.goto("/products/?theme=civic-space")
    page.get_by_role("link", name="Alert me").click()
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_label("Once a month").check()
    page.get_by_role("button", name="Send me alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")

    [confirmation] = smtp_server.inbox.to("reader@example.org")
    page.goto(link(confirmation.text, "/alerts/confirm/"))
    page.get_by_role("button", name="Yes, send me alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alert is on")

    ProductFactory(title="Protest rights handbook", themes=[civic])
    ProductFactory(title="Land titling guide", themes=[land])
    assert alert_digests_send(frequency="monthly") == 1
    assert alert_digests_send(frequency="monthly") == 0
    digest = smtp_server.inbox.to("reader@example.org")[-1]
    assert "Protest rights handbook" in digest.text
    assert "Land titling guide" not in digest.text and "Shrinking space monitor" not in digest.text

    page.goto(link(digest.text, "/products/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Protest rights handbook")
    page.goto(link(digest.text, "/alerts/unsubscribe/"))
    page.get_by_role("button", name="Stop them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No more alerts")
    assert not Subscription.objects.exists()
