"""How well the browse page's search finds what people mean, measured on the evaluation set.

    make eval-search                              # SQLite and PostgreSQL
    EVAL_DATABASES=sqlite make eval-search        # one database
    EVAL_POSTGRES_URL=postgres://user@host:5432 make eval-search

The evaluation set (`bench/evaluation/search_queries.toml`) holds queries typed as members would type them
(plurals, typos, other languages, country names, acronyms, plain questions, names of themes and types, words
found only inside a document), each with the published demo products a searcher would be glad to find in the
first ten, labelled by reading the products. For each database this makes a fresh database
(`bench/eval-search.sqlite3`, or `eval_search` on the PostgreSQL server, dropped first), migrates it, loads
the demo data (`manage.py load_demo`), stores the documents' texts the set gives, and asks the browse page's
own entry point (`search.browse.browse`, as `/products/?q=…` does) for each query's first page.

Figures, over the queries: the share with no result at all, and the share with an expected product in the
first ten (a "hit"); the same by kind of query; then the queries missed, with what came first instead. Each
database runs in a child process, as settings are read once per process.
"""

import json
import os
import sys
import tomllib
from pathlib import Path

from evaluations import run_on_each_database

BASE_DIR = Path(__file__).resolve().parent.parent

EVALUATION_SET = BASE_DIR / "bench" / "evaluation" / "search_queries.toml"
FIRST = 10


# --- the parent: databases, child processes, the report ---------------------------------------------------


def main() -> None:
    print(report(run_on_each_database(__file__, "eval_search")))


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def report(runs: list[dict]) -> str:
    lines = [f"{len(runs[0]['queries'])} queries, {runs[0]['products']} published products.", ""]
    for run in runs:
        if not run["documents_stored"]:
            lines.append(
                f"{run['database']}: the documents' texts could not be stored (no place for them yet)."
            )
    head = ["figure", *[run["database"] for run in runs]]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key in (("no result", "empty"), (f"expected product in the first {FIRST}", "hit")):
        cells = [share(sum(q[key] for q in run["queries"]), len(run["queries"])) for run in runs]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    # How high the first expected product comes: first, and the mean of 1 / its place (0 when not in the
    # first ten), which tells a ranking that puts it first from one that puts it ninth.
    cells = [share(sum(q["place"] == 1 for q in run["queries"]), len(run["queries"])) for run in runs]
    lines.append("| " + " | ".join(["expected product first", *cells]) + " |")
    cells = [f"{reciprocal_rank(run):.3f}" for run in runs]
    lines.append("| " + " | ".join([f"mean reciprocal rank (first {FIRST})", *cells]) + " |")
    kinds = list(dict.fromkeys(q["kind"] for q in runs[0]["queries"]))
    lines += ["", f"Expected product in the first {FIRST}, by kind of query (no result in brackets):", ""]
    lines += ["| kind | queries | " + " | ".join(run["database"] for run in runs) + " |"]
    lines += ["|" + "---|" * (len(runs) + 2)]
    for kind in kinds:
        cells = []
        for run in runs:
            of_kind = [q for q in run["queries"] if q["kind"] == kind]
            hits, empty = sum(q["hit"] for q in of_kind), sum(q["empty"] for q in of_kind)
            cells.append(f"{hits} ({empty})")
        count = sum(1 for q in runs[0]["queries"] if q["kind"] == kind)
        lines.append(f"| {kind} | {count} | " + " | ".join(cells) + " |")
    for run in runs:
        missed = [q for q in run["queries"] if not q["hit"]]
        lines += [
            "",
            f"Missed on {run['database']} ({len(missed)}): the query, how many results, the first three",
        ]
        for q in missed:
            lines.append(f"- [{q['kind']}] “{q['q']}”: {q['count']} results")
            for slug in q["first"][:3]:
                lines.append(f"    - {slug}")
    return "\n".join(lines)


def reciprocal_rank(run: dict) -> float:
    places = [q["place"] for q in run["queries"]]
    return sum(1 / place for place in places if place) / len(places) if places else 0.0


# --- the child: one database ----------------------------------------------------------------------------


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.http import QueryDict

    from inventory.models import KnowledgeProduct
    from search import relevance
    from search.browse import browse

    evaluation = tomllib.loads(EVALUATION_SET.read_text())
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", BASE_DIR / "fixtures" / "reference.json", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    documents_stored = store_documents(evaluation.get("document", []))
    call_command("update_search_vectors", stdout=StringIO())
    relevance.current()  # the index that ranks the matches, which a site's job worker builds
    published = set(KnowledgeProduct.objects.published().values_list("slug", flat=True))
    queries = []
    for spec in evaluation["query"]:
        unknown = set(spec["expected"]) - published
        if unknown:
            raise SystemExit(f"{spec['q']!r}: not a published demo product: {', '.join(sorted(unknown))}")
        params = QueryDict(mutable=True)
        params["q"] = spec["q"]
        results = browse(params, per_page=FIRST)
        first = [product.slug for product in results.page]
        queries.append(
            {
                "q": spec["q"],
                "kind": spec["kind"],
                "count": results.count,
                "empty": results.count == 0,
                "hit": any(slug in spec["expected"] for slug in first),
                # Where the first expected product is among the first ten (1 to 10), or None
                "place": next((n for n, slug in enumerate(first, 1) if slug in spec["expected"]), None),
                "first": first,
            }
        )
    result = {"products": len(published), "documents_stored": documents_stored, "queries": queries}
    Path(os.environ["EVAL_CHILD_RESULT"]).write_text(json.dumps(result))


def store_documents(documents: list[dict]) -> bool:
    """Store each document's text as the product's extracted text, as the extraction job would. False
    when the portal has no place for it."""
    try:
        from inventory.documents import record_text
    except ImportError:
        return False
    from inventory.models import KnowledgeProduct

    for document in documents:
        record_text(product=KnowledgeProduct.objects.get(slug=document["product"]), text=document["text"])
    return True


if __name__ == "__main__":
    if os.environ.get("EVAL_CHILD_RESULT"):
        child()
    else:
        main()
