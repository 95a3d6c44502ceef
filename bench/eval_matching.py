"""How well `suggest_products` matches needs to products, measured on the evaluation set.

    make eval-matching                              # SQLite and PostgreSQL
    EVAL_DATABASES=sqlite make eval-matching        # one database
    EVAL_POSTGRES_URL=postgres://user@host:5432 make eval-matching

The evaluation set (`bench/evaluation/matching_needs.toml`) holds needs written as new partnerships would
write them, each with the demo products that answer it (grade 2) or are useful to it (grade 1), labelled by
reading the products. For each database this makes a fresh database (`bench/eval-matching.sqlite3`, or
`eval_matching` on the PostgreSQL server, dropped first), migrates it, loads the demo data
(`manage.py load_demo`), adds the needs, and asks each ranker for its first ten products per need:

- `suggest_products`: the portal's ranker, as the thank-you page and the curators' page use it;
- `BM25 baseline`: plain BM25 (Okapi, rank_bm25) over the same texts of the published products, the need's
  title and description as the query, lower-cased words, no stemming, no themes;
- `with curators' decisions`, when the ranker learns from them: the needs are split in two halves (by their
  place in the file, odd and even); curators' matches (the grade-2 products) and dismissals (the first
  suggestion that is not relevant) are recorded on one half, and the other half is measured, then the
  other way round. Its figures are over the held-out needs only, as are those of the row beside it.

Figures, averaged over the needs: precision@5 (relevant products in the first five over the smaller of 5
and the number of relevant products), nDCG@5 (gain = grade), recall@10, and the share of needs with a
grade-2 product in the first five. It then lists the needs where the portal's ranker does worst. Each
database runs in a child process, as settings are read once per process.
"""

import json
import math
import os
import re
import sys
import tomllib
from pathlib import Path

from evaluations import run_on_each_database

BASE_DIR = Path(__file__).resolve().parent.parent

EVALUATION_SET = BASE_DIR / "bench" / "evaluation" / "matching_needs.toml"
METRICS = [
    ("precision_at_5", "precision@5"),
    ("ndcg_at_5", "nDCG@5"),
    ("recall_at_10", "recall@10"),
    ("answered_in_5", "grade 2 in the first 5"),
]
WORST_SHOWN = 5


# --- the figures ----------------------------------------------------------------------------------------


def figures(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """The figures of one need: `ranked` the slugs suggested, best first; `relevant` {slug: grade}."""
    top5 = ranked[:5]
    hits = sum(1 for slug in top5 if slug in relevant)
    gains = sorted(relevant.values(), reverse=True)[:5]
    ideal = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    dcg = sum(relevant.get(slug, 0) / math.log2(rank + 2) for rank, slug in enumerate(top5))
    return {
        "precision_at_5": hits / min(5, len(relevant)),
        "ndcg_at_5": dcg / ideal,
        "recall_at_10": sum(1 for slug in ranked[:10] if slug in relevant) / len(relevant),
        "answered_in_5": float(any(relevant.get(slug) == 2 for slug in top5)),
    }


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --- the parent: databases, child processes, the table ---------------------------------------------------


def main() -> None:
    print(report(run_on_each_database(__file__, "eval_matching")))


def report(runs: list[dict]) -> str:
    columns = [(run, name) for run in runs for name in run["rankers"]]
    head = ["figure", *[f"{run['database']}: {name}" for run, name in columns]]
    lines = [
        f"{runs[0]['needs']} needs ({runs[0]['unthemed']} with no theme, {runs[0]['dutch']} in Dutch), "
        f"{runs[0]['products']} published products.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for key, label in METRICS:
        cells = [f"{run['rankers'][name]['figures'][key]:.3f}" for run, name in columns]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    counts = [str(run["rankers"][name]["needs"]) for run, name in columns]
    lines.append("| needs measured | " + " | ".join(counts) + " |")
    for run in runs:
        lines += ["", f"Where `suggest_products` does worst on {run['database']} (nDCG@5; its first five):"]
        for need in run["worst"]:
            lines.append(f"- {need['key']} ({need['ndcg_at_5']:.2f}): “{need['title']}”")
            for rank, (slug, grade, reason) in enumerate(need["suggested"], start=1):
                lines.append(f"    {rank}. [{grade}] {slug}{f' — {reason}' if reason else ''}")
            relevant = need["relevant"].items()
            missed = [slug for slug, grade in relevant if grade == 2 and slug not in need["top"]]
            if missed:
                lines.append(f"    missed (grade 2): {', '.join(missed)}")
    return "\n".join(lines)


# --- the child: one database ----------------------------------------------------------------------------


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", BASE_DIR / "fixtures" / "reference.json", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    call_command("update_search_vectors", stdout=StringIO())
    needs = load_needs()
    rankers = {"suggest_products": measure(needs, portal_ranker()), "BM25 baseline": measure(needs, bm25())}
    learning = curators_decisions(needs)
    if learning:
        rankers.update(learning)
    worst = sorted(rankers["suggest_products"]["per_need"], key=lambda need: need["ndcg_at_5"])[:WORST_SHOWN]
    from inventory.models import KnowledgeProduct

    result = {
        "needs": len(needs),
        "unthemed": sum(1 for need, _ in needs if not need.themes.exists()),
        "dutch": sum(1 for _, spec in needs if spec["language"] == "nl"),
        "products": KnowledgeProduct.objects.published().count(),
        "rankers": {name: {k: v for k, v in r.items() if k != "per_need"} for name, r in rankers.items()},
        "worst": worst,
    }
    Path(os.environ["EVAL_CHILD_RESULT"]).write_text(json.dumps(result))


def load_needs() -> list:
    """The evaluation set's needs as rows of the fresh database, each with its entry in the file."""
    from inventory.models import KnowledgeProduct, Theme
    from needs.models import KnowledgeNeed

    specs = tomllib.loads(EVALUATION_SET.read_text())["need"]
    published = set(KnowledgeProduct.objects.published().values_list("slug", flat=True))
    needs = []
    for spec in specs:
        unknown = set(spec["relevant"]) - published
        if unknown:
            raise SystemExit(f"{spec['key']}: not a published demo product: {', '.join(sorted(unknown))}")
        need = KnowledgeNeed(
            partnership_name="Evaluation partnership",
            organisation_name="Evaluation",
            contact_name="Evaluation",
            contact_email="evaluation@example.org",
            title=spec["title"],
            description=spec["description"],
        )
        need.full_clean(exclude=["reference"])
        need.save()
        need.themes.set(Theme.objects.filter(name__in=spec["themes"]))
        if need.themes.count() != len(spec["themes"]):
            raise SystemExit(f"{spec['key']}: unknown theme among {spec['themes']}")
        needs.append((need, spec))
    return needs


def measure(needs: list, ranker, only=None) -> dict:
    per_need = []
    for index, (need, spec) in enumerate(needs):
        if only is not None and index not in only:
            continue
        suggested = ranker(need)
        slugs = [slug for slug, _ in suggested]
        per_need.append(
            {
                "key": spec["key"],
                "title": spec["title"],
                "relevant": spec["relevant"],
                "top": slugs[:5],
                "suggested": [
                    (slug, spec["relevant"].get(slug, 0), reason) for slug, reason in suggested[:5]
                ],
                **figures(slugs, spec["relevant"]),
            }
        )
    return {
        "needs": len(per_need),
        "figures": {key: mean([need[key] for need in per_need]) for key, _ in METRICS},
        "per_need": per_need,
    }


def portal_ranker():
    from needs.matching import suggest_products

    def rank(need) -> list[tuple[str, str]]:
        return [(product.slug, reason_text(product)) for product in suggest_products(need, limit=10)]

    return rank


def reason_text(product) -> str:
    reasons = getattr(product, "reasons", None)
    return str(reasons) if reasons else ""


WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def bm25():
    from rank_bm25 import BM25Okapi

    from inventory.models import KnowledgeProduct

    products = list(
        KnowledgeProduct.objects.published()
        .order_by("pk")
        .values_list("slug", "title", "summary", "why_valuable", "description")
    )
    index = BM25Okapi([tokens(" ".join(texts)) for _, *texts in products])

    def rank(need) -> list[tuple[str, str]]:
        scores = index.get_scores(tokens(f"{need.title} {need.description}"))
        order = sorted(range(len(products)), key=lambda i: -scores[i])
        return [(products[i][0], "") for i in order[:10] if scores[i] > 0]

    return rank


def curators_decisions(needs: list) -> dict:
    """The ranker with curators' matches and dismissals recorded on one half of the needs, measured on the
    other; and the ranker without them on the same needs. Empty while the portal has no dismissals."""
    try:
        from needs import services
    except ImportError:  # pragma: no cover
        return {}
    if not hasattr(services, "need_dismiss_product"):
        return {}
    from django.db import transaction

    from inventory.models import KnowledgeProduct
    from needs.matching import suggest_products

    halves = [set(range(0, len(needs), 2)), set(range(1, len(needs), 2))]
    without, with_decisions = [], []
    for taught, held_out in (halves, halves[::-1]):
        without.append(measure(needs, portal_ranker(), only=held_out))
        with transaction.atomic():
            for index in taught:
                need, spec = needs[index]
                for product in KnowledgeProduct.objects.filter(slug__in=spec["relevant"]):
                    if spec["relevant"][product.slug] == 2:
                        services.need_match_product(need=need, product=product)
                for product in suggest_products(need, limit=5):
                    if product.slug not in spec["relevant"]:
                        services.need_dismiss_product(need=need, product=product)
                        break
            with_decisions.append(measure(needs, portal_ranker(), only=held_out))
            transaction.set_rollback(True)

    def merged(results: list[dict]) -> dict:
        per_need = [need for result in results for need in result["per_need"]]
        return {
            "needs": len(per_need),
            "figures": {key: mean([need[key] for need in per_need]) for key, _ in METRICS},
            "per_need": per_need,
        }

    return {
        "held out, without decisions": merged(without),
        "held out, with decisions": merged(with_decisions),
    }


if __name__ == "__main__":
    if os.environ.get("EVAL_CHILD_RESULT"):
        child()
    else:
        main()
