"""The inventory: what the Strategic Partnerships made and learned, and who was involved."""

import functools

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower, Upper
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.history import History
from core.linked_rows import InRow
from core.links import slug_url
from core.translations import TranslatedNames
from core.workflow import Workflow
from inventory import codes
from inventory.licences import Licence, licence_reuse, licence_url

FIRST_YEAR = 1990
LAST_YEAR = 2100


def unique_slug(
    instance: models.Model, source: str, max_length: int = 80, reserved: frozenset[str] = frozenset()
) -> str:
    """A slug made from `source` that no other row of the model has: "toolkit", "toolkit-2", …"""
    base = slugify(source)[:max_length].strip("-") or "item"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True)) | reserved
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug


class SluggedModel(models.Model):
    """A model whose slug is made from its name when left empty."""

    slug_source_field = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source_field))
        super().save(*args, **kwargs)


class Programme(TranslatedNames, SluggedModel):
    """A funding framework of the Dutch Ministry of Foreign Affairs, e.g. Dialogue and Dissent (2016–2020)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    start_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="programme_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.start_year}–{self.end_year})"

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "The programme cannot end before it starts."})


class ThemeQuerySet(models.QuerySet):
    def with_sub_themes(self):
        """These themes and the sub-themes of each: what a theme stands for wherever products or needs are
        filtered or counted by theme (a core theme takes in its sub-themes)."""
        return Theme.objects.filter(Q(pk__in=self.values("pk")) | Q(parent__in=self.values("pk")))

    def in_tree_order(self) -> list["Theme"]:
        """Core themes, each followed by its sub-themes, each level in its own order."""
        themes = list(self.select_related("parent"))
        children: dict[int, list[Theme]] = {}
        for theme in themes:
            if theme.parent_id:
                children.setdefault(theme.parent_id, []).append(theme)
        ordered = []
        for theme in themes:
            if theme.parent_id is None:
                ordered.extend([theme, *children.get(theme.pk, [])])
        return ordered


def core_theme(path: str = "themes"):
    """The core theme of the theme at `path` (itself when it is one): what products or needs are grouped by
    to count a core theme with its sub-themes."""
    return Coalesce(f"{path}__parent_id", f"{path}__id")


class Theme(TranslatedNames, SluggedModel):
    """A curated theme. Top-level themes (the four core themes) may have sub-themes; two levels at most."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a core theme; choose a core theme to make this a sub-theme.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="theme_name_unique_within_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("pages:theme-detail", self.slug)

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "A theme cannot be its own parent."})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Choose a core theme: themes have two levels at most."})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": "This theme has sub-themes, so it must stay a core theme."})


class ProductType(TranslatedNames, SluggedModel):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "product type"

    def __str__(self):
        return self.name


class Region(models.TextChoices):
    SUB_SAHARAN_AFRICA = "sub-saharan-africa", _("Sub-Saharan Africa")
    MIDDLE_EAST_NORTH_AFRICA = "middle-east-north-africa", _("Middle East and North Africa")
    ASIA = "asia", _("Asia")
    LATIN_AMERICA = "latin-america-caribbean", _("Latin America and the Caribbean")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north-america", _("North America")
    OCEANIA = "oceania", _("Oceania")


class Country(models.Model):
    """An ISO 3166-1 country. Rows come from pycountry (codes, names) and countryinfo (UN regions)."""

    code = models.CharField("ISO 3166-1 alpha-2 code", max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=30, choices=Region.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language."""
        return codes.country_name(self.name)


class Language(models.Model):
    """An ISO 639-1 language. Rows come from pycountry."""

    code = models.CharField("ISO 639-1 code", max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language."""
        return codes.language_name(self.code, self.name)


class Organisation(SluggedModel):
    class Kind(models.TextChoices):
        DUTCH_NGO = "dutch-ngo", _("Dutch NGO")
        SOUTHERN_CSO = "southern-cso", _("Southern civil-society organisation")
        KNOWLEDGE_INSTITUTE = "knowledge-institute", _("Knowledge institute")
        NETWORK = "network", _("Network")
        GOVERNMENT = "government", _("Government")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    website = models.URLField(blank=True)
    is_partos_member = models.BooleanField(_("Partos member"), default=False)
    description = models.TextField(blank=True)
    # Private: never on a public page, in the API or an export.
    questions_email = models.EmailField(
        "address for questions",
        blank=True,
        help_text="Private. Where questions about its products go, if it agreed to receive them.",
    )
    answers_questions = models.BooleanField(
        "receives questions about its products",
        default=False,
        help_text="It agreed that questions asked on its products' pages are sent to it as well.",
    )

    history = History()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_name_unique_per_country")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("pages:organisation-detail", self.slug)

    @property
    def is_southern(self) -> bool:
        return self.kind == self.Kind.SOUTHERN_CSO


class Partnership(SluggedModel):
    """A Strategic Partnership: an alliance of Dutch and Southern organisations within one programme."""

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, blank=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="partnerships")
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_partnerships"
    )
    members = models.ManyToManyField(Organisation, through="Membership", related_name="partnerships")
    themes = models.ManyToManyField(Theme, blank=True, related_name="partnerships")
    countries = models.ManyToManyField(Country, blank=True, related_name="partnerships")
    website = models.URLField(blank=True)
    summary = models.TextField(blank=True)

    history = History(m2m_fields=["themes"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="partnership_name_unique_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.programme.name})" if self.programme_id else self.name

    def get_absolute_url(self):
        return slug_url("pages:partnership-detail", self.slug)


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")
        SOUTHERN_PARTNER = "southern-partner", _("Southern partner")
        TECHNICAL_PARTNER = "technical-partner", _("Technical partner")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["partnership", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="membership_once_per_partnership"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} of {self.partnership}"


class Stakeholder(models.Model):
    """Someone involved in making or using knowledge: inside the partnership or outside it."""

    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EXTERNAL = "external", _("External")

    class Category(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        EMBASSY = "embassy", _("Embassy")
        MULTILATERAL = "multilateral", _("Multilateral organisation")
        DONOR = "donor", _("Donor")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        RESEARCH = "research", _("Research")
        COMMUNITY = "community", _("Community")
        MEDIA = "media", _("Media")
        CIVIL_SOCIETY = "civil-society", _("Civil society")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.EXTERNAL)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholder_roles",
        help_text="The organisation this stakeholder is, when it is one in the inventory.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "scope"], name="stakeholder_name_unique_per_scope")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_scope_display().lower()})"


class TaggedProduct(TaggedItemBase):
    """Tags of products through a plain foreign key: fixtures stay portable and tag queries need no
    content-type join."""

    content_object = models.ForeignKey("KnowledgeProduct", on_delete=models.CASCADE, related_name="tagged")
    # taggit gives its through models a natural key but names no fields for one with a plain foreign key,
    # so `dumpdata --natural-primary` wrote rows that loaddata could not read back. Product and tag say
    # which row it is (see the unique constraint); the tag itself is dumped by its name.
    natural_key_fields = ["content_object_id", "tag_id"]

    class Meta:
        verbose_name = "product tag"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="product_tag_once"),
        ]
        indexes = [
            # Products with a tag, read from the index alone: the tag filter of the API and the CSV export
            # (ProductFilter.filter_tag).
            models.Index(fields=["tag", "content_object"], name="product_tag_reverse"),
        ]

    def __str__(self):
        return f"{self.content_object_id}: {self.tag}"


# The orders products are listed in, by the browse page's `sort` names. Newest first is the default: by year,
# then by publication. The facet index keeps each (search.index), so it must be an order the database gives.
PRODUCT_ORDERS = {
    "newest": (F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), F("pk").desc()),
    "oldest": (F("year").asc(nulls_last=True), F("published_at").asc(), F("pk").asc()),
    "title": (Lower("title"), F("pk").asc()),
}
# The most recently published first: the home page, a partnership's or organisation's page, the feed.
RECENTLY_PUBLISHED = (F("published_at").desc(), F("pk").desc())


class KnowledgeProductQuerySet(models.QuerySet):
    # Relations read in the products' own rows (core.linked_rows), kept as if prefetched once they are read.
    _linked: tuple[InRow, ...] = ()

    def with_linked(self, *links: InRow):
        """The products with these relations read in their rows: no query of their own."""
        clone = self.annotate(**InRow.annotations(self.model, links))
        clone._linked = (*self._linked, *links)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._linked = self._linked
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if not fetched and self._linked and issubclass(self._iterable_class, models.query.ModelIterable):
            InRow.keep_all(self._result_cache, self._linked)

    def published(self):
        """What the public may see. Every public view starts here."""
        return self.filter(status=KnowledgeProduct.Status.PUBLISHED)

    def featured(self):
        return self.filter(featured=True)

    def in_order(self, name: str = "newest"):
        """In one of PRODUCT_ORDERS."""
        return self.order_by(*PRODUCT_ORDERS[name])

    def recently_published(self):
        return self.order_by(*RECENTLY_PUBLISHED)

    def for_cards(self):
        """What a product card (pages.templatetags.records.product_card) shows beside the product's own
        fields: its type, partnerships and countries, read with the products in one query whatever the
        number of cards."""
        return self.select_related("product_type").with_linked(*card_links())

    def awaiting_review(self):
        return self.filter(status=KnowledgeProduct.Status.SUBMITTED)


# Paths under /products/ that are pages, not products.
RESERVED_PRODUCT_SLUGS = frozenset({"nominate"})


class KnowledgeProduct(Workflow):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted (awaiting review)")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # Which status may follow which. A nomination arrives as submitted; curators publish or return it.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.PUBLISHED},
        Status.SUBMITTED: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.ARCHIVED, Status.DRAFT},
        Status.ARCHIVED: {Status.PUBLISHED, Status.DRAFT},
    }
    refusal = "A {stored} product cannot become {status} directly."

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    summary = models.TextField(max_length=600, help_text="One or two sentences shown in lists.")
    description = models.TextField(blank=True)
    why_valuable = models.TextField(
        "why it is valuable",
        blank=True,
        help_text="The lessons in it, and what other organisations can reuse.",
    )
    product_type = models.ForeignKey(
        ProductType, on_delete=models.PROTECT, related_name="products", verbose_name="type"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="products")
    tags = TaggableManager(through=TaggedProduct, blank=True)
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="products")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="products")
    stakeholders = models.ManyToManyField(
        Stakeholder, through="Involvement", blank=True, related_name="products"
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="products")
    languages = models.ManyToManyField(Language, blank=True, related_name="products")
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="The year it was made or published.",
    )
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(upload_to="products/%Y/", blank=True)
    licence = models.CharField(
        max_length=30,
        choices=Licence.choices,
        default=Licence.UNKNOWN,
        help_text="The terms its makers publish it under: what others may do with it.",
    )
    # The first page of the file as a small picture, made by a job (inventory.thumbnails) once the product
    # is published; `thumbnail_of` names the file it was made from, so a new file gets a new picture.
    thumbnail = models.ImageField(upload_to="thumbnails/", blank=True, editable=False)
    thumbnail_of = models.CharField(max_length=255, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(
        default=False, help_text="An organisation named it among its most valuable products."
    )
    nominator_name = models.CharField(max_length=200, blank=True)
    nominator_email = models.EmailField(blank=True)
    nominator_organisation = models.CharField(max_length=200, blank=True)
    nominator_language = models.CharField(
        max_length=10,
        blank=True,
        help_text="The language the nominator used on the site; their mails are in it.",
    )
    note_to_nominator = models.TextField(
        "note to the nominator",
        blank=True,
        help_text="Sent to the nominator with the mail that says the product is published or returned.",
    )
    # The private link of the page where the nominator follows the nomination (/follow/<token>/).
    follow_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # What a nominator typed that curators still have to link to rows of the inventory. Private, like the
    # nominator's details: the public sees only what a curator made of it.
    nominated_partnership = models.CharField(
        "partnership (typed in)", max_length=200, blank=True, help_text="Not in the list when nominated."
    )
    nominated_organisations = models.TextField("organisations (as typed)", max_length=2000, blank=True)
    nominated_stakeholders = models.TextField(
        "stakeholders involved (as typed)",
        max_length=3000,
        blank=True,
        help_text="Turn these into stakeholders with a role below.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeProductQuerySet.as_manager()
    history = History(m2m_fields=["themes", "partnerships", "organisations"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = "knowledge product"
        # Reviewers see nominated products and publish or return them, without editing their content.
        permissions = [("review_knowledgeproduct", "Can review nominated products (publish or return them)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="product_year_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="product_published_has_date",
            ),
        ]
        indexes = [
            # Every public query filters on status and orders by publication: published() + newest first.
            models.Index(fields=["status", "-published_at"], name="product_status_published"),
            # The browse page's default order, newest first, is indexed in migration 0009 by hand: SQLite
            # cannot declare the NULLS LAST the order needs on PostgreSQL.
            # Browse sorted by title (ProductFilter.order, sort=title).
            models.Index(
                Lower("title"), "id", condition=Q(status="published"), name="product_published_title"
            ),
            # Featured products, newest first: the home page's featured list and the browse page's
            # "featured" facet count.
            models.Index(
                models.F("published_at").desc(),
                condition=Q(status="published", featured=True),
                name="product_featured_newest",
            ),
            # The curators' list in its default order (the model's, then the admin's -pk): its first page
            # read from the index, not sorted from the whole table.
            models.Index(fields=["-published_at", "-created_at", "-id"], name="product_admin_order"),
            # The admin's year filter: the first and last year.
            models.Index(fields=["year"], name="product_year"),
            # The admin's search box also finds a nomination by its nominator's address or name, typed whole
            # in any case (iexact): looked up, not read from every product's row.
            models.Index(Upper("nominator_email"), name="product_nominator_email"),
            models.Index(Upper("nominator_name"), name="product_nominator_name"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, reserved=RESERVED_PRODUCT_SLUGS)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("pages:product-detail", self.slug)

    def clean(self):
        if self.slug in RESERVED_PRODUCT_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the address of a page; choose another slug."})
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValidationError({"year": f"Give a year between {FIRST_YEAR} and {LAST_YEAR}."})
        self.clean_status()

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_awaiting_review(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def licence_url(self) -> str:
        return licence_url(self.licence)

    @property
    def licence_reuse(self):
        return licence_reuse(self.licence)


class ProductDocument(models.Model):
    """Another file or link of a product beside its main one: a summary, a translation, an annex."""

    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField(
        max_length=120, blank=True, help_text="What it is, e.g. “Summary” or “Annex: survey data”."
    )
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(upload_to="products/%Y/", blank=True)
    language = models.ForeignKey(Language, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "further file or link"
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="product_document_file_or_link",
            )
        ]

    def __str__(self):
        return self.label or self.url or self.file.name

    def clean(self):
        if bool(self.url) == bool(self.file):
            raise ValidationError("Give either a link or a file, not both.")


class Collection(SluggedModel):
    """A reading list curators put together and introduce: “Start here: civic space”. Only its published
    products are ever shown."""

    slug_source_field = "title"

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    introduction = models.TextField(help_text="Why these products, in this order, and for whom.")
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collections",
        help_text="The theme page it is shown on, if any.",
    )
    is_public = models.BooleanField(
        "shown on the site", default=False, help_text="Leave off while the list is being put together."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    products = models.ManyToManyField(KnowledgeProduct, through="CollectionItem", related_name="collections")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("pages:collection-detail", self.slug)


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="collection_items")
    note = models.CharField(
        max_length=300, blank=True, help_text="Optional: why this one, or what to read in it first."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "product in the collection"
        verbose_name_plural = "products in the collection"
        constraints = [
            models.UniqueConstraint(fields=["collection", "product"], name="collection_item_once"),
        ]

    def __str__(self):
        return f"{self.collection}: {self.product}"


class Involvement(models.Model):
    """How a stakeholder was involved in a product."""

    class Role(models.TextChoices):
        CO_CREATOR = "co-creator", _("Co-creator")
        USER = "user", _("User")
        AUDIENCE = "audience", _("Audience")
        REVIEWER = "reviewer", _("Reviewer")
        FUNDER = "funder", _("Funder")

    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="involvements")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="involvements")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AUDIENCE)

    class Meta:
        ordering = ["stakeholder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "stakeholder", "role"], name="involvement_once_per_role"
            )
        ]

    def __str__(self):
        return f"{self.stakeholder} — {self.get_role_display()}"


class SearchDocument(models.Model):
    """What full-text search reads of a product (PostgreSQL): its weighted vector (title > summary, why
    valuable, tags > description), kept up to date by search.fulltext.

    A row of its own rather than a column of the product: a broad search reads the vector of most products,
    and reading it from a narrow table (GIN-indexed, in migration 0010 on PostgreSQL only) costs half as
    much as reading it from the product rows with all their texts. Derived from the product, so it has no
    history of its own.

    `vector` is what a search matches (every name, every language, the document's words); `head` is what
    ranks the matches: the record's own words in English (title > summary > description), a fraction of
    the vector's size, which a broad search reads for tens of thousands of matches."""

    product = models.OneToOneField(
        KnowledgeProduct, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField()
    head = SearchVectorField(null=True)

    def __str__(self):
        return f"search document of product {self.product_id}"


class LinkCheck(models.Model):
    """The last look at whether a published product's link still opens and its file is still stored
    (inventory.links). A row of its own: a check is no change to the product, in its history or its data
    version. `problem` is empty when both were fine; `broken_since` is when the present problem was first
    seen."""

    product = models.OneToOneField(
        KnowledgeProduct, on_delete=models.CASCADE, primary_key=True, related_name="link_check"
    )
    checked_at = models.DateTimeField()
    url = models.URLField("link checked", max_length=500, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    broken_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["broken_since"], condition=Q(problem__gt=""), name="linkcheck_broken"),
        ]

    def __str__(self):
        return self.problem or "fine"


class DocumentText(models.Model):
    """The text of a product's uploaded file, as the extraction job (inventory.documents) found it, which
    search reads at the lowest weight; or why there is none. Derived from the file, so it has no history."""

    class Problem(models.TextChoices):
        NONE = "", _("None")
        UNSUPPORTED = "unsupported", _("Not a kind of file whose text can be read")
        ENCRYPTED = "encrypted", _("Encrypted: the file asks for a password")
        NO_TEXT = "no-text", _("No text in it (a scan or pictures only?)")
        MALFORMED = "malformed", _("Damaged or not what its name says")
        TOO_BIG = "too-big", _("Unpacks to far more than its size (a zip bomb?)")
        TOO_SLOW = "too-slow", _("Reading it took too long")

    product = models.OneToOneField(
        KnowledgeProduct, on_delete=models.CASCADE, primary_key=True, related_name="document_text"
    )
    file_name = models.CharField(max_length=250, blank=True, help_text="The file the text was read from.")
    text = models.TextField(blank=True)
    truncated = models.BooleanField(default=False, help_text="Only the beginning of a long text is kept.")
    problem = models.CharField(
        "why there is no text", max_length=20, choices=Problem.choices, blank=True, default=Problem.NONE
    )
    detail = models.CharField(max_length=500, blank=True, help_text="What the reader of the file said.")
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product"]
        verbose_name = "document text"

    def __str__(self):
        return f"text of the document of product {self.product_id}"


class Nomination(KnowledgeProduct):
    """The curators' queue: products nominated through the public form, awaiting review."""

    class Meta:
        proxy = True
        ordering = ["created_at"]  # First come, first reviewed.
        verbose_name = "nomination"

    def __str__(self):
        return self.title


@functools.cache
def card_links() -> tuple[InRow, ...]:
    """A product card's partnerships (by name) and countries, read in the product's row."""
    return (
        InRow(
            "partnerships",
            Partnership.objects.filter(products=models.OuterRef("pk")).order_by("name"),
            skip=frozenset({"summary", "website", "lead_organisation"}),
        ),
        InRow("countries", Country.objects.filter(products=models.OuterRef("pk")).order_by("name")),
    )
