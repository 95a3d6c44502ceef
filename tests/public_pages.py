"""Every public page, as the accessibility, validity, phone and language checks walk them.

The pages are drawn from the demo data (tests/browser and tests/knowledgemap/test_valid_html.py load it),
so they look as they will with a full map: many products, facets with counts, partnerships with members.
A page added to the site belongs in `public_pages()`: the checks then cover it in both languages.
"""

from dataclasses import dataclass
from io import StringIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from core import submissions
from core.submissions import thanks_token
from inventory.models import (
    Collection,
    CollectionItem,
    KnowledgeProduct,
    Organisation,
    Partnership,
    ProductType,
    Theme,
)
from inventory.nominations import NOMINATION_THANKS_SALT
from knowledgemap import views
from knowledgemap.errors import database_unavailable
from needs.models import KnowledgeNeed, LearningActivity
from needs.views import THANKS_SALT as NEED_THANKS_SALT

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str  # in English; other languages put their prefix before it
    # A form page shown after sending it empty: the checks see its error messages.
    sent_empty: bool = False
    status: int = 200
    # A page with one address for every language (the API's documentation) is checked in English only.
    translated: bool = True

    @property
    def languages(self) -> list[str]:
        return LANGUAGES if self.translated else [settings.LANGUAGE_CODE]

    def path_in(self, language: str) -> str:
        return self.path if language == settings.LANGUAGE_CODE else f"/{language}{self.path}"


def load_demo_data() -> None:
    """The reference data, the demo data through the spreadsheet import, and search vectors (a test's
    transaction never commits, and the search documents follow commits)."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "reference.json", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    call_command("update_search_vectors", verbosity=0)


def error_pages(language: str) -> dict[str, bytes]:
    """The error pages that no plain request reaches: shown when something fails."""
    prefix = "" if language == "en" else f"/{language}"
    request = RequestFactory().get(f"{prefix}/products/")
    with translation.override(language):
        return {
            "400 bad request": defaults.bad_request(request, SuspiciousOperation()).content,
            "403 forbidden": defaults.permission_denied(request, PermissionDenied()).content,
            "403 form expired": views.csrf_failure(request).content,
            "429 too many submissions": submissions.too_many_requests(request, 60, submission=True).content,
            "429 too many requests": submissions.too_many_requests(request, 60).content,
            "500 server error": views.server_error(request).content,
            "503 unavailable": database_unavailable().content,
        }


def _collection(theme, published) -> Collection:
    """A collection of the theme's products, as curators make them (the demo data has none)."""
    collection, _created = Collection.objects.get_or_create(
        slug="start-here",
        defaults={
            "title": "Five tools for budget work",
            "introduction": "Tools partnerships used to track budgets, easiest first.",
            "theme": theme,
            "is_public": True,
        },
    )
    for position, product in enumerate(published.filter(themes__in=[theme, *theme.children.all()])[:4]):
        CollectionItem.objects.get_or_create(
            collection=collection,
            product=product,
            defaults={"position": position, "note": "Easiest first."},
        )
    return collection


def public_pages() -> list[PublicPage]:
    """The public pages, with the demo data loaded: each kind of page once, with its variants
    (filters, search, refused input, empty results, forms with errors, thank-you pages)."""
    published = KnowledgeProduct.objects.published()
    product = published.annotate(n=Count("involvements")).order_by("-n", "pk").first()
    partnership = Partnership.objects.annotate(n=Count("memberships")).order_by("-n", "pk").first()
    organisation = (
        Organisation.objects.filter(kind=Organisation.Kind.SOUTHERN_CSO)
        .annotate(n=Count("products"))
        .order_by("-n", "pk")
        .first()
    )
    theme = Theme.objects.filter(parent=None).order_by("position", "pk").first()
    product_type = ProductType.objects.filter(products__in=published).order_by("pk").first()
    need = KnowledgeNeed.objects.order_by("pk").first()
    activities = LearningActivity.objects.public()
    activity = activities.annotate(n=Count("needs")).order_by("-n", "pk").first()
    cancelled = activities.filter(status=LearningActivity.Status.CANCELLED).first() or activity
    nominated = KnowledgeProduct.objects.exclude(pk__in=published).order_by("pk").first() or product
    need_token = thanks_token(need.pk, salt=NEED_THANKS_SALT)
    # The private follow pages: the demo data, loaded through the import, has no follow links of its own.
    KnowledgeNeed.objects.filter(pk=need.pk).update(follow_token="need-" + "f" * 38)
    KnowledgeProduct.objects.filter(pk=nominated.pk).update(follow_token="nomination-" + "f" * 32)
    nomination_token = thanks_token(nominated.pk, salt=NOMINATION_THANKS_SALT)
    collection = _collection(theme, published)
    return [
        PublicPage("home", "/"),
        PublicPage("browse", "/products/"),
        PublicPage("browse, filtered", f"/products/?theme={theme.slug}&type={product_type.slug}&featured=1"),
        PublicPage("browse, searched", "/products/?q=budget"),
        PublicPage("browse, second page", "/products/?page=2&sort=title"),
        PublicPage("browse, nothing found", "/products/?q=zzzqqq&theme=" + theme.slug),
        PublicPage("browse, refused filter", "/products/?theme=no-such-theme&year_min=soon", status=400),
        PublicPage("product", product.get_absolute_url()),
        PublicPage("ask about a product", reverse("inventory:product-ask", args=[product.slug])),
        PublicPage(
            "ask about a product with errors",
            reverse("inventory:product-ask", args=[product.slug]),
            sent_empty=True,
            status=400,
        ),
        PublicPage("question sent", reverse("inventory:product-ask-sent", args=[product.slug])),
        PublicPage("theme", f"/themes/{theme.slug}/"),
        PublicPage("sub-theme", f"/themes/{theme.children.order_by('pk').first().slug}/"),
        PublicPage("collections", "/collections/"),
        PublicPage("open data", "/open-data/"),
        PublicPage("collection", collection.get_absolute_url()),
        PublicPage("partnerships", "/partnerships/"),
        PublicPage("partnership", partnership.get_absolute_url()),
        PublicPage("organisations", "/organisations/"),
        PublicPage("organisations, filtered", "/organisations/?kind=southern-cso&q=a"),
        PublicPage("organisation", organisation.get_absolute_url()),
        PublicPage("map", "/map/"),
        PublicPage("map by partnership", "/map/?across=partnership"),
        PublicPage("map by region", "/map/?across=region"),
        PublicPage("map, refused view", "/map/?across=nothing", status=400),
        PublicPage("world map", "/map/world/"),
        PublicPage("world map, filtered, by needs", f"/map/world/?theme={theme.slug}&show=ratio&order=name"),
        PublicPage("world map, refused filter", "/map/world/?theme=no-such-theme&show=nothing", status=400),
        PublicPage("network", "/map/network/"),
        PublicPage("network by theme", "/map/network/?show=themes"),
        PublicPage("network, refused programme", "/map/network/?programme=no-such-programme", status=400),
        PublicPage("gaps", "/gaps/"),
        PublicPage("activities", "/activities/"),
        PublicPage("activities, filtered", f"/activities/?theme={theme.slug}&status=open"),
        PublicPage("activities, refused filter", "/activities/?format=no-such-format", status=400),
        PublicPage("activity", activity.get_absolute_url()),
        PublicPage("activity, cancelled", cancelled.get_absolute_url()),
        PublicPage("need form", "/needs/new/"),
        PublicPage("need form with errors", "/needs/new/", sent_empty=True, status=400),
        PublicPage("need thanks", f"/needs/new/thanks/{need_token}/"),
        PublicPage("nomination form", "/products/nominate/"),
        PublicPage("nomination form with errors", "/products/nominate/", sent_empty=True, status=400),
        PublicPage("nomination thanks", f"/products/nominate/thanks/{nomination_token}/"),
        PublicPage("follow a need", "/follow/need-" + "f" * 38 + "/"),
        PublicPage("follow a nomination", "/follow/nomination-" + "f" * 32 + "/"),
        PublicPage("details erased", "/follow/erased/"),
        PublicPage("feed page", f"/feeds/?theme={theme.slug}"),
        PublicPage("alerts", "/alerts/"),
        PublicPage("alerts, from a browse page", f"/alerts/?theme={theme.slug}&type={product_type.slug}"),
        PublicPage("alerts form with errors", "/alerts/", sent_empty=True, status=400),
        PublicPage("alerts, check your mail", "/alerts/sent/"),
        PublicPage("alerts, link expired", "/alerts/confirm/forged/", status=404),
        PublicPage("alerts, stopped", "/alerts/unsubscribe/no-such-token/"),
        PublicPage("page not found", "/no-such-page/", status=404),
        PublicPage("open data", "/api/docs/", translated=False),
    ]
