"""The export page's "Select all" works under the Content-Security-Policy, which blocks inline handlers."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import curator

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_select_all_on_the_export_page_ticks_and_clears_every_column(new_page):
    curator(username="exporter")
    page = new_page()
    page.goto(reverse("admin:inventory_organisation_export"))
    page.get_by_label("Username").fill("exporter")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    columns = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    expect(columns.first).to_be_checked()
    page.get_by_label("Select all").uncheck()
    assert columns.count() > 3
    assert all(not box.is_checked() for box in columns.all())
    page.get_by_label("Select all").check()
    assert all(box.is_checked() for box in columns.all())
