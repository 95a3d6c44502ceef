"""Curators run the whole inventory from the admin; other staff cannot."""

import pytest
from django.urls import reverse

from inventory.models import Involvement, KnowledgeProduct, Stakeholder
from search.fulltext import update_search_vectors
from tests.factories import (
    OrganisationFactory,
    ProductFactory,
    ProductTypeFactory,
    StakeholderFactory,
    ThemeFactory,
    UserFactory,
    complete_product,
    curator,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
PRODUCT_ADMIN = "admin:inventory_knowledgeproduct"


@pytest.fixture
def add_form():
    """What a curator types into the admin's "add knowledge product" form."""
    product_type = ProductTypeFactory(name="Toolkit")
    themes = [ThemeFactory(name="Civic space"), ThemeFactory(name="Climate justice")]
    organisations = [
        OrganisationFactory(name="Voices of the Valley"),
        OrganisationFactory(name="Delta Rights"),
    ]
    stakeholder = StakeholderFactory(name="District council", scope=Stakeholder.Scope.EXTERNAL)
    return lambda **overrides: {**form_data(product_type, themes, organisations, stakeholder), **overrides}


def form_data(product_type, themes, organisations, stakeholder):
    return {
        "title": "Budget tracking toolkit",
        "slug": "budget-tracking-toolkit",
        "product_type": product_type.pk,
        "status": Status.DRAFT,
        "summary": "How women's groups followed the district budget.",
        "description": "",
        "why_valuable": "Reusable score cards.",
        "year": "2019",
        "url": "https://example.org/toolkit",
        "themes": [t.pk for t in themes],
        "tags": "budget monitoring, gender",
        "organisations": [o.pk for o in organisations],
        "countries": ["UG"],
        "languages": ["en"],
        "involvements-TOTAL_FORMS": "1",
        "involvements-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "licence": "unknown",
        "involvements-MIN_NUM_FORMS": "0",
        "involvements-MAX_NUM_FORMS": "1000",
        "involvements-0-stakeholder": stakeholder.pk,
        "involvements-0-role": Involvement.Role.CO_CREATOR,
    }


class TestCurator:
    def test_a_curator_signs_in_and_adds_a_complete_product(self, client, add_form):
        curator(username="vera")
        response = client.post(
            reverse("admin:login"),
            {"username": "vera", "password": "a-long-test-password", "next": "/admin/"},
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

        response = client.post(reverse(f"{PRODUCT_ADMIN}_add"), add_form())
        assert response.status_code == 302, response.context["adminform"].form.errors

        product = KnowledgeProduct.objects.get(slug="budget-tracking-toolkit")
        assert {t.name for t in product.themes.all()} == {"Civic space", "Climate justice"}
        assert set(product.tags.names()) == {"budget monitoring", "gender"}
        assert {o.name for o in product.organisations.all()} == {"Voices of the Valley", "Delta Rights"}
        assert [(i.stakeholder.name, i.role) for i in product.involvements.all()] == [
            ("District council", "co-creator")
        ]
        assert [c.code for c in product.countries.all()] == ["UG"]

    def test_a_curator_sees_a_readable_error_for_a_bad_year(self, curator_client, add_form):
        response = curator_client.post(reverse(f"{PRODUCT_ADMIN}_add"), add_form(year="1850"))
        assert response.status_code == 200
        assert "Ensure this value is greater than or equal to 1990." in response.content.decode()
        assert not KnowledgeProduct.objects.exists()

    def test_a_curator_cannot_archive_a_draft_by_editing_the_form(self, curator_client, add_form):
        curator_client.post(reverse(f"{PRODUCT_ADMIN}_add"), add_form())
        product = KnowledgeProduct.objects.get()
        form = add_form(status=Status.ARCHIVED, slug=product.slug)
        response = curator_client.post(reverse(f"{PRODUCT_ADMIN}_change", args=[product.pk]), form)
        assert response.status_code == 200
        assert "A draft product cannot become archived directly." in response.content.decode()

    def test_the_publish_action_publishes_submitted_products(self, curator_client):
        nominated = [complete_product(status=Status.SUBMITTED) for _ in range(2)]
        response = curator_client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"),
            {"action": "publish", "_selected_action": [p.pk for p in nominated]},
            follow=True,
        )
        assert "2 product(s) now published." in response.content.decode()
        assert KnowledgeProduct.objects.published().count() == 2

    def test_the_archive_action_explains_what_it_refused(self, curator_client):
        draft = ProductFactory(status=Status.DRAFT, published_at=None, title="Unfinished guide")
        response = curator_client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"),
            {"action": "archive", "_selected_action": [draft.pk]},
            follow=True,
        )
        assert "“Unfinished guide” is draft; it cannot become archived." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_the_feature_action_features_products(self, curator_client):
        product = ProductFactory(featured=False)
        curator_client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"),
            {"action": "mark_featured", "_selected_action": [product.pk]},
        )
        product.refresh_from_db()
        assert product.featured

    @pytest.mark.parametrize(
        "model",
        [
            "programme",
            "theme",
            "producttype",
            "organisation",
            "partnership",
            "stakeholder",
            "knowledgeproduct",
            "country",
            "language",
        ],
    )
    def test_a_curator_can_open_every_inventory_list(self, curator_client, model):
        ProductFactory()
        assert curator_client.get(reverse(f"admin:inventory_{model}_changelist")).status_code == 200

    def test_the_product_list_searches_and_filters(self, curator_client):
        ProductFactory(title="Score cards for clinics", status=Status.SUBMITTED, published_at=None)
        ProductFactory(title="Land rights guide")
        update_search_vectors()
        response = curator_client.get(reverse(f"{PRODUCT_ADMIN}_changelist"), {"q": "clinics"})
        assert list(response.context["cl"].result_list.values_list("title", flat=True)) == [
            "Score cards for clinics"
        ]
        response = curator_client.get(reverse(f"{PRODUCT_ADMIN}_changelist"), {"status__exact": "published"})
        assert list(response.context["cl"].result_list.values_list("title", flat=True)) == [
            "Land rights guide"
        ]

    def test_the_year_filter_offers_every_year_from_the_latest_and_a_bad_year_is_no_error(
        self, curator_client
    ):
        ProductFactory(title="Old guide", year=2016)
        ProductFactory(title="New guide", year=2019)
        url = reverse(f"{PRODUCT_ADMIN}_changelist")
        response = curator_client.get(url)
        [year_filter] = [spec for spec in response.context["cl"].filter_specs if spec.title == "year"]
        assert [choice["display"] for choice in year_filter.choices(response.context["cl"])][1:] == [
            "2019",
            "2018",
            "2017",
            "2016",
        ]
        response = curator_client.get(url, {"year": "2016"})
        assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["Old guide"]
        bad = curator_client.get(url, {"year": "twenty"})
        assert bad.status_code == 302 and bad["Location"].endswith("?e=1")  # the admin's "bad filter" notice

    def test_show_counts_counts_each_year_and_link_state_within_the_other_filters(self, curator_client):
        ProductFactory(title="Old guide", year=2016, url="https://example.org/old")
        ProductFactory(title="Old draft", year=2016, url="", status=KnowledgeProduct.Status.DRAFT)
        ProductFactory(title="New guide", year=2018, url="https://example.org/new")
        url = reverse(f"{PRODUCT_ADMIN}_changelist")

        def counts(params: dict, title: str) -> dict[str, str]:
            response = curator_client.get(url, {"_facets": "True", **params})
            cl = response.context["cl"]
            [spec] = [spec for spec in cl.filter_specs if spec.title == title]
            return {choice["display"].rsplit(" (", 1)[0]: choice["display"] for choice in spec.choices(cl)}

        assert counts({}, "year") == {
            "All": "All",
            "2018": "2018 (1)",
            "2017": "2017 (0)",
            "2016": "2016 (2)",
        }
        assert counts({"link_or_file": "missing"}, "year")["2016"] == "2016 (1)"  # the other filters hold
        assert counts({"year": "2016"}, "link or file") == {
            "All": "All",
            "Neither": "Neither (1)",
            "A link or a file": "A link or a file (1)",
            "Broken": "Broken (0)",
        }
        response = curator_client.get(url, {"year": "2016", "link_or_file": "present"})
        assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["Old guide"]

    def test_products_created_lately_are_one_click_away(self, curator_client):
        from datetime import timedelta

        from django.utils import timezone

        ProductFactory(title="New guide")
        old = ProductFactory(title="Old guide")
        KnowledgeProduct.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
        response = curator_client.get(reverse(f"{PRODUCT_ADMIN}_changelist"))
        [created] = [
            spec
            for spec in response.context["cl"].filter_specs
            if getattr(spec, "field_path", "") == "created_at"
        ]
        past_week = next(c for c in created.choices(response.context["cl"]) if c["display"] == "Past 7 days")
        response = curator_client.get(reverse(f"{PRODUCT_ADMIN}_changelist") + past_week["query_string"])
        assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["New guide"]

    def test_the_organisations_list_shows_and_sorts_by_each_ones_number_of_products(self, curator_client):
        busy, quiet = OrganisationFactory(name="Busy network"), OrganisationFactory(name="Quiet forum")
        OrganisationFactory(name="Newcomer")
        ProductFactory(organisations=[busy, quiet])
        ProductFactory(organisations=[busy], status=Status.DRAFT)
        url = reverse("admin:inventory_organisation_changelist")
        listed = curator_client.get(url).context["cl"].result_list
        assert {o.name: o.product_count for o in listed} == {
            "Busy network": 2,
            "Quiet forum": 1,
            "Newcomer": 0,
        }
        # "products" is the list's fifth column; sorted on it, most first
        by_count = curator_client.get(url, {"o": "-5"}).context["cl"].result_list
        assert [o.name for o in by_count] == ["Busy network", "Quiet forum", "Newcomer"]

    def test_autocomplete_finds_organisations_for_the_product_form(self, curator_client):
        OrganisationFactory(name="Sahel Women Network")
        response = curator_client.get(
            reverse("admin:autocomplete"),
            {
                "term": "sahel",
                "app_label": "inventory",
                "model_name": "knowledgeproduct",
                "field_name": "organisations",
            },
        )
        assert [r["text"] for r in response.json()["results"]] == ["Sahel Women Network"]

    def test_a_curator_cannot_manage_users(self, curator_client):
        assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


class TestOtherStaff:
    def test_staff_outside_the_curators_cannot_add_or_change_products(self, client, add_form):
        client.force_login(UserFactory(is_staff=True))
        product = ProductFactory()
        assert client.get(reverse(f"{PRODUCT_ADMIN}_add")).status_code == 403
        assert client.get(reverse(f"{PRODUCT_ADMIN}_change", args=[product.pk])).status_code == 403
        assert client.post(reverse(f"{PRODUCT_ADMIN}_add"), add_form()).status_code == 403
        assert KnowledgeProduct.objects.count() == 1

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get(reverse(f"{PRODUCT_ADMIN}_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


class TestTheProductListsSearch:
    """The products' admin list searches with the site's full-text search (stemmed on PostgreSQL), drafts
    included, and finds a nominator by their whole address; other forms' product fields find by part of
    the title."""

    def changelist(self, client, q):
        response = client.get(reverse(f"{PRODUCT_ADMIN}_changelist"), {"q": q})
        assert response.status_code == 200
        return sorted(response.context["cl"].result_list.values_list("title", flat=True))

    def test_words_anywhere_in_the_text_find_drafts_and_published_products(self, curator_client):
        ProductFactory(
            title="Score cards", summary="Rating district clinics.", status=Status.DRAFT, published_at=None
        )
        ProductFactory(title="Clinic budgets", summary="What clinics spend.")
        ProductFactory(title="Land rights guide")
        update_search_vectors()  # the test's transaction never commits, so the documents do not follow
        assert self.changelist(curator_client, "clinics") == ["Clinic budgets", "Score cards"]

    def test_a_nominator_is_found_by_their_whole_address_only(self, curator_client):
        ProductFactory(
            title="Nominated guide",
            nominator_email="amina@example.org",
            status=Status.SUBMITTED,
            published_at=None,
        )
        assert self.changelist(curator_client, "amina@example.org") == ["Nominated guide"]
        assert self.changelist(curator_client, "Amina@Example.org") == ["Nominated guide"]
        assert self.changelist(curator_client, "amina") == []

    def test_a_broad_search_lists_the_same_page_however_it_is_found(self, curator_client, monkeypatch):
        # On SQLite a search of many products walks the list's order instead of sorting every match: the
        # same products in the same order, filters and another order included.
        import search.admin

        for n in range(6):
            ProductFactory(title=f"Budget guide {n}", summary="Budget advocacy.")
        ProductFactory(title="Land rights guide", summary="Land.")
        ProductFactory(
            title="Drafted budget", summary="Budget.", status=Status.DRAFT, published_at=None, year=2001
        )
        update_search_vectors()
        url = reverse(f"{PRODUCT_ADMIN}_changelist")

        def listed(params):
            response = curator_client.get(url, params)
            assert response.status_code == 200
            return [p.title for p in response.context["cl"].result_list], response.context["cl"].result_count

        asked = [{"q": "budget"}, {"q": "budget", "status__exact": "draft"}, {"q": "budget", "o": "1"}]
        sorted_first = [listed(params) for params in asked]
        monkeypatch.setattr(search.admin, "WALK_THE_ORDER_FROM", 1)
        search.admin._searches.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            walked = [listed(params) for params in asked]
        assert walked == sorted_first
        assert sorted_first[0][1] == 7 and sorted_first[1] == (["Drafted budget"], 1)
        walking = [q["sql"] for q in queries if '+"inventory_knowledgeproduct"."id" IN' in q["sql"]]
        assert bool(walking) == (connection.vendor == "sqlite")

    def test_a_nominator_is_looked_up_by_the_index_not_by_reading_every_product(self):
        # A LIKE (Django's case-insensitive match on SQLite) reads every row: 200 ms at 100,000 products.
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from search.admin import SearchedProductAdmin

        admin = SearchedProductAdmin(KnowledgeProduct, None)
        with CaptureQueriesContext(connection) as queries:
            admin.matching("Amina@example.org")
        lookup = next(q["sql"] for q in queries if "nominator_email" in q["sql"])
        assert "LIKE" not in lookup.upper()
        assert 'UPPER("inventory_knowledgeproduct"."nominator_email")' in lookup
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {lookup}")
                plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX product_nominator_email" in plan
            assert "USING INDEX product_nominator_name" in plan

    def test_the_search_takes_the_same_queries_whatever_the_number_of_products(self, curator_client):
        ProductFactory.create_batch(3, summary="Budget advocacy.")
        url = reverse(f"{PRODUCT_ADMIN}_changelist") + "?q=budget"
        curator_client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            curator_client.get(url)
        ProductFactory.create_batch(30, summary="Budget advocacy.")
        curator_client.get(url)  # the search's products are read once per data version (search.admin)
        with CaptureQueriesContext(connection) as many:
            curator_client.get(url)
        assert len(many) == len(few)

    def test_another_forms_product_field_finds_by_part_of_the_title(self, curator_client):
        ProductFactory(title="Budget tracking guide")
        response = curator_client.get(
            reverse("admin:autocomplete"),
            {
                "term": "budg",
                "app_label": "needs",
                "model_name": "knowledgeneed",
                "field_name": "matched_products",
            },
        )
        assert [item["text"] for item in response.json()["results"]] == ["Budget tracking guide"]
