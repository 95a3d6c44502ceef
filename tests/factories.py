import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

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
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_year = 2016
    end_year = 2020


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductType
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Type {n}")


def country(code: str) -> Country:
    """Countries come from the data migration; tests pick them by code."""
    return Country.objects.get(code=code)


def language(code: str) -> Language:
    return Language.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.DUTCH_NGO
    country = factory.LazyFunction(lambda: country("NL"))


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    programme = factory.SubFactory(ProgrammeFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    scope = Stakeholder.Scope.EXTERNAL
    category = Stakeholder.Category.GOVERNMENT


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeProduct
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Knowledge product {n}")
    summary = "What a partnership learned, in two sentences."
    product_type = factory.SubFactory(ProductTypeFactory)
    year = 2019
    status = KnowledgeProduct.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def partnerships(self, create, extracted, **kwargs):
        if create and extracted:
            self.partnerships.set(extracted)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        """Countries by ISO code: countries=["KE", "UG"]."""
        if create and extracted:
            self.countries.set([country(code) for code in extracted])

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        """Languages by ISO code: languages=["en", "fr"]."""
        if create and extracted:
            self.languages.set([language(code) for code in extracted])


def complete_product(**kwargs) -> KnowledgeProduct:
    """A product with everything publishing asks for (inventory.completeness): a link, an organisation, a
    theme, a country and a language besides the factory's type and year. Draft unless told otherwise."""
    values = {
        "status": KnowledgeProduct.Status.DRAFT,
        "published_at": None,
        "url": "https://example.org/product",
        "organisations": [OrganisationFactory()],
        "themes": [ThemeFactory()],
        "countries": ["KE"],
        "languages": ["en"],
    }
    return ProductFactory(**{**values, **kwargs})


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    product = factory.SubFactory(ProductFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


def curator(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Curators"))
    user.save()
    return user


class KnowledgeNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeNeed
        skip_postgeneration_save = True

    partnership_name = "Open Budgets Coalition"
    organisation_name = factory.Sequence(lambda n: f"Community forum {n}")
    contact_name = "Amina Okello"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    title = factory.Sequence(lambda n: f"Knowledge need {n}")
    description = "What we still need to learn, in our own words."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def learning_formats(self, create, extracted, **kwargs):
        if create and extracted:
            self.learning_formats.set(extracted)

    @factory.post_generation
    def matched_products(self, create, extracted, **kwargs):
        if create and extracted:
            self.matched_products.set(extracted)


def learning_format(slug: str) -> LearningFormat:
    """Learning formats come from the data migration; tests pick them by slug."""
    return LearningFormat.objects.get(slug=slug)


def reviewer(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


class LearningActivityFactory(factory.django.DjangoModelFactory):
    """A public activity a month from now, online, in the first learning format."""

    class Meta:
        model = LearningActivity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Learning activity {n}")
    summary = "What participants learn, in two sentences."
    learning_format = factory.LazyFunction(lambda: LearningFormat.objects.first())
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    is_online = True
    status = LearningActivity.Status.OPEN

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)
