"""The gap view: open needs set against published products, by theme and by learning format. Every figure
is checked against a count made by hand from the small world built below."""

import datetime
import re
from math import inf

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from inventory.models import KnowledgeProduct
from needs.gaps import gaps
from needs.models import KnowledgeNeed, LearningActivity
from search.filters import ProductFilter
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    ProductFactory,
    ThemeFactory,
    learning_format,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status
GAPS = reverse("pages:gaps")


@pytest.fixture
def world():
    """Themes: governance (core) with civic space and budgets under it; gender (core); an empty theme.

    Published products: one on civic space, one on governance, one on gender. A draft on budgets and an
    archived product (matched to a need) count nowhere.

    Needs (open = new, in review, matched):
      N1 new, civic space, webinar, consents, nothing matched            → open, no product yet
      N2 in review, civic space + governance, webinar + coaching, matched
         to the published civic-space product                             → open, answered
      N3 matched, budgets, matched only to the archived product            → open, no product yet
      N4 addressed, gender, consents                                       → not open
      N5 closed, budgets                                                   → not open
      N6 new, no theme, coaching, private                                  → open, no product yet
      N7 new, gender + budgets, peer exchange, consents                    → open, no product yet
    """
    governance = ThemeFactory(name="Local governance", slug="governance", position=1)
    civic = ThemeFactory(name="Civic space", slug="civic", parent=governance, position=1)
    budgets = ThemeFactory(name="Local budgets", slug="budgets", parent=governance, position=2)
    gender = ThemeFactory(name="Gender equality", slug="gender", position=2)
    ThemeFactory(name="Empty theme", slug="empty", position=3)
    on_civic = ProductFactory(themes=[civic])
    ProductFactory(themes=[governance])
    ProductFactory(themes=[gender])
    ProductFactory(themes=[budgets], status=KnowledgeProduct.Status.DRAFT, published_at=None)
    archived = ProductFactory(themes=[], status=KnowledgeProduct.Status.ARCHIVED)
    webinar, coaching, peer = (learning_format(s) for s in ("webinar", "coaching", "peer-exchange"))
    need = KnowledgeNeedFactory
    needs = {
        "N1": need(
            title="N1 civic space monitoring",
            themes=[civic],
            learning_formats=[webinar],
            consent_to_publish=True,
            contact_name="Amina Visible-Contact",
            organisation_name="Consenting Organisation",
            description="A description that stays private.",
        ),
        "N2": need(
            status=Status.IN_REVIEW,
            themes=[civic, governance],
            learning_formats=[webinar, coaching],
            matched_products=[on_civic],
        ),
        "N3": need(status=Status.MATCHED, themes=[budgets], matched_products=[archived]),
        "N4": need(title="N4 addressed", status=Status.ADDRESSED, themes=[gender], consent_to_publish=True),
        "N5": need(status=Status.CLOSED, themes=[budgets]),
        "N6": need(
            title="N6 private need",
            learning_formats=[coaching],
            contact_name="Zebulon Private-Contact",
            contact_email="zebulon@private.example.org",
            organisation_name="Private Organisation",
        ),
        "N7": need(
            title="N7 budgets for women",
            themes=[gender, budgets],
            learning_formats=[peer],
            consent_to_publish=True,
        ),
    }
    today = timezone.localdate()
    days = datetime.timedelta
    LearningActivityFactory(learning_format=webinar, start_date=today + days(10))
    LearningActivityFactory(
        learning_format=webinar, start_date=today - days(10), status=LearningActivity.Status.COMPLETED
    )
    LearningActivityFactory(
        learning_format=webinar, start_date=today + days(3), status=LearningActivity.Status.CANCELLED
    )
    LearningActivityFactory(learning_format=coaching, start_date=None, status=LearningActivity.Status.PLANNED)
    LearningActivityFactory(learning_format=coaching, start_date=today - days(5), end_date=today + days(5))
    return needs


def by_slug(figures):
    return {row.theme.slug: (row.open_needs, row.unanswered, row.products) for row in figures.themes}


def test_open_needs_are_new_in_review_or_matched():
    for status in Status.values:
        KnowledgeNeedFactory(title=status, status=status)
    assert set(KnowledgeNeed.objects.open().values_list("title", flat=True)) == {
        "new",
        "in-review",
        "matched",
    }


def test_totals_equal_the_hand_count(world):
    figures = gaps()
    assert figures.open_needs == 5  # N1 N2 N3 N6 N7
    assert figures.unanswered == 4  # N1 N3 N6 N7: N2 alone has a published product matched
    assert figures.unthemed == 1  # N6
    assert figures.shared_count == 2  # N1 N7 (N4 consents but is addressed)
    assert figures.private_count == 3


def test_theme_figures_equal_the_hand_count(world):
    assert by_slug(gaps()) == {
        # (open needs, of which no product yet, published products); a core theme counts its sub-themes'
        "governance": (4, 3, 2),  # N1 N2 N3 N7 (N2 once), no product N1 N3 N7; products on civic + own
        "civic": (2, 1, 1),  # N1 N2
        "budgets": (2, 2, 0),  # N3 N7: the draft product does not count
        "gender": (1, 1, 1),  # N7: N4 is addressed
    }


def test_themes_are_ranked_by_needs_per_product_with_no_products_first(world):
    rows = gaps().themes
    assert [row.theme.slug for row in rows] == ["budgets", "governance", "civic", "gender"]
    assert [row.needs_per_product for row in rows] == [inf, 2.0, 2.0, 1.0]  # 4/2 beats 2/1 on needs


def test_the_summary_names_the_themes_with_most_needs_no_product_answers(world):
    summary = gaps().summary
    assert [(row.theme.slug, row.unanswered) for row in summary] == [
        ("governance", 3),
        ("budgets", 2),
        ("civic", 1),  # before gender (also 1) by name
    ]


def test_format_figures_equal_the_hand_count(world):
    rows = {
        row.learning_format.slug: (row.open_needs, row.unanswered, row.activities) for row in gaps().formats
    }
    assert rows == {
        # (open needs preferring it, of which no product yet, upcoming public activities not cancelled)
        "webinar": (2, 1, 1),  # N1 N2; the past and the cancelled webinars do not count
        "coaching": (2, 1, 1),  # N2 N6; the running one counts, the undated one is not public
        "peer-exchange": (1, 1, 0),  # N7
        "training-or-workshop": (0, 0, 0),
        "community-of-practice": (0, 0, 0),
        "toolkit-or-guide": (0, 0, 0),
        "research-or-learning-trajectory": (0, 0, 0),
    }


def test_the_queryset_says_which_needs_no_product_answers(world):
    assert set(KnowledgeNeed.objects.open().unanswered()) == {world[n] for n in ("N1", "N3", "N6", "N7")}


def test_a_product_unpublished_after_matching_no_longer_answers_the_need(world):
    KnowledgeProduct.objects.filter(matched_needs__isnull=False, status="published").update(status="archived")
    assert gaps().unanswered == 5


def test_the_page_shows_the_plain_language_summary(client, world):
    page = client.get(GAPS).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "5 knowledge needs are open; 4 of them have no product that answers them yet." in text
    assert "3 needs on Local governance have no product yet." in text
    assert "2 needs on Local budgets have no product yet." in text
    assert "1 need on Civic space has no product yet." in text
    assert "The widest gap: Local budgets, with 2 open needs and not one product." in text


def test_every_product_count_is_the_count_of_the_browse_page_it_links_to(client, world):
    page = client.get(GAPS).content.decode()
    links = re.findall(r'<a href="/products/\?theme=([\w-]+)" aria-label="[^"]*">(\d+)</a>', page)
    assert len(links) == 4
    for slug, number in links:
        assert ProductFilter(QueryDict(f"theme={slug}")).qs.count() == int(number), slug


def test_it_links_to_the_needs_form_the_browse_page_and_the_activities(client, world):
    page = client.get(GAPS).content.decode()
    assert f'href="{reverse("needs:need-new")}"' in page
    assert 'href="/products/?theme=budgets"' in page
    assert 'href="/activities/?theme=budgets"' in page
    assert 'href="/activities/?format=webinar"' in page


def test_only_titles_of_open_consenting_needs_are_shown_never_who_asked(client, world):
    page = client.get(GAPS).content.decode()
    assert "N1 civic space monitoring" in page and "N7 budgets for women" in page
    assert "N4 addressed" not in page  # consents, but no longer open
    assert "N6 private need" not in page
    for private in [
        "Amina Visible-Contact",
        "Consenting Organisation",
        "A description that stays private.",
        "Zebulon Private-Contact",
        "zebulon@private.example.org",
        "Private Organisation",
        "Open Budgets Coalition",  # the partnership name the factory types in
        *KnowledgeNeed.objects.values_list("contact_email", flat=True),
        *KnowledgeNeed.objects.values_list("organisation_name", flat=True),
    ]:
        assert private not in page, private


def test_with_no_needs_it_says_so_and_still_links_to_the_form(client):
    page = client.get(GAPS).content.decode()
    assert "No knowledge needs are open at the moment." in page
    assert f'href="{reverse("needs:need-new")}"' in page


def test_the_page_makes_the_same_queries_however_many_needs_and_products(
    client, world, django_assert_num_queries
):
    # 1 the totals, 2 open and unanswered needs per theme, 3 products per theme, 4 the themes, 5 needs per
    # format, 6 activities per format, 7 the formats, 8 the shared needs, 9 their themes; the products that
    # may answer them: 10-15 the product index (themes, phrases, tags, product tags, product themes, texts),
    # 16 the answered needs, 17 the shared needs' dismissals, 18 the products' titles. (The indexes are
    # built once per data version, as the figures are.)
    with django_assert_num_queries(18):
        client.get(GAPS)
    for _ in range(15):
        theme = ThemeFactory()
        product = ProductFactory(themes=[theme])
        KnowledgeNeedFactory(
            themes=[theme, ThemeFactory(parent=theme)],
            learning_formats=[learning_format("coaching")],
            matched_products=[product],
            consent_to_publish=True,
        )
        LearningActivityFactory(themes=[theme])
    # 19: the similar needs' products, now that there are needs with matched products.
    with django_assert_num_queries(19):
        response = client.get(GAPS)
    assert len(response.context["gaps"].themes) == 4 + 30


def test_a_shared_need_lists_the_published_products_that_may_answer_it_by_title(client):
    ProductFactory(title="Budget tracking toolkit", summary="Women's groups follow county budgets.")
    ProductFactory(title="Draft budget tracking", status=KnowledgeProduct.Status.DRAFT, published_at=None)
    KnowledgeNeedFactory(title="Tracking county budgets", consent_to_publish=True)
    KnowledgeNeedFactory(
        title="Private budget tracking", description="county budgets", consent_to_publish=False
    )
    page = client.get(GAPS).content.decode()
    assert page.count("Products that may answer this:") == 1
    assert "Budget tracking toolkit" in page
    assert "Draft budget tracking" not in page and "Private budget tracking" not in page
    assert "Why:" not in page  # titles only


def test_the_figures_are_computed_once_for_every_language_and_each_names_them_in_its_own(
    client, world, django_assert_num_queries
):
    """The gap figures hold no translated text: the Dutch page and a Dutch theme page use the figures the
    English page computed, and name the themes in Dutch."""
    theme = ThemeFactory(name="Water rights", translations={"nl": {"name": "Waterrechten"}})
    KnowledgeNeedFactory(title="Shared need on water", themes=[theme], consent_to_publish=True)
    assert "Water rights" in client.get(GAPS).content.decode()
    with django_assert_num_queries(0):  # the data version and the figures, from the cache
        dutch = client.get("/nl" + GAPS).content.decode()
    assert "Waterrechten" in dutch and "Water rights" not in dutch
    assert "Shared need on water" in client.get(f"/nl/themes/{theme.slug}/").content.decode()
