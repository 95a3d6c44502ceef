"""The inventory's spreadsheets: products, organisations, partnerships and stakeholders, to import and export.

Nominators' names and e-mail addresses are private and stay out of every sheet.
"""

import re

from django.db.models import Prefetch
from django.utils import timezone
from taggit.models import Tag

from core.spreadsheets import (
    SEPARATOR,
    ChoiceWidget,
    KeepWhenBlankTextWidget,
    LinkWidget,
    Lookup,
    RelatedSetWidget,
    RelatedWidget,
    SheetResource,
    TagsWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    column,
    normalise,
    relation,
    split_cell,
    tidy,
)
from inventory.codes import country_aliases
from inventory.licences import Licence
from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Membership,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    Theme,
)


def themes() -> Lookup:
    return Lookup(Theme, noun="theme")


def product_types() -> Lookup:
    return Lookup(ProductType, noun="product type")


def programmes() -> Lookup:
    return Lookup(Programme, noun="programme")


def countries() -> Lookup:
    return Lookup(
        Country,
        keys=("code", "name", lambda country: country_aliases(country.code)),
        noun="country",
        fallback_label="code",
    )


def languages() -> Lookup:
    return Lookup(Language, keys=("code", "name"), noun="language", fallback_label="code")


def organisations() -> Lookup:
    return Lookup(Organisation, noun="organisation")


def partnerships() -> Lookup:
    return Lookup(Partnership, keys=("name", "acronym", "slug"), noun="partnership")


# "Radio Kaya (co-creator)", "Land Commission (external) (reviewer)": a stakeholder and, last, its role.
ROLE_AT_END = re.compile(r"(?P<who>.+?)\s*\((?P<role>[^()]+)\)")


class InvolvementsWidget(RelatedSetWidget):
    """The stakeholders involved in a product, each with its role: "Ministry of Finance (audience); Radio
    Kaya (co-creator)". A name two stakeholders share (one internal, one external) is written with the scope,
    as the admin shows it: "Land Commission (external) (reviewer)". Without a role, audience. The
    stakeholders must exist: curators add them in the admin, where their scope and category are asked."""

    def __init__(self, **kwargs):
        keys = ("name", lambda stakeholder: [str(stakeholder)])
        super().__init__(Lookup(Stakeholder, keys=keys, noun="stakeholder"), **kwargs)
        self.roles = ChoiceWidget(Involvement.Role, "role")

    def clean(self, value, row=None, **kwargs) -> list[tuple[Stakeholder, str]]:
        found, problems = {}, []
        for entry in split_cell(value):
            try:
                stakeholder, role = self._involvement(entry)
            except ValueError as error:
                problems.append(str(error))
            else:
                found.setdefault((stakeholder.pk, role), (stakeholder, role))
        if problems:
            raise ValueError("; ".join(problems))
        return list(found.values())

    def _involvement(self, entry: str) -> tuple[Stakeholder, str]:
        match = ROLE_AT_END.fullmatch(entry)
        if match:
            try:
                role = self.roles.clean(match["role"])
            except ValueError:
                pass  # "(external)": the scope, part of how the stakeholder is named
            else:
                return self.lookup.find(match["who"]), role
        try:
            return self.lookup.find(entry), Involvement.Role.AUDIENCE
        except ValueError:
            if not match:
                raise
            roles = ", ".join(Involvement.Role.values)
            raise ValueError(f"unknown stakeholder or role in “{entry}” (roles: {roles})") from None

    def render(self, value, obj=None, **kwargs):
        return self.render_cleaned(self.stored(value)) if value is not None else ""

    def render_cleaned(self, cleaned: list[tuple[Stakeholder, str]]) -> str:
        return SEPARATOR.join(f"{self._label(stakeholder)} ({role})" for stakeholder, role in cleaned)

    def _label(self, stakeholder: Stakeholder) -> str:
        found = self.lookup.index.get(normalise(stakeholder.name))
        return stakeholder.name if getattr(found, "pk", None) == stakeholder.pk else str(stakeholder)

    def stored(self, manager) -> list[tuple[Stakeholder, str]]:
        # The product's involvements (prefetched, without their stakeholders: import-export deep-copies each
        # record it updates, prefetched rows included), the stakeholders from the table the lookup reads once.
        by_pk = self._stakeholders_by_pk()
        return [(by_pk[i.stakeholder_id], i.role) for i in manager.instance.involvements.all()]

    def _stakeholders_by_pk(self) -> dict[int, Stakeholder]:
        index = self.lookup.index
        if getattr(self, "_by_pk_of", None) is not index:
            self._by_pk = {s.pk: s for s in index.values() if isinstance(s, Stakeholder)}
            # a name two stakeholders share is in the index as AMBIGUOUS: their "name (scope)" keys are not
            self._by_pk_of = index
        return self._by_pk

    def same(self, cleaned: list, stored: list) -> bool:
        return {(s.pk, role) for s, role in cleaned} == {(s.pk, role) for s, role in stored}

    def write(self, manager, cleaned: list[tuple[Stakeholder, str]]) -> None:
        product = manager.instance
        Involvement.objects.filter(product=product).delete()
        Involvement.objects.bulk_create(self.through_rows(None, product, cleaned))

    def through_rows(self, model_field, instance, cleaned: list) -> list[Involvement]:
        return [Involvement(product_id=instance.pk, stakeholder=s, role=role) for s, role in cleaned]


class MembersWidget(RelatedSetWidget):
    """A partnership's member organisations, each with its role: "Delta Rights (lead); Nyota Rights
    Collective (southern partner)". Without a role, member."""

    def __init__(self, **kwargs):
        super().__init__(organisations(), **kwargs)
        self.roles = ChoiceWidget(Membership.Role, "role")

    def clean(self, value, row=None, **kwargs) -> list[tuple[Organisation, str]]:
        found, problems = {}, []
        for entry in split_cell(value):
            try:
                organisation, role = self._member(entry)
            except ValueError as error:
                problems.append(str(error))
            else:
                found.setdefault(organisation.pk, (organisation, role))
        if problems:
            raise ValueError("; ".join(problems))
        return list(found.values())

    def _member(self, entry: str) -> tuple[Organisation, str]:
        match = ROLE_AT_END.fullmatch(entry)
        if match:
            try:
                return self.lookup.find(match["who"]), self.roles.clean(match["role"])
            except ValueError:
                pass  # a name with brackets of its own: "Women's Fund (Uganda)"
        return self.lookup.find(entry), Membership.Role.MEMBER

    def render(self, value, obj=None, **kwargs):
        return self.render_cleaned(self.stored(value)) if value is not None else ""

    def render_cleaned(self, cleaned: list[tuple[Organisation, str]]) -> str:
        return SEPARATOR.join(
            f"{self.lookup.label_of(organisation)} ({Membership.Role(role).label.lower()})"
            for organisation, role in cleaned
        )

    def stored(self, manager) -> list[tuple[Organisation, str]]:
        partnership = manager.instance
        return [(m.organisation, m.role) for m in partnership.memberships.all()]

    def same(self, cleaned: list, stored: list) -> bool:
        return {(o.pk, role) for o, role in cleaned} == {(o.pk, role) for o, role in stored}

    def write(self, manager, cleaned: list[tuple[Organisation, str]]) -> None:
        partnership = manager.instance
        Membership.objects.filter(partnership=partnership).delete()
        Membership.objects.bulk_create(self.through_rows(None, partnership, cleaned))

    def through_rows(self, model_field, instance, cleaned: list) -> list[Membership]:
        return [Membership(partnership_id=instance.pk, organisation=o, role=role) for o, role in cleaned]


def _first(model, label="name", count=1) -> str:
    """Names of real rows for a template's example, so the example imports as it is."""
    return SEPARATOR.join(str(getattr(obj, label)) for obj in model.objects.all()[:count])


class ProductResource(SheetResource):
    slug = column("slug", KeepWhenBlankTextWidget(), keep_when_blank=True)
    title = column("title", TextWidget())
    product_type = column("type", RelatedWidget(product_types()), attribute="product_type")
    summary = column("summary", TextWidget())
    description = column("description", TextWidget())
    why_valuable = column("why_valuable", TextWidget())
    themes = relation("themes", RelatedSetWidget(themes()))
    tags = relation("tags", TagsWidget(Lookup(Tag, keys=("name",), noun="tag")))
    partnerships = relation("partnerships", RelatedSetWidget(partnerships()))
    organisations = relation("organisations", RelatedSetWidget(organisations()))
    countries = relation("countries", RelatedSetWidget(countries()))
    languages = relation("languages", RelatedSetWidget(languages()))
    stakeholders = relation("stakeholders", InvolvementsWidget())
    year = column("year", WholeNumberWidget())
    url = column("url", LinkWidget())
    licence = column("licence", ChoiceWidget(Licence, "licence"), keep_when_blank=True)
    status = column("status", ChoiceWidget(KnowledgeProduct.Status, "status"), keep_when_blank=True)
    featured = column("featured", YesNoWidget(), keep_when_blank=True)

    natural_key_description = "title"

    class Meta(SheetResource.Meta):
        model = KnowledgeProduct
        name = "Knowledge products"
        fields = [
            "slug",
            "title",
            "product_type",
            "summary",
            "description",
            "why_valuable",
            "themes",
            "tags",
            "partnerships",
            "organisations",
            "countries",
            "languages",
            "stakeholders",
            "year",
            "url",
            "licence",
            "status",
            "featured",
        ]
        import_order = export_order = fields

    def get_queryset(self):
        return KnowledgeProduct.objects.select_related("product_type").prefetch_related(
            "themes",
            "partnerships",
            "organisations",
            "countries",
            "languages",
            "tags",
            Prefetch("involvements", Involvement.objects.only("product_id", "stakeholder_id", "role")),
        )

    def natural_key_of(self, obj) -> tuple:
        return (normalise(obj.title),)

    def natural_key_of_row(self, row) -> tuple | None:
        title = tidy(row.get("title") or "")
        return (normalise(title),) if title else None

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # A product imported as published needs its publication date before it is validated.
            if instance.status == KnowledgeProduct.Status.PUBLISHED and instance.published_at is None:
                instance.published_at = timezone.now()

    def example_row(self) -> dict:
        return {
            "title": "Budget tracking toolkit (example: replace this row)",
            "type": _first(ProductType) or "Toolkit",
            "summary": "How women's groups followed the district budget, step by step.",
            "description": "",
            "why_valuable": "Score cards any community group can reuse.",
            "themes": _first(Theme, count=2),
            "tags": "budget monitoring; gender",
            "partnerships": _first(Partnership),
            "organisations": _first(Organisation, count=2),
            "countries": "UG; KE",
            "languages": "en; fr",
            "stakeholders": f"{_first(Stakeholder)} (audience)" if Stakeholder.objects.exists() else "",
            "year": 2019,
            "url": "https://example.org/budget-tracking-toolkit",
            "status": KnowledgeProduct.Status.DRAFT,
            "featured": "no",
        }


class OrganisationResource(SheetResource):
    slug = column("slug", KeepWhenBlankTextWidget(), keep_when_blank=True)
    name = column("name", TextWidget())
    kind = column("kind", ChoiceWidget(Organisation.Kind, "kind of organisation"), keep_when_blank=True)
    country = column("country", RelatedWidget(countries()))
    website = column("website", LinkWidget())
    is_partos_member = column(
        "partos_member", YesNoWidget(), attribute="is_partos_member", keep_when_blank=True
    )
    description = column("description", TextWidget())

    natural_key_description = "name and country"

    class Meta(SheetResource.Meta):
        model = Organisation
        name = "Organisations"
        fields = ["slug", "name", "kind", "country", "website", "is_partos_member", "description"]
        import_order = export_order = fields

    def get_queryset(self):
        return Organisation.objects.select_related("country")

    def natural_key_of(self, obj) -> tuple:
        return (normalise(obj.name), obj.country_id or "")

    def natural_key_of_row(self, row) -> tuple | None:
        name = tidy(row.get("name") or "")
        if not name:
            return None
        try:
            country = self.fields["country"].clean(row) if "country" in row else None
        except ValueError:
            return None  # The row fails on its country anyway.
        return (normalise(name), country.pk if country else "")

    def example_row(self) -> dict:
        return {
            "name": "Voices of the Valley (example: replace this row)",
            "kind": Organisation.Kind.SOUTHERN_CSO,
            "country": "UG",
            "website": "https://example.org",
            "partos_member": "no",
            "description": "A women's rights organisation in the Rwenzori region.",
        }


class PartnershipResource(SheetResource):
    slug = column("slug", KeepWhenBlankTextWidget(), keep_when_blank=True)
    name = column("name", TextWidget())
    acronym = column("acronym", TextWidget())
    programme = column("programme", RelatedWidget(programmes()))
    lead_organisation = column("lead_organisation", RelatedWidget(organisations()))
    members = relation("members", MembersWidget())
    themes = relation("themes", RelatedSetWidget(themes()))
    countries = relation("countries", RelatedSetWidget(countries()))
    website = column("website", LinkWidget())
    summary = column("summary", TextWidget())

    natural_key_description = "name in this programme"

    class Meta(SheetResource.Meta):
        model = Partnership
        name = "Partnerships"
        fields = [
            "slug",
            "name",
            "acronym",
            "programme",
            "lead_organisation",
            "members",
            "themes",
            "countries",
            "website",
            "summary",
        ]
        import_order = export_order = fields

    def get_queryset(self):
        return Partnership.objects.select_related("programme", "lead_organisation").prefetch_related(
            "memberships__organisation", "themes", "countries"
        )

    def natural_key_of(self, obj) -> tuple:
        return (obj.programme_id, normalise(obj.name))

    def natural_key_of_row(self, row) -> tuple | None:
        name = tidy(row.get("name") or "")
        try:
            programme = self.fields["programme"].clean(row) if "programme" in row else None
        except ValueError:
            return None
        return (programme.pk, normalise(name)) if name and programme else None

    def example_row(self) -> dict:
        return {
            "name": "Count Me In! (example: replace this row)",
            "acronym": "CMI",
            "programme": _first(Programme),
            "lead_organisation": _first(Organisation),
            "members": f"{_first(Organisation)} (lead)" if Organisation.objects.exists() else "",
            "themes": _first(Theme, count=2),
            "countries": "UG; KE; NP",
            "website": "https://example.org",
            "summary": "A consortium of feminist organisations.",
        }


class StakeholderResource(SheetResource):
    """Who was involved in making or using products, inside a partnership or outside it: products name them
    in their "stakeholders" column."""

    name = column("name", TextWidget())
    scope = column("scope", ChoiceWidget(Stakeholder.Scope, "scope"), keep_when_blank=True)
    category = column("category", ChoiceWidget(Stakeholder.Category, "category"), keep_when_blank=True)
    organisation = column("organisation", RelatedWidget(organisations()))

    natural_key_description = "name and scope"
    key_field = None

    class Meta(SheetResource.Meta):
        model = Stakeholder
        name = "Stakeholders"
        fields = ["name", "scope", "category", "organisation"]
        import_order = export_order = fields

    def get_queryset(self):
        return Stakeholder.objects.select_related("organisation")

    def natural_key_of(self, obj) -> tuple:
        return (normalise(obj.name), obj.scope)

    def natural_key_of_row(self, row) -> tuple | None:
        name = tidy(row.get("name") or "")
        if not name:
            return None
        try:
            scope = self.fields["scope"].widget.clean(row.get("scope")) or Stakeholder.Scope.EXTERNAL
        except ValueError:
            return None  # The row fails on its scope anyway.
        return (normalise(name), scope)

    def example_row(self) -> dict:
        return {
            "name": "District council of Gulu (example: replace this row)",
            "scope": Stakeholder.Scope.EXTERNAL,
            "category": Stakeholder.Category.GOVERNMENT,
            "organisation": "",
        }
