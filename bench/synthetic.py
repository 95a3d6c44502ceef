"""Fictional inventory data at any size, for measuring the site: `manage.py generate_bench_data`.

The shape follows what a real inventory looks like: a few themes, types, partnerships, organisations,
countries, languages and tags hold most products and a long tail holds the rest (Zipf-like weights); about
one product in ten is not published; needs come in proportion (one per twenty products). Everything is
drawn from one seeded random generator, so a seed gives the same data every time.

Rows go in through bulk_create, products a batch at a time with their many-to-many rows, so memory stays
flat whatever the size. Nothing here is real: organisations, people and products are made up, e-mail
addresses are at example.org.
"""

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TypeVar

from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from inventory.models import (
    Country,
    DocumentText,
    Involvement,
    KnowledgeProduct,
    Language,
    Membership,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    TaggedProduct,
    Theme,
)
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat

T = TypeVar("T")

BATCH = 2000  # products per batch: bounded memory, few round trips
PRODUCTS_PER_NEED = 20

# Where development cooperation works most, first: they head the skewed country distribution.
FOCUS_COUNTRIES = [
    "KE", "UG", "BD", "ET", "GH", "MZ", "NG", "TZ", "ID", "CD", "ML", "BF", "RW", "ZW", "MW", "IN", "PH",
    "GT", "CO", "BO", "NP", "PK", "MM", "KH", "SS", "SO", "SD", "YE", "LB", "JO", "PS", "EG", "TN", "MA",
    "NI", "HN", "PE", "BR", "ZA", "ZM", "SN", "CM", "NE", "BJ", "LR", "SL", "AF", "VN", "LK", "HT",
]  # fmt: skip
LANGUAGES = ["en", "fr", "es", "pt", "nl", "ar", "sw", "id", "bn", "am", "hi", "ha", "ne", "my", "so"]

TOPICS = [
    "land rights", "women's leadership", "civic space", "budget tracking", "climate adaptation",
    "forest governance", "gender-based violence", "youth participation", "water governance",
    "social accountability", "advocacy strategy", "community radio", "access to justice", "mining",
    "value chains", "living wages", "food security", "smallholder farmers", "digital security",
    "disability inclusion", "sexual and reproductive health", "human rights defenders", "lobbying",
    "public hearings", "participatory budgeting", "renewable energy", "sanitation", "pastoralists",
    "indigenous peoples", "tax justice", "corporate accountability", "garment workers", "fisheries",
    "child marriage", "peacebuilding", "election monitoring", "freedom of expression", "open data",
    "feminist movements", "shrinking civic space", "coalition building", "policy influencing",
    "monitoring and evaluation", "outcome harvesting", "theory of change", "safeguarding",
    "locally led development", "shifting power", "trade agreements", "deforestation",
]  # fmt: skip
AUDIENCES = [
    "local councils", "women's groups", "youth networks", "grassroots organisations", "journalists",
    "district officials", "farmers' cooperatives", "trade unions", "parliamentarians", "embassies",
    "community leaders", "paralegals", "researchers", "donors", "private companies", "teachers",
]  # fmt: skip
WORDS = [
    "advocacy", "partners", "community", "government", "policy", "capacity", "dialogue", "evidence",
    "learning", "network", "rights", "women", "youth", "accountability", "participation", "budget",
    "monitoring", "training", "strategy", "lobby", "campaign", "coalition", "research", "impact",
    "inclusion", "leadership", "movement", "resilience", "governance", "land", "forest", "water",
    "climate", "justice", "trade", "labour", "health", "education", "media", "data", "digital",
    "security", "funding", "donor", "local", "national", "regional", "global", "civil", "society",
    "organisations", "stakeholders", "experience", "lessons", "practice", "method", "toolkit", "guide",
    "approach", "framework", "baseline", "outcomes", "harvesting", "mapping", "reflection", "power",
    "voice", "dissent", "alliance", "farmers", "workers", "companies", "supply", "chains", "minerals",
    "mining", "extractives", "tax", "revenues", "transparency", "corruption", "elections", "peace",
    "conflict", "migration", "refugees", "disability", "feminist", "gender", "violence", "safety",
    "protection", "defenders", "space", "freedom", "expression", "assembly", "association", "law",
    "courts", "paralegals", "litigation", "councils", "districts", "municipal", "hearings", "petitions",
]  # fmt: skip
SENTENCES = [
    "It shows how {audience} used {topic} to change {word} at {level} level.",
    "The {type} brings together {word} and {word2} from {country} and {country2}.",
    "Partners describe what worked in {topic}, and what they would do differently.",
    "It explains step by step how {audience} can work on {topic} with {word} and {word2}.",
    "Based on {number} interviews with {audience} in {country}.",
    "Lessons on {topic} and {topic2} from five years of {word} in {country}.",
    "Written with {audience}, who tested it in {country} before it was shared.",
    "A {type} on {word}, {word2} and {topic} for organisations new to the subject.",
]
WHY = [
    "Other partnerships can reuse the {word} method without adapting much.",
    "It is one of the few {type}s written from the perspective of {audience}.",
    "It changed how we approach {topic}; the checklist saves weeks of work.",
    "{audience} in {country} still use it, years after the programme ended.",
    "It shows honestly what failed in {topic}, which is rarely written down.",
]
ORG_PREFIXES = [
    "Action", "Voice", "Rights", "Hope", "Justice", "Green", "Women's", "Youth", "Community", "Land",
    "Forest", "Water", "Peace", "Equal", "Open", "Free", "Fair", "United", "Rural", "Urban",
]  # fmt: skip
ORG_CORES = [
    "Alliance", "Network", "Collective", "Foundation", "Initiative", "Centre", "Forum", "Coalition",
    "Association", "Trust", "Institute", "Movement", "Platform", "Union", "Council", "Society",
]  # fmt: skip
PARTNERSHIP_WORDS = [
    "Voices", "Roots", "Bridges", "Horizons", "Rights", "Futures", "Commons", "Leaders", "Circles",
    "Seeds", "Rivers", "Routes", "Lights", "Hands", "Grounds", "Paths", "Springs", "Fields", "Tides",
]  # fmt: skip
PARTNERSHIP_KINDS = ["Alliance", "Partnership", "Coalition", "Consortium", "Programme"]
FIRST_NAMES = ["Amina", "Jan", "Grace", "Pieter", "Fatima", "Joseph", "Maria", "Sanne", "Kwame", "Lina"]
LAST_NAMES = ["Okello", "de Vries", "Mensah", "Bakker", "Hassan", "Mwangi", "Jansen", "Diallo", "Silva"]
STAKEHOLDER_PATTERNS = {
    Stakeholder.Category.GOVERNMENT: "Ministry of {topic} of {country}",
    Stakeholder.Category.EMBASSY: "Embassy of the Netherlands in {country}",
    Stakeholder.Category.MULTILATERAL: "UN {topic} programme in {country}",
    Stakeholder.Category.DONOR: "{prefix} {topic} Fund",
    Stakeholder.Category.PRIVATE_SECTOR: "{prefix} {topic} Company",
    Stakeholder.Category.RESEARCH: "University of {country}, {topic} department",
    Stakeholder.Category.COMMUNITY: "{topic} committee of {country}",
    Stakeholder.Category.MEDIA: "{prefix} Radio {country}",
    Stakeholder.Category.CIVIL_SOCIETY: "{prefix} {topic} platform of {country}",
    Stakeholder.Category.OTHER: "{prefix} {topic} group",
}


class Zipf:
    """Draws items with Zipf-like weights: the item at rank r weighs 1 / r**exponent."""

    def __init__(self, rng: random.Random, items: Sequence[T], exponent: float = 1.0):
        if not items:
            raise ValueError("Zipf needs at least one item.")
        self.rng = rng
        self.items = list(items)
        self.cumulative = list(accumulate(1 / (rank**exponent) for rank in range(1, len(self.items) + 1)))
        self.total = self.cumulative[-1]

    def one(self) -> T:
        return self.items[bisect(self.cumulative, self.rng.random() * self.total)]

    def some(self, count: int) -> list[T]:
        """Up to `count` distinct items (fewer when a popular one is drawn twice, as happens in life)."""
        # By identity: hashing model instances would cost more than drawing them.
        return list({id(item): item for item in (self.one() for _ in range(count))}.values())


def weighted_count(rng: random.Random, weights: Sequence[float]) -> int:
    """How many: 0, 1, 2 … with the given weights."""
    return rng.choices(range(len(weights)), weights=weights)[0]


@dataclass
class Sizes:
    """How many of everything, for a number of products."""

    products: int
    partnerships: int = 0
    organisations: int = 0
    stakeholders: int = 0
    tags: int = 0
    needs: int = 0

    def __post_init__(self):
        n = self.products
        self.partnerships = self.partnerships or max(12, min(400, n // 250))
        self.organisations = self.organisations or max(40, min(4000, n // 25))
        self.stakeholders = self.stakeholders or max(30, min(2000, n // 50))
        self.tags = self.tags or max(40, min(5000, n // 20))
        self.needs = self.needs or n // PRODUCTS_PER_NEED


@dataclass
class Report:
    """What was made, and how long each step took (seconds)."""

    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class Generator:
    def __init__(self, *, sizes: Sizes, seed: int, clock: Callable[[], float], log: Callable[[str], None]):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.clock = clock
        self.log = log
        self.report = Report()
        self.now = datetime(2025, 6, 1, tzinfo=UTC)

    # --- the steps ---------------------------------------------------------------------------------------

    @transaction.atomic
    def run(self) -> Report:
        self._step("reference data", self._reference)
        self._step("organisations", self._organisations)
        self._step("partnerships", self._partnerships)
        self._step("stakeholders and tags", self._stakeholders_and_tags)
        self._step("products", self._products)
        self._step("needs", self._needs)
        self._step("learning activities", self._activities)
        return self.report

    def _step(self, name: str, work: Callable[[], None]) -> None:
        started = self.clock()
        work()
        self.report.timings[name] = self.clock() - started
        self.log(f"  {name}: {self.report.timings[name]:.1f} s")

    def _reference(self) -> None:
        """The real taxonomy (programmes, themes, types) when the database has none yet."""
        if not Programme.objects.exists():
            call_command("loaddata", "fixtures/reference.json", verbosity=0)
        rng = self.rng
        self.programmes = Zipf(rng, list(Programme.objects.order_by("pk")), 0.8)
        themes = list(Theme.objects.order_by("pk"))
        rng.shuffle(themes)
        self.themes = Zipf(rng, themes, 1.0)
        # Needs ask for other themes than products answer most: that is what the gaps page shows.
        demanded = themes[:]
        rng.shuffle(demanded)
        self.demanded_themes = Zipf(rng, demanded, 1.0)
        types = list(ProductType.objects.order_by("pk"))
        rng.shuffle(types)
        self.types = Zipf(rng, types, 1.1)
        countries = {c.code: c for c in Country.objects.all()}
        head = [countries[code] for code in FOCUS_COUNTRIES if code in countries]
        tail = sorted(
            (c for code, c in countries.items() if code not in FOCUS_COUNTRIES), key=lambda c: c.code
        )
        rng.shuffle(tail)
        self.countries = Zipf(rng, head + tail, 1.1)
        self.netherlands = countries.get("NL")
        languages = {lang.code: lang for lang in Language.objects.filter(code__in=LANGUAGES)}
        self.languages = Zipf(rng, [languages[code] for code in LANGUAGES if code in languages], 1.8)
        self.formats = Zipf(rng, list(LearningFormat.objects.order_by("position")), 0.9)
        self.topics = Zipf(rng, TOPICS, 0.9)
        self.words = Zipf(rng, WORDS, 1.0)
        self.audiences = Zipf(rng, AUDIENCES, 0.8)
        # Sentences are drawn from pools made once: formatting one per sentence would be the slowest step.
        pool = max(500, min(20000, self.sizes.products // 5))
        self.sentences = [self._sentence(SENTENCES) for _ in range(pool)]
        self.reasons = [self._sentence(WHY) for _ in range(pool // 4)]

    def _organisations(self) -> None:
        rng = self.rng
        kinds = list(Organisation.Kind)
        kind_weights = [20, 45, 10, 10, 5, 5, 5]  # Dutch NGO, Southern CSO, knowledge institute, network, …
        taken = set(Organisation.objects.values_list("name", "country"))
        slugs = SlugMaker(Organisation)
        rows = []
        for _ in range(self.sizes.organisations):
            kind = rng.choices(kinds, weights=kind_weights)[0]
            country = self.netherlands if kind == Organisation.Kind.DUTCH_NGO else self.countries.one()
            name = f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_CORES)} {country.name}"
            number = 2
            while (name, country.code) in taken:
                name, number = f"{name.rsplit(' #', 1)[0]} #{number}", number + 1
            taken.add((name, country.code))
            rows.append(
                Organisation(
                    name=name,
                    slug=slugs.make(name),
                    kind=kind,
                    country=country,
                    website=f"https://example.org/{slugify(name)}",
                    is_partos_member=kind == Organisation.Kind.DUTCH_NGO and rng.random() < 0.7,
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=1000)
        self.organisations = Zipf(rng, list(Organisation.objects.order_by("pk")), 0.9)
        self.report.counts["organisations"] = len(rows)

    def _partnerships(self) -> None:
        rng = self.rng
        taken = set(Partnership.objects.values_list("programme_id", "name"))
        slugs = SlugMaker(Partnership)
        rows = []
        for _ in range(self.sizes.partnerships):
            programme = self.programmes.one()
            words = rng.sample(PARTNERSHIP_WORDS, 2)
            name = f"{words[0]} and {words[1]} {rng.choice(PARTNERSHIP_KINDS)}"
            number = 2
            while (programme.pk, name) in taken:
                name, number = f"{name.rsplit(' #', 1)[0]} #{number}", number + 1
            taken.add((programme.pk, name))
            rows.append(
                Partnership(
                    name=name,
                    acronym="".join(word[0] for word in name.split() if word[0].isupper())[:30],
                    slug=slugs.make(name),
                    programme=programme,
                    lead_organisation=self.organisations.one(),
                    summary=self._sentence(SENTENCES, type_name="partnership"),
                )
            )
        created = Partnership.objects.bulk_create(rows, batch_size=1000)
        memberships, themes, countries = [], [], []
        Through = Partnership.themes.through
        CountryThrough = Partnership.countries.through
        self.members: dict[int, list[Organisation]] = {}
        for partnership in created:
            members = [partnership.lead_organisation, *self.organisations.some(rng.randint(2, 8))]
            members = list(dict.fromkeys(members))
            self.members[partnership.pk] = members
            for position, organisation in enumerate(members):
                role = Membership.Role.LEAD if position == 0 else self._member_role(organisation)
                memberships.append(Membership(partnership=partnership, organisation=organisation, role=role))
            themes += [Through(partnership=partnership, theme=t) for t in self.themes.some(rng.randint(1, 3))]
            countries += [
                CountryThrough(partnership=partnership, country=c)
                for c in self.countries.some(rng.randint(2, 6))
            ]
        Membership.objects.bulk_create(memberships, batch_size=2000)
        Through.objects.bulk_create(themes, batch_size=2000)
        CountryThrough.objects.bulk_create(countries, batch_size=2000)
        self.partnerships = Zipf(rng, list(Partnership.objects.order_by("pk")), 0.9)
        self.report.counts["partnerships"] = len(created)

    def _member_role(self, organisation: Organisation) -> str:
        if organisation.kind == Organisation.Kind.SOUTHERN_CSO:
            return Membership.Role.SOUTHERN_PARTNER
        if organisation.kind == Organisation.Kind.KNOWLEDGE_INSTITUTE:
            return Membership.Role.TECHNICAL_PARTNER
        return Membership.Role.MEMBER

    def _stakeholders_and_tags(self) -> None:
        rng = self.rng
        taken = set(Stakeholder.objects.values_list("name", "scope"))
        rows = []
        categories = list(Stakeholder.Category)
        while len(rows) < self.sizes.stakeholders:
            category = rng.choice(categories)
            name = STAKEHOLDER_PATTERNS[category].format(
                topic=self.topics.one().capitalize(),
                country=self.countries.one().name,
                prefix=rng.choice(ORG_PREFIXES),
            )
            scope = Stakeholder.Scope.INTERNAL if rng.random() < 0.25 else Stakeholder.Scope.EXTERNAL
            if (name, scope) in taken:
                name = f"{name} ({len(rows) + 1})"
            taken.add((name, scope))
            rows.append(Stakeholder(name=name[:200], scope=scope, category=category))
        Stakeholder.objects.bulk_create(rows, batch_size=1000)
        self.stakeholders = Zipf(rng, list(Stakeholder.objects.order_by("pk")), 0.9)
        self.report.counts["stakeholders"] = len(rows)

        # Tags: the topics first (the popular ones), then topic + word combinations for the long tail.
        names = list(TOPICS)
        combinations = [f"{topic} {word}" for topic in TOPICS for word in WORDS]
        rng.shuffle(combinations)
        names += combinations[: max(0, self.sizes.tags - len(names))]
        names = names[: self.sizes.tags]
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        slugs = SlugMaker(Tag)
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugs.make(name)) for name in names if name not in existing], batch_size=1000
        )
        by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        self.tags = Zipf(rng, [by_name[name] for name in names], 1.0)
        self.report.counts["tags"] = len(names)

    # --- products ----------------------------------------------------------------------------------------

    def _products(self) -> None:
        slugs = SlugMaker(KnowledgeProduct)
        made = 0
        self.product_ids: list[int] = []  # the published ones, for matching needs
        published = KnowledgeProduct.Status.PUBLISHED
        M = KnowledgeProduct
        tables = [M, TaggedProduct, Involvement] + [
            getattr(M, f).through
            for f in ("themes", "partnerships", "organisations", "countries", "languages")
        ]
        with foreign_keys_checked_at_the_end(tables):
            while made < self.sizes.products:
                size = min(BATCH, self.sizes.products - made)
                products = [self._product(slugs) for _ in range(size)]
                for product, pk in zip(products, reserve_ids(KnowledgeProduct, size), strict=True):
                    product["id"] = pk
                insert_dicts(KnowledgeProduct, products)
                self._product_relations(products)
                self.product_ids += [p["id"] for p in products if p["status"] == published]
                made += size
        self.report.counts["products"] = made
        self.report.counts["published products"] = len(self.product_ids)
        self.report.counts["document texts"] = self._document_texts()
        started = self.clock()
        analyze()
        self.report.counts["search vectors"] = fill_search_vectors()
        self.report.timings["search vectors"] = self.clock() - started
        self.log(f"  (of which statistics and search vectors: {self.report.timings['search vectors']:.1f} s)")

    def _document_texts(self) -> int:
        """The extracted text of an uploaded document for about a tenth of the products: a few pages of
        the catalogue's words (about 600 words each), as search indexes it at the lowest weight."""
        rng = self.rng
        ids = KnowledgeProduct.objects.filter(document_text=None).order_by("pk").values_list("pk", flat=True)
        chosen = [pk for pk in ids if rng.random() < 0.1]
        now = timezone.now()
        # Sentences made once and drawn from: a document's words are the catalogue's, in its proportions.
        sentences = [
            f"{self.topics.one().capitalize()} with {self.audiences.one()}: "
            + " ".join(self.words.one() for _ in range(rng.randint(8, 16)))
            + "."
            for _ in range(2000)
        ]
        for start in range(0, len(chosen), BATCH):
            rows = []
            for pk in chosen[start : start + BATCH]:
                rows.append((pk, "document.pdf", " ".join(rng.choices(sentences, k=45)), False, "", "", now))
            fields = ["product_id", "file_name", "text", "truncated", "problem", "detail", "extracted_at"]
            insert_rows(DocumentText, fields, rows)
        return len(chosen)

    def _product(self, slugs: "SlugMaker") -> dict:
        """A product's column values (by attribute name): instances would slow the inserts down."""
        rng = self.rng
        product_type = self.types.one()
        topic, audience = self.topics.one(), self.audiences.one()
        country = self.countries.one()
        title = rng.choice(
            [
                f"{product_type.name}: {topic} with {audience}",
                f"{topic.capitalize()} in {country.name}",
                f"How {audience} work on {topic}",
                f"{topic.capitalize()} and {self.topics.one()}: lessons from {country.name}",
                f"{product_type.name} on {topic} for {audience}",
            ]
        )
        status = rng.choices(list(KnowledgeProduct.Status), weights=[4, 3, 90, 3])[0]
        year = rng.choices(range(2012, 2026), weights=[1, 1, 2, 3, 5, 8, 9, 9, 8, 7, 8, 8, 6, 3])[0]
        published_at = None
        if status in (KnowledgeProduct.Status.PUBLISHED, KnowledgeProduct.Status.ARCHIVED):
            day = rng.randrange(365 * 24 * 60)
            published_at = min(datetime(year, 1, 1, tzinfo=UTC) + timedelta(minutes=day), self.now)
        nominated = rng.random() < 0.2
        return {
            "title": title,
            "slug": slugs.make(title),
            "summary": rng.choice(self.sentences),
            "description": " ".join(rng.choices(self.sentences, k=rng.randint(2, 6))),
            "why_valuable": rng.choice(self.reasons) if rng.random() < 0.8 else "",
            "product_type_id": product_type.pk,
            "year": year if rng.random() < 0.95 else None,
            "url": f"https://example.org/products/{rng.randrange(10**9)}",
            "status": status.value,
            "featured": status == KnowledgeProduct.Status.PUBLISHED and rng.random() < 0.05,
            "published_at": published_at,
            "nominator_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if nominated else "",
            "nominator_email": f"nominator{rng.randrange(10**6)}@example.org" if nominated else "",
            "created_at": published_at or self.now,
            "updated_at": published_at or self.now,
        }

    def _product_relations(self, products: list[dict]) -> None:
        """The many-to-many rows of a batch of products, as plain tuples straight into the through tables:
        a million model instances would cost more than the inserts themselves."""
        rng = self.rng
        M = KnowledgeProduct
        themes, partnerships, organisations, countries, languages, tags, involvements = ([] for _ in range(7))
        roles = list(Involvement.Role)
        for product in products:
            pk = product["id"]
            themes += [(pk, t.pk) for t in self.themes.some(weighted_count(rng, [3, 45, 37, 15]))]
            chosen = self.partnerships.some(weighted_count(rng, [8, 80, 12]))
            partnerships += [(pk, p.pk) for p in chosen]
            organisations += [(pk, o.pk) for o in self._product_organisations(chosen)]
            countries += [(pk, c.pk) for c in self.countries.some(weighted_count(rng, [10, 40, 25, 15, 10]))]
            languages += [(pk, lang.pk) for lang in self.languages.some(weighted_count(rng, [0, 75, 20, 5]))]
            tags += [(pk, t.pk) for t in self.tags.some(weighted_count(rng, [10, 15, 20, 20, 15, 10, 10]))]
            involvements += [
                (pk, s.pk, rng.choice(roles).value)
                for s in self.stakeholders.some(weighted_count(rng, [30, 35, 25, 10]))
            ]
        self._insert(M.themes.through, ["knowledgeproduct", "theme"], themes)
        self._insert(M.partnerships.through, ["knowledgeproduct", "partnership"], partnerships)
        self._insert(M.organisations.through, ["knowledgeproduct", "organisation"], organisations)
        self._insert(M.countries.through, ["knowledgeproduct", "country"], countries)
        self._insert(M.languages.through, ["knowledgeproduct", "language"], languages)
        self._insert(TaggedProduct, ["content_object", "tag"], tags)
        self._insert(Involvement, ["product", "stakeholder", "role"], involvements)

    def _insert(self, model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
        insert_rows(model, fields, rows)
        name = str(model._meta.verbose_name_plural)
        self.report.counts[name] = self.report.counts.get(name, 0) + len(rows)

    def _product_organisations(self, partnerships: list[Partnership]) -> list[Organisation]:
        """Mostly members of the product's partnerships; now and then an organisation from outside."""
        rng = self.rng
        count = weighted_count(rng, [5, 45, 30, 15, 5])
        pool = [member for p in partnerships for member in self.members.get(p.pk, [])]
        chosen = [
            rng.choice(pool) if pool and rng.random() < 0.8 else self.organisations.one()
            for _ in range(count)
        ]
        return list(dict.fromkeys(chosen))

    def _sentence(self, patterns: Sequence[str], *, type_name: str = "") -> str:
        rng = self.rng
        return rng.choice(patterns).format(
            audience=self.audiences.one(),
            topic=self.topics.one(),
            topic2=self.topics.one(),
            word=self.words.one(),
            word2=self.words.one(),
            level=rng.choice(["local", "district", "national", "regional"]),
            type=type_name or self.types.one().name.lower(),
            country=self.countries.one().name,
            country2=self.countries.one().name,
            number=rng.randint(8, 120),
        )

    # --- needs -------------------------------------------------------------------------------------------

    def _needs(self) -> None:
        rng = self.rng
        statuses = list(KnowledgeNeed.Status)
        needs = []
        ids = reserve_ids(KnowledgeNeed, self.sizes.needs)
        year = timezone.now().year  # of created_at, which bulk_create sets to now
        for number, pk in enumerate(ids):
            partnership = self.partnerships.one() if rng.random() < 0.7 else None
            topic = self.topics.one()
            needs.append(
                KnowledgeNeed(
                    pk=pk,
                    # As KnowledgeNeed.save() makes it, without a second write per need.
                    reference=f"KN-{year}-{pk:04d}",
                    partnership=partnership,
                    partnership_name="" if partnership else f"{rng.choice(PARTNERSHIP_WORDS)} consortium",
                    organisation_name=self.organisations.one().name,
                    contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    contact_email=f"contact{number}@example.org",
                    title=f"How to work on {topic} with {self.audiences.one()}",
                    description=self._sentence(SENTENCES),
                    urgency=rng.choice(list(KnowledgeNeed.Urgency)),
                    consent_to_contact=rng.random() < 0.8,
                    consent_to_publish=rng.random() < 0.4,
                    status=rng.choices(statuses, weights=[40, 20, 15, 15, 10])[0],
                )
            )
        created = KnowledgeNeed.objects.bulk_create(needs, batch_size=1000)
        self._need_relations(created)
        self.need_ids = [need.pk for need in created]
        self.report.counts["needs"] = len(created)

    def _activities(self) -> None:
        """Learning activities built on the needs: one per 25 needs, most with a date and open to all."""
        rng = self.rng
        slugs = SlugMaker(LearningActivity)
        Status = LearningActivity.Status
        activities = []
        for _ in range(max(5, len(self.need_ids) // 25)):
            title = rng.choice(ACTIVITY_TITLES).format(topic=self.topics.one(), audience=self.audiences.one())
            dated = rng.random() < 0.8
            start = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365)) if dated else None
            status = rng.choices([Status.OPEN, Status.COMPLETED, Status.CANCELLED], weights=[60, 30, 10])[0]
            activities.append(
                LearningActivity(
                    title=title,
                    slug=slugs.make(title),
                    summary=rng.choice(self.sentences),
                    learning_format=self.formats.one(),
                    start_date=start,
                    end_date=start + timedelta(days=rng.choice([0, 0, 1, 2])) if start else None,
                    is_online=rng.random() < 0.6,
                    status=status if dated else Status.PLANNED,
                    open_to=rng.choice(list(LearningActivity.Audience)),
                )
            )
        created = LearningActivity.objects.bulk_create(activities, batch_size=1000)
        A = LearningActivity
        themes, needs, products = [], [], []
        for activity in created:
            themes += [(activity.pk, t.pk) for t in self.demanded_themes.some(rng.randint(1, 2))]
            if self.need_ids:
                needs += [(activity.pk, pk) for pk in set(rng.choices(self.need_ids, k=rng.randint(1, 5)))]
            if self.product_ids:
                products += [
                    (activity.pk, pk) for pk in set(rng.choices(self.product_ids, k=rng.randint(0, 3)))
                ]
        insert_rows(A.themes.through, ["learningactivity", "theme"], themes)
        insert_rows(A.needs.through, ["learningactivity", "knowledgeneed"], needs)
        insert_rows(A.products.through, ["learningactivity", "knowledgeproduct"], products)
        self.report.counts["learning activities"] = len(created)

    def _need_relations(self, needs: list[KnowledgeNeed]) -> None:
        rng = self.rng
        N = KnowledgeNeed
        themes, formats, countries, matches = [], [], [], []
        answered = {N.Status.MATCHED, N.Status.ADDRESSED}
        for need in needs:
            themes += [
                N.themes.through(knowledgeneed_id=need.pk, theme_id=t.pk)
                for t in self.demanded_themes.some(weighted_count(rng, [5, 50, 35, 10]))
            ]
            formats += [
                N.learning_formats.through(knowledgeneed_id=need.pk, learningformat_id=f.pk)
                for f in self.formats.some(weighted_count(rng, [10, 50, 30, 10]))
            ]
            countries += [
                N.countries.through(knowledgeneed_id=need.pk, country_id=c.pk)
                for c in self.countries.some(weighted_count(rng, [30, 50, 20]))
            ]
            if need.status in answered and self.product_ids:
                matches += [
                    N.matched_products.through(knowledgeneed_id=need.pk, knowledgeproduct_id=pk)
                    for pk in set(rng.choices(self.product_ids, k=rng.randint(1, 3)))
                ]
        for rows in (themes, formats, countries, matches):
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=5000)


@contextmanager
def foreign_keys_checked_at_the_end(models_: list[type[models.Model]]):
    """PostgreSQL checks a foreign key with a lookup per inserted row, queued until the commit: for a million
    link rows that is most of the time a load takes. So the tables' foreign keys are dropped for the load
    and added back after it, which checks every row again in one join per key. Inside the transaction:
    should anything fail, the keys are back as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = cursor.fetchall()
        # Checks still queued (rows inserted before) run first: a table with pending checks cannot change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows about to be inserted with COPY, which cannot return the ones it made."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so nobody takes these in between.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def insert_dicts(model: type[models.Model], rows: list[dict]) -> None:
    """Rows given as {attribute name: value}; the model's other fields take their defaults."""
    fields = list(model._meta.concrete_fields)
    given = set(rows[0])
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    datetimes = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    adapt = connection.ops.adapt_datetimefield_value
    names = [f.attname for f in fields]
    tuples = [
        tuple(
            adapt(value) if name in datetimes and value is not None else value
            for name in names
            for value in [row[name] if name in row else defaults[name]]
        )
        for row in rows
    ]
    insert_rows(model, names, tuples)


def insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """Rows given as tuples of column values, inserted without model instances: COPY on PostgreSQL,
    executemany elsewhere."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


ACTIVITY_TITLES = [
    "Webinar: {topic} in practice",
    "Peer exchange on {topic}",
    "Training: {topic} for {audience}",
    "Community of practice on {topic}",
    "Coaching trajectory: {topic}",
]


class SlugMaker:
    """Unique slugs without a query per row: the taken ones are read once, new ones remembered."""

    def __init__(self, model: type[models.Model], max_length: int = 80):
        self.taken = set(model._default_manager.values_list("slug", flat=True))
        self.max_length = max_length
        self.counts: dict[str, int] = {}

    def make(self, source: str) -> str:
        base = slugify(source)[: self.max_length - 7].strip("-") or "item"
        slug = base
        while slug in self.taken:
            self.counts[base] = self.counts.get(base, 1) + 1
            slug = f"{base}-{self.counts[base]}"
        self.taken.add(slug)
        return slug


def analyze() -> None:
    """Planner statistics for the tables just filled: without them PostgreSQL plans the search vectors'
    tag subquery as a scan of every product's tags, for every product."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def fill_search_vectors() -> int:
    """The stored full-text vectors of every product (PostgreSQL), as the search module computes them."""
    from search.fulltext import update_search_vectors

    return update_search_vectors()
