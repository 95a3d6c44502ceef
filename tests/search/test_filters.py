"""The one product FilterSet, on its own: every parameter, combined, and refused input."""

import pytest
from django.http import QueryDict
from django.utils import timezone

from inventory.models import KnowledgeProduct, Organisation, Stakeholder
from search.filters import MAX_VALUES, ProductFilter
from tests.factories import (
    InvolvementFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    StakeholderFactory,
    ThemeFactory,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def titles(query: str, queryset=None) -> set[str]:
    return {p.title for p in ProductFilter(QueryDict(query), queryset=queryset).qs}


def errors(query: str) -> dict:
    return ProductFilter(QueryDict(query)).errors


class TestPublishedOnly:
    def test_it_starts_from_published_products_when_given_no_queryset(self):
        ProductFactory(title="Public")
        for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
            ProductFactory(title=status, status=status, published_at=None)
        assert titles("") == {"Public"}
        assert titles("q=") == {"Public"}


class TestEachParameter:
    def test_theme_includes_the_sub_themes_of_a_core_theme(self):
        core = ThemeFactory(name="Environmental rights", slug="environment")
        sub = ThemeFactory(name="Land rights", slug="land", parent=core)
        ProductFactory(title="On the core", themes=[core])
        ProductFactory(title="On the sub-theme", themes=[sub])
        ProductFactory(title="Elsewhere", themes=[ThemeFactory()])
        assert titles("theme=environment") == {"On the core", "On the sub-theme"}
        assert titles("theme=land") == {"On the sub-theme"}

    def test_type(self):
        ProductFactory(title="A toolkit", product_type=ProductTypeFactory(name="Toolkit"))
        ProductFactory(title="A guide", product_type=ProductTypeFactory(name="Guide"))
        assert titles("type=toolkit") == {"A toolkit"}

    def test_programme_goes_through_the_partnerships(self):
        voices = ProgrammeFactory(
            name="Power of Voices", slug="power-of-voices", start_year=2021, end_year=2025
        )
        ProductFactory(title="Voices", partnerships=[PartnershipFactory(programme=voices)])
        ProductFactory(title="Dissent", partnerships=[PartnershipFactory()])
        ProductFactory(title="No partnership")
        assert titles("programme=power-of-voices") == {"Voices"}

    def test_partnership_and_organisation(self):
        partnership = PartnershipFactory(slug="count-us-in")
        organisation = OrganisationFactory(slug="delta-rights")
        ProductFactory(title="Of the partnership", partnerships=[partnership])
        ProductFactory(title="Of the organisation", organisations=[organisation])
        assert titles("partnership=count-us-in") == {"Of the partnership"}
        assert titles("organisation=delta-rights") == {"Of the organisation"}

    def test_org_kind_finds_southern_work(self):
        southern = OrganisationFactory(kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE"))
        ProductFactory(title="Southern", organisations=[southern, OrganisationFactory()])
        ProductFactory(title="Dutch", organisations=[OrganisationFactory()])
        assert titles("org_kind=southern-cso") == {"Southern"}

    def test_country_codes_in_either_case_and_region(self):
        ProductFactory(title="Kenya", countries=["KE"])
        ProductFactory(title="Bolivia", countries=["BO"])
        assert titles("country=ke") == titles("country=KE") == {"Kenya"}
        assert titles("region=latin-america-caribbean") == {"Bolivia"}

    def test_language_and_tag(self):
        ProductFactory(title="French", languages=["fr"], tags=["budget monitoring"])
        ProductFactory(title="English", languages=["en"], tags=["gender"])
        assert titles("language=FR") == {"French"}
        assert titles("tag=budget-monitoring") == {"French"}

    def test_stakeholder_category(self):
        embassy = StakeholderFactory(category=Stakeholder.Category.EMBASSY)
        InvolvementFactory(product=ProductFactory(title="With an embassy"), stakeholder=embassy)
        InvolvementFactory(
            product=ProductFactory(title="With media"), stakeholder=StakeholderFactory(category="media")
        )
        assert titles("stakeholder_category=embassy") == {"With an embassy"}

    def test_year_range_is_inclusive_and_leaves_out_undated_products(self):
        for year in (2016, 2018, 2020, None):
            ProductFactory(title=str(year), year=year)
        assert titles("year_min=2018") == {"2018", "2020"}
        assert titles("year_max=2018") == {"2016", "2018"}
        assert titles("year_min=2017&year_max=2019") == {"2018"}

    def test_featured_only_and_featured_0_is_no_preference(self):
        ProductFactory(title="Proud", featured=True)
        ProductFactory(title="Plain")
        assert titles("featured=1") == titles("featured=true") == {"Proud"}
        assert titles("featured=0") == {"Proud", "Plain"}


class TestCombined:
    def test_repeated_values_match_any_and_different_parameters_must_all_hold(self):
        toolkit, guide = ProductTypeFactory(name="Toolkit"), ProductTypeFactory(name="Guide")
        ProductFactory(title="Kenyan toolkit", product_type=toolkit, countries=["KE"])
        ProductFactory(title="Ugandan guide", product_type=guide, countries=["UG"])
        ProductFactory(title="Kenyan guide", product_type=guide, countries=["KE"])
        ProductFactory(title="Bolivian toolkit", product_type=toolkit, countries=["BO"])
        assert titles("country=KE&country=UG") == {"Kenyan toolkit", "Ugandan guide", "Kenyan guide"}
        assert titles("country=KE&country=UG&type=guide") == {"Ugandan guide", "Kenyan guide"}
        assert titles("country=KE&type=toolkit&type=guide&year_min=2019") == {
            "Kenyan toolkit",
            "Kenyan guide",
        }

    def test_a_product_matching_several_chosen_values_comes_back_once(self):
        one, two = ThemeFactory(slug="one"), ThemeFactory(slug="two")
        ProductFactory(themes=[one, two], countries=["KE", "UG"], tags=["a", "b"])
        result = ProductFilter(QueryDict("theme=one&theme=two&country=KE&country=UG&tag=a&tag=b")).qs
        assert result.count() == len(list(result)) == 1


class TestSort:
    @pytest.fixture
    def products(self):
        ProductFactory(title="beta", year=2018)
        ProductFactory(title="Alpha", year=2020)
        ProductFactory(title="gamma", year=None)
        ProductFactory(title="Delta", year=2016)

    def ordered(self, query):
        return [p.title for p in ProductFilter(QueryDict(query)).qs]

    def test_newest_first_by_default_undated_last(self, products):
        assert self.ordered("") == ["Alpha", "beta", "Delta", "gamma"]

    def test_oldest_first(self, products):
        assert self.ordered("sort=oldest") == ["Delta", "beta", "Alpha", "gamma"]

    def test_by_title_whatever_the_case(self, products):
        assert self.ordered("sort=title") == ["Alpha", "beta", "Delta", "gamma"]

    def test_relevance_without_a_search_is_newest(self, products):
        assert ProductFilter(QueryDict("sort=relevance")).sort_order == "newest"
        assert ProductFilter(QueryDict("q=alpha")).sort_order == "relevance"
        assert ProductFilter(QueryDict("q=alpha&sort=title")).sort_order == "title"

    def test_products_published_the_same_year_show_the_latest_first(self):
        earlier = timezone.now() - timezone.timedelta(days=3)
        ProductFactory(title="Earlier", published_at=earlier)
        ProductFactory(title="Later")
        assert self.ordered("") == ["Later", "Earlier"]


class TestRefusedInput:
    """Each refusal names what was wrong; the valid parameters still apply."""

    def test_an_unknown_slug_is_refused_by_name_and_the_other_filters_still_apply(self):
        ProductFactory(title="Kenya", countries=["KE"])
        ProductFactory(title="Bolivia", countries=["BO"])
        filterset = ProductFilter(QueryDict("theme=no-such-theme&country=KE"))
        assert filterset.errors["theme"] == ["There is no theme “no-such-theme”."]
        assert {p.title for p in filterset.qs} == {"Kenya"}

    @pytest.mark.parametrize(
        ("query", "param", "message"),
        [
            ("type=nope", "type", "There is no product type “nope”."),
            ("country=XX", "country", "There is no country with the code “XX”."),
            ("language=zz", "language", "There is no language with the code “zz”."),
            ("region=atlantis", "region", "There is no such value: “atlantis”."),
            ("org_kind=church", "org_kind", "There is no such value: “church”."),
            ("year_min=last+year", "year_min", "Give the year as a number, such as 2018."),
            ("year_max=1e999", "year_max", "Give the year as a number, such as 2018."),
            ("year_min=99999", "year_min", "Ensure this value is less than or equal to 9999."),
            ("sort=random", "sort", "Sort by relevance, newest, oldest or title, not “random”."),
            ("q=" + "x" * 10_000, "q", "Search for at most 200 characters (this was 10000)."),
            ("q=toolkit%00", "q", "Null characters are not allowed."),
            ("theme=land%00", "theme", "Null characters are not allowed."),
            ("partnership=<script>", "partnership", "There is no partnership “<script>”."),
        ],
    )
    def test_bad_values_are_refused_with_a_clear_message(self, query, param, message):
        assert errors(query)[param] == [message]

    def test_too_many_values_for_one_parameter_are_refused(self):
        query = "&".join(f"tag=t{n}" for n in range(MAX_VALUES + 1))
        assert errors(query)["tag"] == [f"Choose at most {MAX_VALUES} values."]

    def test_empty_values_are_no_filter(self):
        ProductFactory(title="Any")
        assert titles("theme=&type=&year_min=&featured=&sort=") == {"Any"}
        assert not errors("theme=&type=&year_min=&featured=&sort=")

    def test_unknown_parameters_are_ignored(self):
        ProductFactory(title="Any")
        assert titles("utm_source=newsletter") == {"Any"}
