"""Relations read in a record's own row (core.linked_rows): the same objects, in the same order, as the
queries of their own gave, on PostgreSQL and SQLite alike."""

import pytest

from inventory.models import KnowledgeProduct, Organisation, ProductDocument
from pages.views import _product_with_relations
from tests.factories import (
    InvolvementFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    StakeholderFactory,
    country,
    language,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    kenyan = OrganisationFactory(
        name="Kituo", country=country("KE"), is_partos_member=True, questions_email="private@example.org"
    )
    nowhere = OrganisationFactory(name="Alliance", country=None, is_partos_member=False)
    programme = ProgrammeFactory(name="Power of Voices", translations={"nl": {"name": "Kracht van Stemmen"}})
    product = ProductFactory(
        tags=["water", "budget", "gender"],
        organisations=[kenyan, nowhere],
        partnerships=[
            PartnershipFactory(name="Zebra", programme=programme),
            PartnershipFactory(name="Aardvark"),
        ],
        countries=["UG", "KE"],
    )
    ProductDocument.objects.create(product=product, label="Annex", url="https://example.org/a", position=2)
    ProductDocument.objects.create(
        product=product, label="Summary", url="https://example.org/s", position=1, language=language("fr")
    )
    InvolvementFactory(product=product, stakeholder=StakeholderFactory(name="Ministry", organisation=kenyan))
    InvolvementFactory(product=product, stakeholder=StakeholderFactory(name="Farmers", organisation=None))
    return product


def test_a_products_relations_come_in_its_row_as_they_came_prefetched(product, django_assert_num_queries):
    with django_assert_num_queries(1):
        read = _product_with_relations().get(pk=product.pk)
        tags = [tag.name for tag in read.tags.all()]
        documents = [(d.label, d.language.name if d.language else None) for d in read.documents.all()]
        organisations = [
            (o.name, o.country.name if o.country else None, o.is_partos_member)
            for o in read.organisations.all()
        ]
        partnerships = [(p.name, p.programme.display_name) for p in read.partnerships.all()]
        involvements = [
            (i.stakeholder.name, i.stakeholder.organisation.name if i.stakeholder.organisation else None)
            for i in read.involvements.all()
        ]
    assert tags == ["budget", "gender", "water"]
    assert documents == [("Summary", "French"), ("Annex", None)]  # in their positions
    # A boolean is a boolean (SQLite's JSON writes 1 and 0), a foreign key left empty is None.
    assert organisations == [("Alliance", None, False), ("Kituo", "Kenya", True)]
    assert organisations[0][2] is False and organisations[1][2] is True
    assert partnerships[1] == ("Zebra", "Power of Voices")
    assert partnerships[0][0] == "Aardvark"
    assert involvements == [("Farmers", None), ("Ministry", "Kituo")]
    # The related objects are saved rows as any read from the database: changing one and saving it updates it.
    organisation = read.organisations.all()[1]
    organisation.name = "Kituo cha Sheria"
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).name == "Kituo cha Sheria"


def test_a_json_field_of_a_related_row_is_read_as_its_value(product):
    from django.utils import translation

    read = _product_with_relations().get(pk=product.pk)
    zebra = next(p for p in read.partnerships.all() if p.name == "Zebra")
    assert zebra.programme.translations == {"nl": {"name": "Kracht van Stemmen"}}
    with translation.override("nl"):
        assert zebra.programme.display_name == "Kracht van Stemmen"


def test_what_the_page_never_shows_is_left_unread(product, django_assert_num_queries):
    read = _product_with_relations().get(pk=product.pk)
    kenyan = next(o for o in read.organisations.all() if o.name == "Kituo")
    assert {"questions_email", "answers_questions", "description"} <= kenyan.get_deferred_fields()
    with django_assert_num_queries(1):  # as a deferred field is: read when asked for
        assert kenyan.questions_email == "private@example.org"


def test_cards_read_their_partnerships_and_countries_in_their_rows(product, django_assert_num_queries):
    ProductFactory(partnerships=[], countries=[])
    with django_assert_num_queries(1):
        cards = list(KnowledgeProduct.objects.for_cards().order_by("pk"))
        seen = [([p.name for p in c.partnerships.all()], [k.code for k in c.countries.all()]) for c in cards]
    assert seen == [(["Aardvark", "Zebra"], ["KE", "UG"]), ([], [])]


def test_counting_and_slicing_cards_reads_no_relations(product, django_assert_num_queries):
    cards = KnowledgeProduct.objects.for_cards()
    with django_assert_num_queries(1) as counted:
        assert cards.count() == 1
    assert "linked_rows_" not in counted.captured_queries[0]["sql"]
    assert list(cards.values_list("pk", flat=True)) == [product.pk]
    assert cards.in_bulk([product.pk])[product.pk].partnerships.all()[0].name == "Aardvark"
