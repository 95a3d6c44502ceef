"""Which published products may answer a knowledge need, best first, each with its reasons.

The ranking is the search layer's (`search.relevance`): the need's words against the products' texts by
BM25F, its themes as a prior that lifts but does not decide. Here the curators' decisions join it: a product
dismissed for a need is never suggested for it again, and products curators matched to needs like this one
rise (how alike: the share of this need's terms that the other need has, over the needs with matches). Every
suggestion carries its reasons, all public facts: the themes it shares, the need's words it contains and
where, and how many similar needs curators matched it to (never which)."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task
from scipy import sparse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed, SuggestionDecision
from search import relevance

# A need at least this much like another (the cosine of their terms weighted by rarity) counts as similar;
# the products matched to a similar need rise by SIMILAR_NEED_BOOST of the best text score times how alike.
SIMILAR_NEED_THRESHOLD = 0.3
SIMILAR_NEEDS = 5
SIMILAR_NEED_BOOST = 0.5
ANSWERED_NEEDS = f"answered-needs:{relevance.FORMAT}"


@dataclass
class Reasons:
    """Why a product is suggested for a need."""

    themes: list[str] = field(default_factory=list)  # its themes close to the need's
    words: list[tuple[str, list[str]]] = field(default_factory=list)  # (the need's word, fields it is in)
    similar_needs: int = 0  # needs like this one that curators matched it to

    def __str__(self) -> str:
        return "; ".join(self.phrases())

    def phrases(self, *, words: int = 6) -> list[str]:
        """The reasons in a few short phrases, most telling first."""
        said = []
        if self.words:
            found = [
                f"“{word}” ({', '.join(str(relevance.FIELD_LABELS[f]) for f in fields)})"
                for word, fields in self.words[:words]
            ]
            said.append(_("words found: %(words)s") % {"words": ", ".join(found)})
        if self.themes:
            said.append(_("themes shared: %(themes)s") % {"themes": ", ".join(self.themes)})
        if self.similar_needs:
            said.append(
                ngettext(
                    "curators matched it to %(count)d similar need",
                    "curators matched it to %(count)d similar needs",
                    self.similar_needs,
                )
                % {"count": self.similar_needs}
            )
        return said

    def marked(self, text: str) -> SafeString:
        """`text` (a product's title or summary) as safe HTML, the need's words found in it marked, so that a
        curator sees at a glance why the product came up. A word matches at the start of a word of the text
        ("budget" in "budgets"), whatever the case."""
        found = sorted({word for word, _fields in self.words}, key=len, reverse=True)
        if not found:
            return escape(text)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, found)) + ")", re.IGNORECASE)
        parts, last = [], 0
        for match in pattern.finditer(text):
            parts += [escape(text[last : match.start()]), format_html("<mark>{}</mark>", match.group())]
            last = match.end()
        return mark_safe("".join([*parts, escape(text[last:])]))

    def brief(self) -> str:
        """One line for the submitter: the three weightiest words found and the themes shared."""
        words = ", ".join(word for word, _fields in self.words[:3])
        parts = [_("Your words %(words)s") % {"words": words}] if words else []
        if self.themes:
            parts.append(_("your themes %(themes)s") % {"themes": ", ".join(self.themes)})
        if self.similar_needs:
            parts.append(_("answered similar needs"))
        return "; ".join(parts)


@dataclass
class AnsweredNeeds:
    """The needs curators matched published products to, each as a row of term weights (see
    `TextIndex.vector`), for finding the needs like a new one."""

    keys: np.ndarray
    vectors: sparse.csr_matrix


def answered_needs() -> AnsweredNeeds:
    """Queries: 1 the needs (and the product index's, when this process has none)."""
    catalogue = relevance.current().text
    rows = list(
        KnowledgeNeed.objects.filter(matched_products__in=KnowledgeProduct.objects.published())
        .distinct()
        .order_by("pk")
        .values_list("pk", "title", "description")
    )
    vectors = [
        catalogue.vector(relevance.query(title, text, catalogue.phrases).weights) for _, title, text in rows
    ]
    return AnsweredNeeds(
        keys=np.asarray([pk for pk, _, _ in rows], dtype=np.int64),
        vectors=sparse.vstack(vectors, format="csr") if vectors else sparse.csr_matrix((0, 1)),
    )


def similar_needs(need: KnowledgeNeed, search: relevance.Query, catalogue: relevance.TextIndex) -> dict:
    """{need id: similarity} of the answered needs most like `need` (itself left out)."""
    answered = relevance.kept(ANSWERED_NEEDS, answered_needs)
    if not len(answered.keys):
        return {}
    similarity = (answered.vectors @ catalogue.vector(search.weights).T).toarray().ravel()
    if need.pk is not None:
        similarity[answered.keys == need.pk] = 0
    rows = np.flatnonzero(similarity >= SIMILAR_NEED_THRESHOLD)
    rows = rows[np.argsort(-similarity[rows])][:SIMILAR_NEEDS]
    return {int(answered.keys[row]): float(similarity[row]) for row in rows}


def matched_to(need_ids) -> dict[int, list[int]]:
    """{need id: the published products matched to it}. Queries: 1 (none without needs)."""
    if not need_ids:
        return {}
    matched = defaultdict(list)
    for need_id, product_id in KnowledgeNeed.matched_products.through.objects.filter(
        knowledgeneed_id__in=need_ids, knowledgeproduct__in=KnowledgeProduct.objects.published()
    ).values_list("knowledgeneed_id", "knowledgeproduct_id"):
        matched[need_id].append(product_id)
    return matched


def boosts_from(similar: dict[int, float], matched: dict[int, list[int]]) -> tuple[dict, dict]:
    """{product id: boost} from the similar needs' matched products, and {product id: how many of them}."""
    boosts: dict[int, float] = {}
    counts: dict[int, int] = defaultdict(int)
    for need_id, similarity in similar.items():
        for product_id in matched.get(need_id, ()):
            boosts[product_id] = max(boosts.get(product_id, 0.0), SIMILAR_NEED_BOOST * similarity)
            counts[product_id] += 1
    return boosts, counts


def dismissed_for(need_ids) -> dict[int, set[int]]:
    """{need id: the products dismissed for it}. Queries: 1 (none without needs)."""
    dismissed = defaultdict(set)
    if need_ids:
        for need_id, product_id in SuggestionDecision.objects.filter(
            need_id__in=need_ids, decision=SuggestionDecision.Decision.DISMISSED
        ).values_list("need_id", "product_id"):
            dismissed[need_id].add(product_id)
    return dismissed


def suggest_products(need: KnowledgeNeed, limit: int = 5) -> list[KnowledgeProduct]:
    """Up to `limit` published products that may answer `need`, best first, each with `score`, `rank` and
    `reasons` (Reasons). Products sharing nothing with the need, and those dismissed for it, are left out.
    Queries: 1 the need's themes, 2 its dismissals, 3 the similar needs' products (when there are similar
    needs), 4 the products with their types, 5 their partnerships, 6 their tags."""
    index = relevance.current()
    search = relevance.query(need.title, need.description, index.text.phrases)
    theme_ids = [theme.pk for theme in need.themes.all()]
    dismissed = dismissed_for([need.pk] if need.pk else [])[need.pk]
    similar = similar_needs(need, search, index.text)
    boosts, similar_counts = boosts_from(similar, matched_to(list(similar)))
    ranked = relevance.rank(index, search, theme_ids=theme_ids, boosts=boosts, exclude=dismissed, limit=limit)
    if not ranked:
        return []
    products = (
        KnowledgeProduct.objects.published()
        .for_cards()
        .prefetch_related("tags")
        .in_bulk([r.product_id for r in ranked])
    )
    suggestions = []
    for place, item in enumerate((r for r in ranked if r.product_id in products), start=1):
        product = products[item.product_id]
        product.score, product.rank = round(item.score, 4), place
        product.reasons = reasons(product, item, search, theme_ids, index, similar_counts)
        suggestions.append(product)
    return suggestions


# How many suggestions the work queue counts for a need (the curators' page shows as many).
KEPT_SUGGESTIONS = 5


def keep_suggestions(need_ids) -> int:
    """Rank the published products for each need and keep how many were found, for the work queue's "new
    needs the catalogue may answer". Returns how many needs were ranked."""
    count = 0
    for need in KnowledgeNeed.objects.filter(pk__in=list(need_ids)).prefetch_related("themes"):
        found = len(suggest_products(need, limit=KEPT_SUGGESTIONS))
        # An update, not a save: this is no change to the need (its history, its data version).
        KnowledgeNeed.objects.filter(pk=need.pk).update(suggestion_count=found, suggested_at=timezone.now())
        count += 1
    return count


@task()
def keep_suggestions_job(need_id: int) -> int:
    return keep_suggestions([need_id])


def keep_suggestions_later(need_id: int) -> None:
    """Queue the ranking of the need once the transaction commits: the job worker ranks, not the request."""
    transaction.on_commit(lambda: keep_suggestions_job.enqueue(need_id))


def suggest_titles(needs: list[KnowledgeNeed], limit: int = 3) -> dict[int, list[tuple[str, str]]]:
    """{need id: (title, slug) of up to `limit` published products that may answer it}, by the same ranking
    as `suggest_products`, for many needs at once (their themes prefetched). Queries: 1 their dismissals,
    2 the similar needs' products, 3 the products' titles."""
    index = relevance.current()
    dismissed = dismissed_for([need.pk for need in needs])
    searches = {need.pk: relevance.query(need.title, need.description, index.text.phrases) for need in needs}
    similar = {need.pk: similar_needs(need, searches[need.pk], index.text) for need in needs}
    matched = matched_to({need_id for found in similar.values() for need_id in found})
    ranked = {
        need.pk: relevance.rank(
            index,
            searches[need.pk],
            theme_ids=[theme.pk for theme in need.themes.all()],
            boosts=boosts_from(similar[need.pk], matched)[0],
            exclude=dismissed[need.pk],
            limit=limit,
        )
        for need in needs
    }
    ids = {item.product_id for items in ranked.values() for item in items}
    titles = {
        pk: (title, slug)
        for pk, title, slug in KnowledgeProduct.objects.published()
        .filter(pk__in=ids)
        .values_list("pk", "title", "slug")
    }
    return {
        need_id: [titles[item.product_id] for item in items if item.product_id in titles]
        for need_id, items in ranked.items()
    }


def reasons(product, item, search, theme_ids, index, similar_counts) -> Reasons:
    parents = index.theme_parents
    close = sorted(
        index.theme_names[theme]
        for theme in relevance.themes_of(index, product.pk)
        if relevance.theme_closeness([theme], theme_ids, parents)
        >= relevance.THEME_CLOSENESS["parent_or_child"]
    )
    fields = {
        "title": product.title,
        "summary": product.summary,
        "why_valuable": product.why_valuable,
        "description": product.description,
        "tags": " . ".join(tag.name for tag in product.tags.all()),
    }
    return Reasons(
        themes=close,
        words=relevance.found_words(search, fields, index.text.phrases),
        similar_needs=similar_counts.get(product.pk, 0) if item.boost else 0,
    )
