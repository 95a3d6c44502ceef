"""How the matching ranker's weights were chosen: every combination of a small grid of k1, the themes' prior,
the thesaurus's weight in English and the title's and summary's field weights, measured (nDCG@5) on the
evaluation set; then, to see whether choosing on this set says anything beyond it, a two-fold check: the best
combination on the odd needs measured on the even ones, and the other way round.

    DATABASE_URL=sqlite:///bench/tune-matching.sqlite3 DEBUG=1 python bench/evaluation/tune_matching.py

It prints one line per combination, then the two-fold check and the ten best combinations over all needs.
The database must be new (it is migrated and loaded with the demo data here).
"""

import itertools
import os
import sys
from io import StringIO
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
GRID = {
    "k1": [0.9, 1.2, 1.6],
    "theme prior": [0.15, 0.25, 0.35],
    "thesaurus weight (en)": [0.3, 0.4, 0.6],
    "title weight": [2.5, 3.0, 4.0],
    "summary weight": [1.5, 2.0, 2.5],
}


def main() -> None:
    sys.path[:0] = [str(BASE_DIR), str(BASE_DIR / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    import django

    django.setup()
    import eval_matching
    from django.core.cache import cache
    from django.core.management import call_command

    from search import relevance

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", BASE_DIR / "fixtures" / "reference.json", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    call_command("update_search_vectors", stdout=StringIO())
    needs = eval_matching.load_needs()

    def measured(k1, prior, thesaurus, title, summary) -> list[float]:
        relevance.K1, relevance.THEME_PRIOR = k1, prior
        relevance.EXPANSION_WEIGHT["en"] = thesaurus
        relevance.FIELD_WEIGHTS.update(title=title, summary=summary)
        relevance.forget()
        cache.clear()
        per_need = eval_matching.measure(needs, eval_matching.portal_ranker())["per_need"]
        return [need["ndcg_at_5"] for need in per_need]

    print("combination:", ", ".join(GRID))
    grid = list(itertools.product(*GRID.values()))
    results = {}
    for combination in grid:
        results[combination] = measured(*combination)
        print(combination, f"{mean(results[combination]):.4f}", flush=True)

    def on(combination, which) -> float:
        return mean([results[combination][i] for i in which])

    odd, even = list(range(0, len(needs), 2)), list(range(1, len(needs), 2))
    for chosen_on, measured_on in ((odd, even), (even, odd)):
        best = max(grid, key=lambda combination: on(combination, chosen_on))
        there, other = on(best, chosen_on), on(best, measured_on)
        print(f"chosen on one half: {best}, {there:.4f} there, {other:.4f} on the other")
    everyone = range(len(needs))
    for combination in sorted(grid, key=lambda combination: -on(combination, everyone))[:10]:
        print("best over all needs:", combination, f"{on(combination, everyone):.4f}")


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


if __name__ == "__main__":
    main()
