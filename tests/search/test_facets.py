"""Facet counts: each value's count is the number of products choosing it would give, given the other
active filters. Checked against counts computed directly through the FilterSet."""

from itertools import cycle

import pytest
from django.http import QueryDict
from django.utils import timezone
from taggit.models import Tag

from inventory.models import (
    Country,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Region,
    Stakeholder,
    Theme,
)
from search.facets import active_filters, product_facets
from search.filters import ProductFilter
from search.fulltext import update_search_vectors
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


@pytest.fixture
def catalogue():
    """Thirty published products and ten drafts spread unevenly over every facet."""
    gender = ThemeFactory(name="Gender equality", slug="gender")
    environment = ThemeFactory(name="Environmental rights", slug="environment")
    land = ThemeFactory(name="Land rights", slug="land", parent=environment)
    climate = ThemeFactory(name="Climate justice", slug="climate", parent=environment)
    types = [ProductTypeFactory(name=name) for name in ("Toolkit", "Guide", "Case study")]
    dissent = ProgrammeFactory(name="Dialogue and Dissent", slug="dissent")
    voices = ProgrammeFactory(name="Power of Voices", slug="voices", start_year=2021, end_year=2025)
    partnerships = [
        PartnershipFactory(slug="count-us-in", programme=dissent),
        PartnershipFactory(slug="green", programme=dissent),
        PartnershipFactory(slug="she-leads", programme=voices),
    ]
    organisations = [
        OrganisationFactory(slug="delta", kind=Organisation.Kind.DUTCH_NGO),
        OrganisationFactory(slug="voices-kenya", kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE")),
        OrganisationFactory(slug="institute", kind=Organisation.Kind.KNOWLEDGE_INSTITUTE),
    ]
    stakeholders = [
        StakeholderFactory(category=Stakeholder.Category.EMBASSY),
        StakeholderFactory(category=Stakeholder.Category.MEDIA),
    ]
    theme_sets = cycle([[gender], [land], [climate, gender], [environment], [], [land, climate]])
    country_sets = cycle([["KE"], ["UG", "KE"], ["BO"], [], ["NL", "BD"]])
    tag_sets = cycle([["budget"], ["budget", "gender"], [], ["water"]])
    for n in range(40):
        product = ProductFactory(
            title=f"Product {n} about {'water' if n % 3 else 'budgets'}",
            status=Status.PUBLISHED if n < 30 else Status.DRAFT,
            published_at=None if n >= 30 else timezone.now(),
            product_type=types[n % 3 if n % 5 else 0],
            year=2016 + n % 7 if n % 4 else None,
            featured=n % 6 == 0,
            themes=next(theme_sets),
            countries=next(country_sets),
            tags=next(tag_sets),
            languages=["en", "fr"][: n % 3],
            partnerships=partnerships[: n % 4],
            organisations=[organisations[n % 3]] if n % 2 else organisations[1:],
        )
        if n % 3:
            InvolvementFactory(product=product, stakeholder=stakeholders[n % 2])
    update_search_vectors()


EVERY_VALUE = {
    "theme": lambda: Theme.objects.values_list("slug", flat=True),
    "type": lambda: ProductType.objects.values_list("slug", flat=True),
    "programme": lambda: Programme.objects.values_list("slug", flat=True),
    "partnership": lambda: Partnership.objects.values_list("slug", flat=True),
    "organisation": lambda: Organisation.objects.values_list("slug", flat=True),
    "org_kind": lambda: Organisation.Kind.values,
    "region": lambda: Region.values,
    "country": lambda: Country.objects.filter(code__in=["KE", "UG", "BO", "NL", "BD", "FR"]).values_list(
        "code", flat=True
    ),
    "language": lambda: Language.objects.filter(code__in=["en", "fr", "es"]).values_list("code", flat=True),
    "tag": lambda: Tag.objects.values_list("slug", flat=True),
    "stakeholder_category": lambda: Stakeholder.Category.values,
}


def results_choosing(query: QueryDict, param: str, value: str) -> int:
    """What choosing `value` alone in `param` gives, the other parameters as they are."""
    chosen = query.copy()
    if param == "year":
        chosen.setlist("year_min", [value])
        chosen.setlist("year_max", [value])
    else:
        chosen.setlist(param, [value])
    return ProductFilter(chosen).qs.count()


def flattened(facet):
    for value in facet.values:
        yield value
        yield from value.children


# Filter states to count facets under (one catalogue for all: building it is the slow part).
STATES = [
    "",
    "country=KE",
    "theme=environment&type=toolkit",
    "org_kind=southern-cso&year_min=2018",
    "tag=budget&featured=1",
    "q=water&language=en",
    "theme=land&theme=gender&country=KE&country=BO&partnership=green",
    "programme=voices&stakeholder_category=media&year_max=2019",
]


def test_every_facet_count_is_what_choosing_the_value_gives(catalogue):
    for state in STATES:
        query = QueryDict(state)
        facets = product_facets(ProductFilter(query))
        assert {f.param for f in facets} == {*EVERY_VALUE, "year", "featured"}
        for facet in facets:
            listed = {v.value: v.count for v in flattened(facet)}
            for value, count in listed.items():
                assert count == results_choosing(query, facet.param, value), (state, facet.param, value)
            # A value the facet leaves out would give nothing.
            for value in EVERY_VALUE.get(facet.param, list)():
                if value not in listed:
                    assert results_choosing(query, facet.param, value) == 0, (state, facet.param, value)


def test_the_catalogue_gives_facets_something_to_count(catalogue):
    """Guards the test above against passing on an empty catalogue."""
    facets = {f.param: f for f in product_facets(ProductFilter(QueryDict()))}
    assert all(len(facets[param].values) >= 2 for param in EVERY_VALUE)
    assert len(facets["year"].values) == 7
    assert facets["featured"].values[0].count == 5
    # 20 published titles say "water"; 3 more products are only tagged so.
    assert ProductFilter(QueryDict("q=water")).qs.count() == 23


def test_the_count_of_a_core_theme_counts_a_product_with_several_sub_themes_once():
    core = ThemeFactory(slug="environment")
    land, climate = ThemeFactory(parent=core), ThemeFactory(parent=core)
    ProductFactory(themes=[core, land, climate])
    ProductFactory(themes=[land])
    (theme_facet,) = [f for f in product_facets(ProductFilter(QueryDict())) if f.param == "theme"]
    (environment,) = theme_facet.values
    assert environment.count == 2
    assert sorted(child.count for child in environment.children) == [1, 2]


def test_facets_count_only_published_products():
    toolkit = ProductTypeFactory(name="Toolkit")
    ProductFactory(product_type=toolkit, countries=["KE"], tags=["budget"], featured=True)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
        ProductFactory(
            status=status, published_at=None, product_type=toolkit, countries=["KE", "UG"], tags=["secret"]
        )
    counts = {
        (f.param, v.value): v.count for f in product_facets(ProductFilter(QueryDict())) for v in f.values
    }
    assert counts == {
        ("type", "toolkit"): 1,
        ("country", "KE"): 1,
        ("region", "sub-saharan-africa"): 1,
        ("tag", "budget"): 1,
        ("year", "2019"): 1,
        ("featured", "1"): 1,
    }


def test_a_chosen_value_the_other_filters_leave_empty_stays_listed_to_be_unchosen():
    ProductFactory(countries=["KE"], product_type=ProductTypeFactory(name="Toolkit"))
    ProductTypeFactory(name="Guide")
    facets = {f.param: f for f in product_facets(ProductFilter(QueryDict("country=KE&type=guide")))}
    assert [(v.value, v.count, v.selected) for v in facets["type"].values] == [
        ("guide", 0, True),
        ("toolkit", 1, False),
    ]
    assert [(v.value, v.count, v.selected) for v in facets["country"].values] == [("KE", 0, True)]


def test_a_southern_organisation_is_marked_in_its_facet():
    southern = OrganisationFactory(name="Voices Kenya", kind=Organisation.Kind.SOUTHERN_CSO)
    ProductFactory(organisations=[southern, OrganisationFactory(name="Delta")])
    (facet,) = [f for f in product_facets(ProductFilter(QueryDict())) if f.param == "organisation"]
    assert {(v.label, v.note) for v in facet.values} == {
        ("Voices Kenya", "Southern"),
        ("Delta", ""),
    }


def test_active_filters_name_each_chosen_value():
    ThemeFactory(name="Land rights", slug="land")
    query = QueryDict(
        "q=+budget+&theme=land&country=ke&org_kind=southern-cso&year_min=2018&featured=1&sort=title"
    )
    active = [(a.param, a.value, a.label) for a in active_filters(ProductFilter(query))]
    assert active == [
        ("q", "budget", "“budget”"),
        ("theme", "land", "Land rights"),
        ("org_kind", "southern-cso", "Southern civil-society organisation"),
        ("country", "KE", "Kenya"),
        ("year_min", "2018", "2018"),
        ("featured", "1", "yes"),
    ]


def test_a_refused_value_is_not_listed_as_active():
    assert active_filters(ProductFilter(QueryDict("theme=nothing&year_min=soon"))) == []


class TestLongFacets:
    """Thousands of tags or organisations: the largest values are listed, with how many were left out."""

    @pytest.fixture
    def many_tags(self, monkeypatch):
        monkeypatch.setattr("search.facets.MOST_LISTED", 3)
        for n, tag in enumerate(["water", "land", "budget", "radio", "media"]):
            for _ in range(5 - n):
                ProductFactory(tags=[tag])

    def tag_facet(self, query: str = ""):
        (facet,) = [f for f in product_facets(ProductFilter(QueryDict(query))) if f.param == "tag"]
        return facet

    def test_it_lists_the_values_with_the_most_products(self, many_tags):
        facet = self.tag_facet()
        assert [(v.label, v.count) for v in facet.values] == [("water", 5), ("land", 4), ("budget", 3)]
        assert facet.omitted == 2

    def test_a_chosen_value_beyond_them_is_listed_with_its_count(self, many_tags):
        facet = self.tag_facet("tag=media")
        assert [(v.label, v.count, v.selected) for v in facet.values][-1] == ("media", 1, True)
        assert facet.omitted == 1

    def test_the_page_says_what_it_left_out(self, client, many_tags):
        page = client.get("/products/").content.decode()
        assert "2 more with fewer products are not listed" in page

    def test_facets_in_a_fixed_order_are_never_cut(self, monkeypatch):
        monkeypatch.setattr("search.facets.MOST_LISTED", 1)
        for name in ("Toolkit", "Guide"):
            ProductFactory(product_type=ProductTypeFactory(name=name))
        (facet,) = [f for f in product_facets(ProductFilter(QueryDict())) if f.param == "type"]
        assert len(facet.values) == 2
        assert facet.omitted == 0


def test_one_index_names_and_orders_a_facets_values_in_each_pages_language():
    """The names a facet sorts and labels by are worked out once per language and kept with the index:
    a Dutch page and an English one from the same index each get their own, and the shared copy of the
    index carries none of them."""
    import pickle

    from django.utils import translation

    from search import index as facet_index

    for name, dutch in [("Water programme", "Zeeprogramma"), ("Sea programme", "Waterprogramma")]:
        ProductFactory(
            partnerships=[
                PartnershipFactory(
                    programme=ProgrammeFactory(name=name, translations={"nl": {"name": dutch}})
                )
            ]
        )
    index = facet_index.current()

    def programmes():
        (facet,) = [f for f in product_facets(ProductFilter(QueryDict())) if f.param == "programme"]
        return sorted(value.label for value in facet.values)

    with translation.override("nl"):
        assert programmes() == ["Waterprogramma", "Zeeprogramma"]
    with translation.override("en"):
        assert programmes() == ["Sea programme", "Water programme"]
    assert facet_index.current() is index and len(index.__dict__["_names"]) >= 2
    assert "_names" not in pickle.loads(pickle.dumps(index)).__dict__
