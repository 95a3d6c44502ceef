"""The browse page's parameters, one row each. The FilterSet (search.filters), the facet index (search.index)
and the facets (search.facets) are all read from this table: a new filter is a new row, and a test.

A parameter whose values name rows (`model`, by `key`: a slug or a code) or fixed choices (`choices`) is
reached from a product through `relation`: a link table (a many-to-many field of the product, or the
stakeholder involvements) or the product's own foreign key. With `via`, a field of the linked row is the
value: a partnership's programme, an organisation's kind, a country's region. The other kinds are the
search (`q`), the year range, the "featured" flag and the order (`sort`).

A repeated parameter (`?theme=a&theme=b`) matches products having any of its values; different parameters
must all hold. `page` is not a filter: each view's paginator reads it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from inventory import codes
from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Region,
    Stakeholder,
    TaggedProduct,
    Theme,
)

# What a parameter is, and so how the FilterSet, the index and the facets treat it.
Kind = Literal["rows", "choices", "search", "year_min", "year_max", "flag", "sort"]
# How its facet lists the values: in the rows' own order, the largest first, in the choices' order, or
# as the theme tree (core themes with their sub-themes). None: the parameter has no facet of its own.
Listing = Literal["fixed", "by_size", "choices", "tree"] | None


@dataclass(frozen=True)
class Relation:
    """How a product reaches linked rows: a link table, its column naming the row and its column naming the
    product; or (`table` None) the product's own foreign key `column`."""

    table: type[models.Model] | None
    column: str
    product_column: str = ""


RELATIONS = {
    "themes": Relation(KnowledgeProduct.themes.through, "theme", "knowledgeproduct"),
    "partnerships": Relation(KnowledgeProduct.partnerships.through, "partnership", "knowledgeproduct"),
    "organisations": Relation(KnowledgeProduct.organisations.through, "organisation", "knowledgeproduct"),
    "countries": Relation(KnowledgeProduct.countries.through, "country", "knowledgeproduct"),
    "languages": Relation(KnowledgeProduct.languages.through, "language", "knowledgeproduct"),
    "tags": Relation(TaggedProduct, "tag", "content_object"),
    "stakeholders": Relation(Involvement, "stakeholder", "product"),
    "type": Relation(None, "product_type"),
}


@dataclass(frozen=True)
class Param:
    name: str  # in the URL
    label: str | Promise
    kind: Kind = "rows"
    model: type[models.Model] | None = None  # the rows a value names (kind "rows")
    # The rows the public may name, when not all of them (default: every row of `model`).
    public_rows: Callable[[], models.QuerySet] | None = None
    key: str = "slug"  # the field of the row that names it in the URL
    normalise: Callable[[str], str] | None = None  # codes are matched whatever their case
    unknown: str | Promise = ""  # the message for a value that names nothing
    choices: type[models.TextChoices] | None = None  # the values (kind "choices")
    relation: str = ""  # in RELATIONS
    via: str = ""  # the field of the linked row that is the value
    listing: Listing = None
    # The name a facet shows for a row, when not its own (countries and languages in the page's language).
    local_name: Callable[[str, str], str] | None = None

    @property
    def linked_model(self) -> type[models.Model]:
        """The model of the rows the relation reaches (with `via`, the rows whose field is the value)."""
        relation = RELATIONS[self.relation]
        if relation.table is None:
            return KnowledgeProduct._meta.get_field(relation.column).related_model
        return relation.table._meta.get_field(relation.column).related_model


PARAMS: list[Param] = [
    Param("q", _("Search"), kind="search"),
    Param(
        "theme",
        _("Theme"),
        model=Theme,
        relation="themes",
        listing="tree",
        unknown=_("There is no theme “%(value)s”."),
    ),
    Param(
        "type",
        _("Type"),
        model=ProductType,
        relation="type",
        listing="fixed",
        unknown=_("There is no product type “%(value)s”."),
    ),
    Param(
        "programme",
        _("Programme"),
        model=Programme,
        relation="partnerships",
        via="programme",
        listing="fixed",
        unknown=_("There is no programme “%(value)s”."),
    ),
    Param(
        "partnership",
        _("Partnership"),
        model=Partnership,
        relation="partnerships",
        listing="by_size",
        unknown=_("There is no partnership “%(value)s”."),
    ),
    Param(
        "organisation",
        _("Organisation"),
        model=Organisation,
        relation="organisations",
        listing="by_size",
        unknown=_("There is no organisation “%(value)s”."),
    ),
    Param(
        "org_kind",
        _("Kind of organisation"),
        kind="choices",
        choices=Organisation.Kind,
        relation="organisations",
        via="kind",
        listing="choices",
    ),
    Param(
        "region",
        _("Region"),
        kind="choices",
        choices=Region,
        relation="countries",
        via="region",
        listing="choices",
    ),
    Param(
        "country",
        _("Country"),
        model=Country,
        key="code",
        normalise=str.upper,
        relation="countries",
        listing="by_size",
        unknown=_("There is no country with the code “%(value)s”."),
        local_name=lambda code, name: codes.country_name(name),
    ),
    Param(
        "language",
        _("Language"),
        model=Language,
        key="code",
        normalise=str.lower,
        relation="languages",
        listing="by_size",
        unknown=_("There is no language with the code “%(value)s”."),
        local_name=codes.language_name,
    ),
    Param(
        "tag",
        _("Tag"),
        model=Tag,
        # A tag that only drafts carry is unknown to the public: naming it must not reveal that it exists.
        public_rows=lambda: Tag.objects.filter(
            pk__in=TaggedProduct.objects.filter(
                content_object__in=KnowledgeProduct.objects.published()
            ).values("tag")
        ),
        relation="tags",
        listing="by_size",
        unknown=_("There is no tag “%(value)s”."),
    ),
    Param(
        "stakeholder_category",
        _("Stakeholders involved"),
        kind="choices",
        choices=Stakeholder.Category,
        relation="stakeholders",
        via="category",
        listing="choices",
    ),
    Param("year_min", _("From year"), kind="year_min"),
    Param("year_max", _("To year"), kind="year_max"),
    Param("featured", _("Featured only"), kind="flag"),
    Param("sort", _("Sort"), kind="sort"),
]
BY_NAME = {param.name: param for param in PARAMS}
# The parameters whose values are sets of products in the facet index: rows and choices.
LINKED = [param for param in PARAMS if param.kind in ("rows", "choices")]
