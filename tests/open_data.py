"""An inventory for the open-data tests (API, CSV, feed, sitemap): published products spread over themes,
types, partnerships, organisations, countries, languages, tags, years and stakeholders, and beside them
unpublished products linked to the very same things. Every product has a nominator whose details are
private; the unpublished ones have titles that must never be seen. Learning activities build on both and
answer needs, which are private too."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from xml.etree import ElementTree

from django.utils import timezone

from inventory.models import KnowledgeProduct, Organisation, Stakeholder
from needs.models import LearningActivity
from search.fulltext import update_search_vectors
from tests.factories import (
    InvolvementFactory,
    KnowledgeNeedFactory,
    LearningActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    StakeholderFactory,
    ThemeFactory,
    learning_format,
)

Status = KnowledgeProduct.Status
Activity = LearningActivity
UNPUBLISHED = [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED]

# Filter combinations the browse page, the API, the CSV and the feed must agree on.
FILTER_QUERIES = [
    "",
    "theme=land",
    "theme=forest-land",
    "theme=land&theme=water",
    "theme=land&type=toolkit",
    "type=case-study",
    "programme=dialogue",
    "partnership=green-alliance",
    "organisation=nyota-rights",
    "org_kind=southern-cso",
    "country=KE",
    "country=ke&language=FR",
    "region=sub-saharan-africa",
    "language=fr",
    "tag=budget",
    "stakeholder_category=government",
    "year_min=2018&year_max=2020",
    "year_min=2021",
    "featured=1",
    "q=budget",
    "q=water+toolkit&sort=title",
    "featured=1&theme=water&sort=oldest",
]

# The same for the activities page and the API's activities.
ACTIVITY_FILTER_QUERIES = [
    "",
    "theme=land",
    "theme=water&theme=land",
    "format=coaching",
    "status=open&status=cancelled",
    "theme=land&format=webinar",
]


@dataclass
class Inventory:
    published: list[KnowledgeProduct]
    unpublished: list[KnowledgeProduct]
    activities: list[LearningActivity] = field(default_factory=list)
    private_values: list[str] = field(default_factory=list)

    @property
    def secrets(self) -> list[str]:
        """What no public answer may contain: the nominators' details, the unpublished titles and slugs."""
        return [
            *self.private_values,
            *(p.title for p in self.unpublished),
            *(f"/{p.slug}/" for p in self.unpublished),
        ]


def build_inventory() -> Inventory:
    land = ThemeFactory(name="Land rights", slug="land")
    forest = ThemeFactory(name="Forest land", slug="forest-land", parent=land)
    water = ThemeFactory(name="Water", slug="water")
    toolkit = ProductTypeFactory(name="Toolkit", slug="toolkit")
    case_study = ProductTypeFactory(name="Case study", slug="case-study")
    dialogue = ProgrammeFactory(name="Dialogue and Dissent", slug="dialogue")
    voices = ProgrammeFactory(name="Power of Voices", slug="voices", start_year=2021, end_year=2025)
    alliance = PartnershipFactory(name="Green Alliance", slug="green-alliance", programme=dialogue)
    other = PartnershipFactory(name="Voices for Water", slug="voices-water", programme=voices)
    southern = OrganisationFactory(
        name="Nyota Rights", slug="nyota-rights", kind=Organisation.Kind.SOUTHERN_CSO, country=None
    )
    dutch = OrganisationFactory(name="Delta NGO", slug="delta-ngo")
    MembershipFactory(partnership=alliance, organisation=southern)
    government = StakeholderFactory(name="District council", category=Stakeholder.Category.GOVERNMENT)
    media = StakeholderFactory(name="Radio Kisumu", category=Stakeholder.Category.MEDIA)

    shapes = [
        {
            "themes": [land],
            "product_type": toolkit,
            "partnerships": [alliance],
            "organisations": [southern],
            "countries": ["KE"],
            "languages": ["en"],
            "tags": ["budget"],
            "year": 2018,
            "featured": True,
        },
        {
            "themes": [forest],
            "product_type": case_study,
            "partnerships": [alliance],
            "organisations": [dutch],
            "countries": ["UG"],
            "languages": ["fr"],
            "tags": ["forests"],
            "year": 2019,
        },
        {
            "themes": [water],
            "product_type": toolkit,
            "partnerships": [other],
            "organisations": [dutch],
            "countries": ["NL"],
            "languages": ["en", "fr"],
            "tags": ["budget", "water"],
            "year": 2022,
            "featured": True,
            "title_words": "Water toolkit",
        },
        {
            "themes": [water, land],
            "product_type": case_study,
            "partnerships": [other],
            "organisations": [southern],
            "countries": ["KE", "TZ"],
            "languages": ["sw", "fr"],
            "tags": [],
            "year": 2020,
        },
        {
            "themes": [],
            "product_type": toolkit,
            "partnerships": [],
            "organisations": [],
            "countries": [],
            "languages": [],
            "tags": ["budget"],
            "year": None,
        },
        {
            "themes": [forest],
            "product_type": toolkit,
            "partnerships": [alliance, other],
            "organisations": [southern, dutch],
            "countries": ["PE"],
            "languages": ["es"],
            "tags": ["forests"],
            "year": 2021,
        },
    ]
    inventory = Inventory(published=[], unpublished=[])
    for n, shape in enumerate(shapes):
        words = shape.pop("title_words", "Budget guide" if "budget" in shape["tags"] else "Learning note")
        published = ProductFactory(
            title=f"{words} {n}",
            nominator_email=f"nominator.{n}@private.example",
            nominator_name=f"Nominator Person{n}",
            nominator_organisation=f"Nominating Org{n}",
            nominated_partnership=f"Typed partnership {n}",
            **shape,
        )
        InvolvementFactory(product=published, stakeholder=government if n % 2 else media)
        inventory.published.append(published)
        inventory.private_values += [
            published.nominator_email,
            published.nominator_name,
            published.nominator_organisation,
            published.nominated_partnership,
        ]
        status = UNPUBLISHED[n % len(UNPUBLISHED)]
        hidden = ProductFactory(
            title=f"Secret {status} {words} {n}",
            status=status,
            published_at=None,
            nominator_email=f"hidden.{n}@private.example",
            **shape,
        )
        InvolvementFactory(product=hidden, stakeholder=government)
        inventory.unpublished.append(hidden)
        inventory.private_values.append(hidden.nominator_email)
    add_activities(inventory, land, water)
    update_search_vectors()
    return inventory


def add_activities(inventory: Inventory, land, water) -> None:
    """Public activities (with a start date) in several formats and statuses, building on a published and
    an unpublished product and answering needs, some of them private; and one without a date yet."""
    webinar, coaching = learning_format("webinar"), learning_format("coaching")
    private_need = KnowledgeNeedFactory(
        title="Secret need about budgets", contact_email="asker@private.example"
    )
    shared_need = KnowledgeNeedFactory(
        title="Shared need", consent_to_publish=True, contact_email="shared@private.example"
    )
    shapes = [
        {"themes": [land], "learning_format": webinar, "status": Activity.Status.OPEN},
        {
            "themes": [water],
            "learning_format": coaching,
            "status": Activity.Status.COMPLETED,
            "start_date": timezone.localdate() - timedelta(days=60),
        },
        {"themes": [land, water], "learning_format": coaching, "status": Activity.Status.CANCELLED},
        {"themes": [], "learning_format": webinar, "status": Activity.Status.PLANNED},
    ]
    for n, shape in enumerate(shapes):
        inventory.activities.append(
            LearningActivityFactory(
                title=f"Activity {n}",
                products=[inventory.published[n], inventory.unpublished[n]],
                needs=[private_need, shared_need],
                **shape,
            )
        )
    LearningActivityFactory(
        title="Secret plan without a date", start_date=None, status=Activity.Status.PLANNED
    )
    inventory.private_values += [
        "Secret need about budgets",
        "Shared need",
        "asker@private.example",
        "shared@private.example",
        "Secret plan without a date",
    ]


def slugs_in_feed(content: bytes) -> set[str]:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(content)
    links = [entry.find(f"{atom}link").get("href") for entry in root.findall(f"{atom}entry")]
    return {re.search(r"/products/([^/]+)/$", link).group(1) for link in links}


def slugs_on_browse_page(client, query: str) -> set[str]:
    """Every product the browse page counts for the query, over all its pages."""
    response = client.get(f"/products/?{query}")
    assert response.status_code == 200, response.content.decode()[:1000]
    return {product.slug for product in response.context["page"].paginator.object_list}


def slugs_on_activities_page(client, query: str) -> set[str]:
    response = client.get(f"/activities/?{query}")
    assert response.status_code == 200, response.content.decode()[:1000]
    return {activity.slug for activity in response.context["page"].paginator.object_list}
