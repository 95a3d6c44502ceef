"""What the API says about each thing: the fields the public pages show, and nothing else.

Every serializer names its fields one by one (never `__all__`), so a field added to a model stays private
until someone decides to publish it here. Nominators, contact details, statuses and curator notes are never
listed.
"""

from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.site import absolute
from inventory.licences import Licence
from inventory.models import (
    Collection,
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
from needs.models import LearningActivity, LearningFormat


@extend_schema_field(OpenApiTypes.URI)
class WebPageField(serializers.Field):
    """The absolute address of the thing's public page."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(value.get_absolute_url())


class OptionalURLField(serializers.URLField):
    """A link that may be missing: null rather than an empty string, which is no URI."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


def api_url(view_name: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=f"api:{view_name}", lookup_field="slug")


# Small references to related things, nested in the main records ----------------------------------------


class ThemeReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class ProductTypeReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductType
        fields = ["slug", "name"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["slug", "name", "start_year", "end_year"]


class PartnershipReferenceSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)

    class Meta:
        model = Partnership
        fields = ["slug", "name", "acronym", "programme"]


class OrganisationReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name"]


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "region"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class InvolvementSerializer(serializers.ModelSerializer):
    """A stakeholder and the role it had, as the product page lists them."""

    name = serializers.CharField(source="stakeholder.name", read_only=True)
    scope = serializers.ChoiceField(
        source="stakeholder.scope", choices=Stakeholder.Scope.choices, read_only=True
    )
    category = serializers.ChoiceField(
        source="stakeholder.category", choices=Stakeholder.Category.choices, read_only=True
    )

    class Meta:
        model = Involvement
        fields = ["name", "scope", "category", "role"]


# The main records ------------------------------------------------------------------------------------


class LicenceSerializer(serializers.Serializer):
    """A product's licence: its code in the curated list, its name and its deed (null when it has none)."""

    code = serializers.ChoiceField(source="licence", choices=Licence.choices, read_only=True)
    name = serializers.CharField(source="get_licence_display", read_only=True)
    url = OptionalURLField(source="licence_url", help_text="The licence's deed; null for none.")


class ProductSerializer(serializers.ModelSerializer):
    url = api_url("product-detail")
    web_url = WebPageField()
    type = ProductTypeReferenceSerializer(source="product_type", read_only=True)
    # The relations come from the lists opendata.querysets.products() prefetches.
    themes = ThemeReferenceSerializer(source="theme_list", many=True, read_only=True)
    tags = serializers.SerializerMethodField()
    partnerships = PartnershipReferenceSerializer(source="partnership_list", many=True, read_only=True)
    organisations = OrganisationReferenceSerializer(source="organisation_list", many=True, read_only=True)
    stakeholders = InvolvementSerializer(source="involvement_list", many=True, read_only=True)
    countries = CountrySerializer(source="country_list", many=True, read_only=True)
    languages = LanguageSerializer(source="language_list", many=True, read_only=True)
    link = OptionalURLField(source="url", help_text="Where the product itself is, on another site.")
    download_url = serializers.SerializerMethodField(help_text="The uploaded file, when there is one.")
    licence = LicenceSerializer(
        source="*", read_only=True, help_text="The terms the product is published under."
    )

    class Meta:
        model = KnowledgeProduct
        fields = [
            "url",
            "web_url",
            "slug",
            "title",
            "summary",
            "description",
            "why_valuable",
            "type",
            "themes",
            "tags",
            "partnerships",
            "organisations",
            "stakeholders",
            "countries",
            "languages",
            "year",
            "link",
            "download_url",
            "licence",
            "featured",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_tags(self, product) -> list[str]:
        return sorted(tagged.tag.name for tagged in product.tagged_list)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, product) -> str | None:
        if not product.file:
            return None
        return reverse("inventory:product-download", args=[product.slug], request=self.context.get("request"))


class MemberSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="organisation.slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["slug", "name", "role"]


class PartnershipSerializer(serializers.ModelSerializer):
    url = api_url("partnership-detail")
    web_url = WebPageField()
    programme = ProgrammeSerializer(read_only=True)
    lead_organisation = OrganisationReferenceSerializer(read_only=True, allow_null=True)
    members = MemberSerializer(source="memberships", many=True, read_only=True)
    themes = ThemeReferenceSerializer(many=True, read_only=True)
    countries = CountrySerializer(many=True, read_only=True)
    products = serializers.SerializerMethodField(help_text="Its published products.")
    website = OptionalURLField()
    product_count = serializers.IntegerField(read_only=True, help_text="Its published products.")

    class Meta:
        model = Partnership
        fields = [
            "url",
            "web_url",
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
            "products",
            "product_count",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_products(self, partnership) -> str:
        return _products_link(self.context.get("request"), partnership=partnership.slug)


class OrganisationSerializer(serializers.ModelSerializer):
    url = api_url("organisation-detail")
    web_url = WebPageField()
    country = CountrySerializer(read_only=True, allow_null=True)
    products = serializers.SerializerMethodField(help_text="Its published products.")
    website = OptionalURLField()
    product_count = serializers.IntegerField(read_only=True, help_text="Its published products.")

    class Meta:
        model = Organisation
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "kind",
            "country",
            "website",
            "is_partos_member",
            "description",
            "products",
            "product_count",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_products(self, organisation) -> str:
        return _products_link(self.context.get("request"), organisation=organisation.slug)


NAMES_HELP = (
    "The name in every language of the site, English where curators gave no translation: "
    '{"en": …, "nl": …}. `name` is the English one.'
)
NAMES_SCHEMA = {"type": "object", "additionalProperties": {"type": "string"}}


@extend_schema_field(NAMES_SCHEMA)
class NamesField(serializers.Field):
    """A curated row's name in each language (core.translations)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, help_text=NAMES_HELP, **kwargs)

    def to_representation(self, row) -> dict[str, str]:
        return row.names()


class ThemeSerializer(serializers.ModelSerializer):
    url = api_url("theme-detail")
    names = NamesField()
    parent = ThemeReferenceSerializer(read_only=True, allow_null=True)
    products = serializers.SerializerMethodField(help_text="Its published products, sub-themes included.")
    product_count = serializers.IntegerField(read_only=True, help_text="Published products filed under it.")

    class Meta:
        model = Theme
        fields = [
            "url",
            "slug",
            "name",
            "names",
            "parent",
            "description",
            "position",
            "products",
            "product_count",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_products(self, theme) -> str:
        return _products_link(self.context.get("request"), theme=theme.slug)


class ProductTypeSerializer(serializers.ModelSerializer):
    url = api_url("product-type-detail")
    names = NamesField()
    products = serializers.SerializerMethodField(help_text="Its published products.")
    product_count = serializers.IntegerField(read_only=True, help_text="Its published products.")

    class Meta:
        model = ProductType
        fields = ["url", "slug", "name", "names", "description", "position", "products", "product_count"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_products(self, product_type) -> str:
        return _products_link(self.context.get("request"), type=product_type.slug)


class ProductReferenceSerializer(serializers.ModelSerializer):
    url = api_url("product-detail")

    class Meta:
        model = KnowledgeProduct
        fields = ["url", "slug", "title"]


class LearningFormatSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningFormat
        fields = ["slug", "name"]


class ActivitySerializer(serializers.ModelSerializer):
    """A public learning activity. The needs it answers are private and not part of it."""

    url = api_url("activity-detail")
    web_url = WebPageField()
    format = LearningFormatSerializer(source="learning_format", read_only=True)
    themes = ThemeReferenceSerializer(source="theme_list", many=True, read_only=True)
    organisations = OrganisationReferenceSerializer(source="organisation_list", many=True, read_only=True)
    products = ProductReferenceSerializer(
        source="product_list", many=True, read_only=True, help_text="The published products it builds on."
    )
    registration_link = OptionalURLField(source="registration_url")
    calendar_url = serializers.SerializerMethodField(help_text="The activity as an iCalendar file.")

    class Meta:
        model = LearningActivity
        fields = [
            "url",
            "web_url",
            "slug",
            "title",
            "summary",
            "description",
            "format",
            "themes",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "is_online",
            "location",
            "registration_link",
            "status",
            "open_to",
            "organisations",
            "products",
            "calendar_url",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_url(self, activity) -> str:
        return reverse("pages:activity-ics", args=[activity.slug], request=self.context.get("request"))


class CollectionSerializer(serializers.ModelSerializer):
    """A curated reading list: its published products only, in the curators' order."""

    url = api_url("collection-detail")
    web_url = WebPageField()
    theme = ThemeReferenceSerializer(read_only=True, allow_null=True)
    products = ProductReferenceSerializer(
        source="product_list", many=True, read_only=True, help_text="Its published products, in order."
    )

    class Meta:
        model = Collection
        fields = ["url", "web_url", "slug", "title", "introduction", "theme", "products", "updated_at"]
        read_only_fields = fields


def _products_link(request, **params) -> str:
    """The API's list of the published products with these filters."""
    return f"{reverse('api:product-list', request=request)}?{urlencode(params)}"
