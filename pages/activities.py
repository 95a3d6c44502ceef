"""The public pages of learning activities: the list, an activity and its calendar file."""

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.http_cache import public_page
from core.site import absolute, domain
from inventory.models import KnowledgeProduct, Organisation, Theme
from needs.calendar import activity_calendar
from needs.filters import ActivityFilter
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat
from pages.structured_data import activity_json_ld, allow_json_ld, json_ld

ACTIVITIES_PER_PAGE = 20


@public_page
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
        "themes": Theme.objects.in_tree_order(),
        "formats": LearningFormat.objects.all(),
        "statuses": LearningActivity.Status.choices,
        "chosen_themes": [theme.slug for theme in chosen.get("theme") or []],
        "chosen_formats": [f.slug for f in chosen.get("format") or []],
        "chosen_statuses": chosen.get("status") or [],
        "errors": [{"param": p, "messages": m} for p, m in filterset.errors.items()],
    }
    return render(request, "pages/activity_list.html", context, status=400 if context["errors"] else 200)


@public_page
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
        "structured_data": json_ld(data) if (data := activity_json_ld(activity, absolute)) else None,
    }
    response = render(request, "pages/activity_detail.html", context)
    return allow_json_ld(response, context["structured_data"])


@public_page
@require_safe
def activity_ics(request, slug):
    activity = get_object_or_404(
        LearningActivity.objects.public().select_related("learning_format"), slug=slug
    )
    body = activity_calendar(activity, url=absolute(activity.get_absolute_url()), host=domain())
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{activity.slug}.ics"'},
    )
