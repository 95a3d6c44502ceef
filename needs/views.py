from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from inventory.cache import cached_aggregate
from inventory.models import KnowledgeProduct, Organisation, Theme
from knowledgemap import submissions
from needs import gaps, services
from needs.calendar import activity_calendar
from needs.filters import ActivityFilter
from needs.forms import NeedForm
from needs.matching import suggest_products
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat

THANKS_SALT = "needs.need-thanks"
SUGGESTIONS = 5
ACTIVITIES_PER_PAGE = 20


@csrf_exempt  # CSRF is checked in need_form, once the rate limit and the size have been.
@require_http_methods(["GET", "HEAD", "POST"])
def need_new(request):
    if request.method == "POST":
        limited, retry_after = submissions.submission_rate_limited(request)
        if limited:
            return submissions.too_many_submissions(request, retry_after)
        if submissions.body_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE):
            context = {"form": NeedForm(), "too_large": True}
            return render(request, "needs/need_form.html", context, status=413)
    return need_form(request)


@csrf_protect
def need_form(request):
    if request.method != "POST":
        return render(request, "needs/need_form.html", {"form": NeedForm()})
    form = NeedForm(request.POST)
    if not form.is_valid():
        return render(request, "needs/need_form.html", {"form": form}, status=400)
    fields = {name: value for name, value in form.cleaned_data.items() if name != "website"}
    need = services.need_submit(**fields, site_url=submissions.site_url(request))
    return redirect("needs:need-thanks", token=submissions.thanks_token(need.pk, salt=THANKS_SALT))


@require_safe
@never_cache
def need_thanks(request, token):
    pk = submissions.thanks_pk(token, salt=THANKS_SALT)
    if pk is None:
        raise Http404("This link has expired or is not valid.")
    need = get_object_or_404(KnowledgeNeed.objects.prefetch_related("themes"), pk=pk)
    context = {"need": need, "suggestions": list(suggest_products(need, limit=SUGGESTIONS))}
    return render(request, "needs/need_thanks.html", context)


@require_safe
def gap_view(request):
    return render(request, "needs/gaps.html", {"gaps": gap_figures()})


def gap_figures():
    """The gaps, counted once per data version (inventory.cache) and per day: activities that are over
    drop out."""
    return cached_aggregate(f"gaps:{timezone.localdate()}", gaps.gaps)


@require_safe
def activity_list(request):
    """Public activities, upcoming (and running) first, soonest first; then past ones, latest first."""
    today = timezone.localdate()
    upcoming = When(ends_on__gte=today, then=Value(True))
    activities = (
        LearningActivity.objects.public()
        .with_ends_on()
        .annotate(upcoming=Case(upcoming, default=Value(False), output_field=BooleanField()))
        .select_related("learning_format")
        .prefetch_related("themes")
        .order_by(
            F("upcoming").desc(),
            Case(When(ends_on__gte=today, then="start_date")).asc(nulls_last=True),
            F("start_date").desc(),
            "title",
        )
    )
    filterset = ActivityFilter(request.GET, queryset=activities)
    page = Paginator(filterset.qs, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    chosen = filterset.form.cleaned_data
    context = {
        "filterset": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "themes": _themes_in_order(),
        "formats": LearningFormat.objects.all(),
        "statuses": LearningActivity.Status.choices,
        "chosen_themes": [theme.slug for theme in chosen.get("theme") or []],
        "chosen_formats": [f.slug for f in chosen.get("format") or []],
        "chosen_statuses": chosen.get("status") or [],
        "errors": [{"param": p, "messages": m} for p, m in filterset.errors.items()],
    }
    return render(request, "needs/activity_list.html", context, status=400 if context["errors"] else 200)


def _themes_in_order() -> list[Theme]:
    """Core themes, each followed by its sub-themes, for choosing one."""

    def place(theme):
        core = theme.parent or theme
        return (core.position, core.name, theme.parent_id is not None, theme.position, theme.name)

    return sorted(Theme.objects.select_related("parent"), key=place)


@require_safe
def activity_detail(request, slug):
    activity = get_object_or_404(
        LearningActivity.objects.public()
        .select_related("learning_format")
        .prefetch_related(
            "themes",
            Prefetch("organisations", Organisation.objects.select_related("country")),
            Prefetch("products", KnowledgeProduct.objects.published().for_cards().order_by("title")),
            # The needs' text is private: only the title, and only of those whose submitters consented.
            Prefetch("needs", KnowledgeNeed.objects.only("pk", "title", "consent_to_publish")),
        ),
        slug=slug,
    )
    needs = list(activity.needs.all())
    shared = [need for need in needs if need.consent_to_publish]
    context = {
        "activity": activity,
        "shared_needs": shared,
        "private_needs": len(needs) - len(shared),
    }
    return render(request, "needs/activity_detail.html", context)


@require_safe
def activity_ics(request, slug):
    activity = get_object_or_404(
        LearningActivity.objects.public().select_related("learning_format"), slug=slug
    )
    body = activity_calendar(
        activity, url=request.build_absolute_uri(activity.get_absolute_url()), host=request.get_host()
    )
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{activity.slug}.ics"'},
    )
