"""The knowledge gaps: open knowledge needs set against published products, by theme and by learning format.

Definitions (the /gaps/ page states them too):

- An **open** need is new, in review, or matched to products but not yet addressed (`KnowledgeNeed.objects
  .open()`); addressed and closed needs are done and not counted.
- A need **no product answers** is an open need to which no published product has been matched. Matched
  products are the curators' record of "products that answer this need"; products that merely share a theme
  may or may not answer it, so they do not count as an answer.
- A theme's **demand** is its open needs; its **supply** its published products. As on the map and the
  browse page, a core theme counts the needs and products of its sub-themes too, each once.
- Themes are **ranked** by needs per product (demand ÷ supply), most first; a theme with needs and no
  product at all comes before every other, and ties go to the theme with more needs.
- A learning format's demand is the open needs that prefer it; set against it are the learning activities
  in that format that are public, not cancelled and not over yet.

Everything is computed by `gaps()` in a fixed number of grouped queries, whatever the number of needs and
products, so that its result can be cached as a whole.
"""

from dataclasses import dataclass, field
from math import inf

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from inventory.models import KnowledgeProduct, Theme, core_theme
from needs.matching import suggest_titles
from needs.models import KnowledgeNeed, LearningActivity, LearningFormat, is_answered

# Shown by title on the page, newest first; the rest are counted.
SHARED_NEEDS_SHOWN = 50
# The summary names this many themes.
SUMMARY_THEMES = 3
# Products that may answer each shared need, by title (needs.matching's ranking).
SUGGESTIONS_SHOWN = 3


@dataclass
class ThemeGap:
    theme: Theme
    open_needs: int
    unanswered: int
    products: int

    @property
    def needs_per_product(self) -> float:
        """Demand over supply; infinite for a theme with needs and no product."""
        return self.open_needs / self.products if self.products else inf

    @property
    def has_no_products(self) -> bool:
        return self.products == 0


@dataclass
class FormatGap:
    learning_format: LearningFormat
    open_needs: int
    unanswered: int
    activities: int


@dataclass
class Gaps:
    open_needs: int
    unanswered: int
    themes: list[ThemeGap]  # themes with open needs, ranked
    formats: list[FormatGap]  # every format, in its own order
    # Open needs shown by title (consent given), with their themes and `suggested_products`: (title, slug)
    # of the published products that may answer each.
    shared_needs: list[KnowledgeNeed]
    shared_count: int
    unthemed: int = 0  # open needs without a theme: in the totals, in no theme's row
    summary: list[ThemeGap] = field(default_factory=list)  # the themes the summary names

    @property
    def shared_not_shown(self) -> int:
        """Shareable needs beyond the ones listed."""
        return self.shared_count - len(self.shared_needs)

    @property
    def private_count(self) -> int:
        """Open needs counted but never shown: their submitters did not consent."""
        return self.open_needs - self.shared_count


def gaps() -> Gaps:
    """The figures of the gap view. Queries: 1 the totals, 2 the themes, 3 open and unanswered needs per
    theme, 4 products per theme, 5 the formats, 6 needs per format, 7 activities per format, 8 the shared
    needs, 9 their themes; for the products that may answer them (needs.matching.suggest_titles), 10 their
    dismissals, 11 the similar needs' products, 12 the products' titles."""
    open_needs = KnowledgeNeed.objects.open()
    themes_of_need = KnowledgeNeed.themes.through.objects.filter(knowledgeneed_id=OuterRef("pk"))
    totals = open_needs.aggregate(
        open=Count("pk"),
        unanswered=Count("pk", filter=~is_answered()),
        unthemed=Count("pk", filter=~Exists(themes_of_need)),
        shared=Count("pk", filter=Q(consent_to_publish=True)),
    )
    demand = _needs_by_theme(open_needs)
    supply = _by_theme(KnowledgeProduct.objects.published())
    themes = [
        ThemeGap(theme, *demand[theme.pk], supply.get(theme.pk, 0))
        for theme in Theme.objects.select_related("parent").only(
            "name", "slug", "translations", "parent__name", "parent__slug", "parent__translations"
        )
        if theme.pk in demand
    ]
    themes.sort(key=lambda g: (-g.needs_per_product, -g.open_needs, g.theme.name.lower()))
    shared_needs = list(
        open_needs.shareable()
        .only("pk", "title", "description", "created_at")
        .prefetch_related("themes")[:SHARED_NEEDS_SHOWN]
    )
    suggestions = suggest_titles(shared_needs, limit=SUGGESTIONS_SHOWN) if shared_needs else {}
    for need in shared_needs:
        need.suggested_products = suggestions.get(need.pk, [])
    return Gaps(
        open_needs=totals["open"],
        unanswered=totals["unanswered"],
        unthemed=totals["unthemed"],
        themes=themes,
        formats=_formats(open_needs),
        shared_needs=shared_needs,
        shared_count=totals["shared"],
        summary=sorted(
            (g for g in themes if g.unanswered), key=lambda g: (-g.unanswered, g.theme.name.lower())
        )[:SUMMARY_THEMES],
    )


def demand_by_theme() -> dict[int, int]:
    """Open needs per theme ({theme id: count}; a core theme with its sub-themes' needs), for the map."""
    return {theme: counts[0] for theme, counts in _needs_by_theme(KnowledgeNeed.objects.open()).items()}


def _by_theme(rows: QuerySet, **counts) -> dict:
    """Rows of `rows` (needs or products) per theme, in one query: a core theme counts the rows of its
    sub-themes too, each row once; a sub-theme its own. The two groupings never share a key, as a theme is
    either core or sub, so one UNION brings both. With `counts` ({name: Count(…)}) the values are tuples
    of those counts; without, the number of rows."""
    counts = counts or {"n": Count("pk", distinct=True)}
    themed = rows.filter(themes__isnull=False).order_by()
    by_core = themed.values(theme=core_theme()).annotate(**counts)
    by_sub = themed.filter(themes__parent__isnull=False).values(theme=F("themes__id")).annotate(**counts)
    result = {}
    for row in by_core.union(by_sub, all=True):
        values = tuple(row[name] for name in counts)
        result[row["theme"]] = values if len(values) > 1 else values[0]
    return result


def _needs_by_theme(needs: QuerySet) -> dict[int, tuple[int, int]]:
    """{theme id: (open needs, of which unanswered)}."""
    return _by_theme(
        needs,
        open=Count("pk", distinct=True),
        unanswered=Count("pk", distinct=True, filter=~is_answered()),
    )


def _formats(open_needs: QuerySet) -> list[FormatGap]:
    needs = {
        row["learning_formats"]: (row["open"], row["unanswered"])
        for row in open_needs.filter(learning_formats__isnull=False)
        .values("learning_formats")
        .annotate(
            open=Count("pk", distinct=True),
            unanswered=Count("pk", distinct=True, filter=~is_answered()),
        )
        .order_by()
    }
    activities = dict(
        LearningActivity.objects.public()
        .upcoming()
        .exclude(status=LearningActivity.Status.CANCELLED)
        .values("learning_format")
        .annotate(n=Count("pk"))
        .values_list("learning_format", "n")
        .order_by()
    )
    return [
        FormatGap(
            learning_format, *needs.get(learning_format.pk, (0, 0)), activities.get(learning_format.pk, 0)
        )
        for learning_format in LearningFormat.objects.all()
    ]
