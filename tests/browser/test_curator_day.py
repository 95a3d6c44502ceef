"""A curator's day in a real browser, at a laptop's 1280 × 800: sign in, see the work queue, open the oldest
nomination, edit it, be refused "Save and publish" until it is complete, complete it, publish it and land on
the next nomination; open a new need, match a suggested product with the notes just typed, and start a
learning activity from it. The lists fit the screen. Screenshots of the queue, a nomination and a need go to
docs/screenshots/ when SCREENSHOTS=1."""

import datetime
import os
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed, LearningActivity
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    ProductFactory,
    ThemeFactory,
    complete_product,
    curator,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
LAPTOP = {"width": 1280, "height": 800}
SCREENSHOTS = settings.BASE_DIR / "docs" / "screenshots"
Status = KnowledgeProduct.Status


def aged(model, row, days: int):
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    return model.objects.get(pk=row.pk)


def screenshot(page, name: str, full_page: bool = False) -> None:
    if os.environ.get("SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def day():
    curator(username="curator")
    budgets = ThemeFactory(name="Local budgets")
    OrganisationFactory(name="Delta Rights Foundation")
    oldest = aged(
        KnowledgeProduct,
        complete_product(
            title="Score cards for district budgets",
            status=Status.SUBMITTED,
            organisations=[],
            nominated_organisations="Delta Rights",
            themes=[budgets],
        ),
        9,
    )
    following = aged(
        KnowledgeProduct, complete_product(title="Radio drama on land rights", status=Status.SUBMITTED), 2
    )
    ProductFactory(title="Budget tracking guide", summary="District budgets.", themes=[budgets])
    ProductFactory(title="Budget hearings toolkit", themes=[budgets])
    need = aged(
        KnowledgeNeed,
        KnowledgeNeedFactory(
            title="Tracking district budgets", description="Budgets at district level.", themes=[budgets]
        ),
        3,
    )
    return {"oldest": oldest, "following": following, "need": need}


def test_a_curators_day(new_page, day):
    page = new_page(viewport=LAPTOP)
    sign_in(page)

    # The work queue.
    queue = page.locator(".work-queue")
    nominations = queue.get_by_role("row", name=re.compile("Nominations to review"))
    expect(nominations).to_contain_text("2")
    expect(nominations).to_contain_text("9 days")
    expect(queue.get_by_role("row", name=re.compile(r"^New knowledge needs \d"))).to_contain_text("3 days")
    expect(page.get_by_role("heading", name="Latest changes")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("TAGGIT")
    screenshot(page, "work-queue")

    # The oldest nomination, edited, refused until complete.
    nominations.get_by_role("link").click()
    page.get_by_role("link", name="Score cards for district budgets").click()
    page.get_by_label("Description").fill("Edited before publishing: how the score cards work.")
    page.get_by_role("button", name="Save and publish").first.click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".errorlist.nonfield")).to_contain_text(
        "It cannot be published yet: it needs an organisation."
    )
    expect(page.get_by_label("Description")).to_have_value(
        "Edited before publishing: how the score cards work."
    )
    assert KnowledgeProduct.objects.get(pk=day["oldest"].pk).status == Status.SUBMITTED
    screenshot(page, "nomination-refused")

    # Completed by linking the organisation the nominator typed: what was typed is saved with it.
    page.get_by_role("button", name="Link “Delta Rights Foundation”").click()
    expect(page.locator(".messagelist")).to_contain_text("“Delta Rights Foundation” linked")
    expect(page.get_by_label("Description")).to_have_value(
        "Edited before publishing: how the score cards work."
    )

    page.get_by_role("button", name="Save and publish").first.click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Score cards for district budgets” saved and now published."
    )
    expect(page).to_have_url(re.compile(rf"/admin/inventory/nomination/{day['following'].pk}/change/"))
    published = KnowledgeProduct.objects.get(pk=day["oldest"].pk)
    assert published.status == Status.PUBLISHED
    assert published.description == "Edited before publishing: how the score cards work."
    assert not published.featured, "featuring is the curator's decision"
    screenshot(page, "nomination")

    # A new need: the suggestions, one matched with the notes typed just before.
    page.goto("/admin/")
    page.locator(".work-queue").get_by_role("link", name="New knowledge needs", exact=True).click()
    page.get_by_role("link", name="Tracking district budgets").click()
    suggestions = page.locator(".suggested-products")
    expect(suggestions).to_contain_text("Budget tracking guide")
    expect(suggestions).to_contain_text("Score cards for district budgets")  # Published a minute ago.
    # Each with why it is suggested.
    guide = suggestions.get_by_role("row", name=re.compile("Budget tracking guide"))
    expect(guide.locator(".suggestion-reasons li").first).to_be_visible()
    # One dismissed: never suggested for this need again.
    suggestions.get_by_role("button", name="Dismiss “Budget hearings toolkit”").click()
    expect(page.locator(".messagelist")).to_contain_text("dismissed “Budget hearings toolkit”")
    expect(page.locator(".suggested-products")).not_to_contain_text("Budget hearings toolkit")
    page.get_by_label("Curator notes").fill("Two guides answer it; ask the partnership which helped.")
    suggestions.get_by_role("button", name="Match “Budget tracking guide”").click()
    expect(page.locator(".messagelist")).to_contain_text("matched “Budget tracking guide”")
    expect(page.get_by_label("Curator notes")).to_have_value(
        "Two guides answer it; ask the partnership which helped."
    )
    need = KnowledgeNeed.objects.get(pk=day["need"].pk)
    assert need.status == KnowledgeNeed.Status.MATCHED
    assert [p.title for p in need.matched_products.all()] == ["Budget tracking guide"]
    screenshot(page, "need", full_page=True)

    # A learning activity started from it.
    page.goto("/admin/needs/knowledgeneed/")
    page.get_by_role("row", name=re.compile("Tracking district budgets")).get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Start a learning activity from the selected needs"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Started the planned activity")
    activity = LearningActivity.objects.get()
    assert list(activity.needs.all()) == [need]
    # It carries the product matched to the need.
    assert [p.title for p in activity.products.all()] == ["Budget tracking guide"]


VISIBLE = """() => {
  const table = document.querySelector('#result_list');
  const box = table.parentElement.getBoundingClientRect();
  const rows = [...table.querySelectorAll('tbody tr')]
    .filter(r => r.getBoundingClientRect().bottom <= innerHeight);
  const cut = [...table.querySelectorAll('thead th')]
    .filter(h => h.getBoundingClientRect().right > box.right + 1)
    .map(h => h.innerText.trim());
  return {rows: rows.length, cut, scrolls: document.documentElement.scrollWidth > innerWidth};
}"""


@pytest.mark.parametrize(
    "path",
    ["/admin/needs/knowledgeneed/", "/admin/inventory/knowledgeproduct/", "/admin/inventory/nomination/"],
)
def test_the_lists_show_fifteen_rows_and_every_column_on_a_laptop(new_page, path):
    curator(username="curator")
    theme = ThemeFactory(name="Gender equality and inclusion, a long theme name")
    for n in range(20):
        long = f"Number {n}: a long title that would wrap over two or three lines in a narrow column"
        ProductFactory(title=long, themes=[theme])
        complete_product(title=long, status=Status.SUBMITTED, nominator_name="Grace Banda Mwangi-Okello")
        KnowledgeNeedFactory(
            title=long,
            themes=[theme],
            partnership_name="The Dakora Extractives Accountability Partnership",
            urgency=KnowledgeNeed.Urgency.HIGH,
        )
    page = new_page(viewport=LAPTOP)
    sign_in(page)
    page.goto(path)
    seen = page.evaluate(VISIBLE)
    assert seen["rows"] >= 15, seen
    assert not seen["cut"], f"columns out of sight: {seen['cut']}"
    assert not seen["scrolls"]


def test_an_activitys_time_is_shown_in_the_visitors_own_zone_too(new_page):
    activity = LearningActivityFactory(
        start_date=datetime.date(2031, 1, 15), start_time=datetime.time(14), end_time=datetime.time(16)
    )
    page = new_page(timezone_id="America/New_York")
    page.goto(activity.get_absolute_url())
    when = page.locator(".activity-when, dd").filter(has_text="Amsterdam time").first
    expect(when).to_contain_text("(Amsterdam time; 13:00–15:00 UTC)")
    expect(when.locator(".local-time")).to_have_text(
        re.compile(r"your time: 08:00 AM EST–10:00 AM EST|your time: 08:00 EST–10:00 EST")
    )
