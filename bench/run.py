"""The benchmark: server-side latency and queries of the public pages at 1,000 to 1,000,000 products.

    make bench                               # SQLite and PostgreSQL, 1,000, 10,000 and 100,000 products
    BENCH_SIZES=1000,10000 make bench        # a quicker run
    BENCH_DATABASES=postgresql BENCH_SIZES=100000 make bench
    BENCH_DATABASES=postgresql BENCH_SIZES=1000000 BENCH_COLD_REQUESTS=3 make bench   # the growth curve's end
    BENCH_REQUESTS=50 make bench             # timed requests per page (30 by default)

Per database and size it also reports the memory of a web process after warming (a fresh process that
served every page, its RSS), the facet index's build time and pickled size, and the search index's size;
the cold table is the first request after a change. The runs of other databases and sizes already in
bench/results.json are kept, so the growth curve (bench/plot.py, bench/growth.png) has every size measured.
BENCH_MATCHING_MAX_SIZE (100,000) is the largest size whose matching indexes are timed (three builds).
BENCH_REUSE_DATABASE=1 measures a PostgreSQL database an earlier run generated, without generating it again.

For every database and size it makes a fresh database (a file under bench/ for SQLite; bench_<size> on the
PostgreSQL server at BENCH_POSTGRES_URL, dropped first if it exists), migrates it, fills it with
`generate_bench_data` (seed 1) and measures each page in-process with Django's test client, with the
production settings (DEBUG off). Most pages cycle through several URLs (other products, searches, filters).
Warm: the data unchanged since the figures every page shares were computed (the facet index, the map's and
the gaps' counts). Pages with many URLs (browse pages, searches, filter combinations, products) are timed on
BENCH_REQUESTS URLs never asked for before, each once, so nothing of that page is cached; pages with one URL
(home, map, gaps, the API list) are asked BENCH_REQUESTS times. The queries are those of one more request.
Cold: BENCH_COLD_REQUESTS (10) requests, each the first after a change (the data version moved, as a
curator's edit moves it): the request computes the figures it needs (the facet index, the page's counts) and
shares them; nothing is computed in the background. Shared: the same, but the figures were computed by
another process already and are read from the shared cache, as every other process meets them once.
Pages that answer 404 (not built yet) are reported as not available. The CSV export is timed and, in a
separate request, its peak Python memory measured with tracemalloc.

Each database and size runs in a child process (settings are read once per process); this parent collects
their results, prints the table and writes bench/results.json. It is a benchmark, not a test: the figures
depend on the machine and on what else runs on it, so the load average is recorded beside them.
"""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
RESULTS = BENCH_DIR / "results.json"
SEED = 1

# (key, label): the rows of the table, in order.
PAGES = [
    ("home", "home"),
    ("browse", "browse"),
    ("browse_facets", "browse, two facets"),
    ("search", "search"),
    ("search_facet", "search and a facet"),
    ("product", "product page"),
    ("product_many", "product, many relations"),
    ("theme", "a core theme's page"),
    ("partnership", "a partnership's page"),
    ("organisation", "an organisation's page"),
    ("partnerships", "partnerships"),
    ("map", "map"),
    ("world_map", "world map"),
    ("network", "network"),
    ("gaps", "gaps"),
    ("api_list", "API list"),
    ("api_theme", "API list, a core theme"),
    ("api_country", "API list, a country"),
    ("api_search", "API list, a search"),
    ("csv", "CSV export"),
    ("admin_products", "admin: products"),
    ("admin_filtered", "admin: products, filtered"),
    ("admin_search", "admin: products, search"),
    ("admin_needs", "admin: needs"),
    ("admin_products_counts", "admin: products, counts"),
    ("admin_filtered_counts", "admin: products, filtered, counts"),
    ("admin_search_counts", "admin: products, search, counts"),
    ("admin_needs_counts", "admin: needs, counts"),
    ("admin_other", "admin: other lists, counts"),
]
# Budgets at 100,000 products on PostgreSQL (p95, milliseconds).
BUDGETS_MS = {
    "home": 100,
    "browse": 150,
    "browse_facets": 150,
    "search": 150,
    "search_facet": 150,
    "product": 30,
    "product_many": 30,
    "theme": 150,
    "partnership": 150,
    "organisation": 150,
    "partnerships": 300,  # every partnership with its members, as the network
    "map": 150,
    "world_map": 150,
    "network": 300,  # at 400 partnerships (the generator's at 100,000 products)
    "gaps": 150,
    "api_list": 100,
    "api_theme": 100,
    "api_country": 100,
    "api_search": 100,
    "admin_products": 300,
    "admin_filtered": 300,
    "admin_search": 300,
    "admin_needs": 300,
    "admin_products_counts": 300,
    "admin_filtered_counts": 300,
    "admin_search_counts": 300,
    "admin_needs_counts": 300,
    "admin_other": 300,
    "matching": 100,  # needs.matching.suggest_products, not a page
}
API_PATHS = ["/api/products/", "/api/v1/products/", "/api/"]
CSV_PATH = "/products/export.csv"
CSV_ROWS = 10_000


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- the parent: databases, child processes, the table ---------------------------------------------------


def main() -> None:
    sizes = [int(size) for size in env_list("BENCH_SIZES", "1000,10000,100000")]
    databases = env_list("BENCH_DATABASES", "sqlite,postgresql")
    runs = []
    for database in databases:
        for size in sizes:
            url = fresh_database(database, size)
            print(f"\n== {database}, {size:,} products", flush=True)
            run = run_child(url, size)
            run["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
            runs.append(run)
    results = {
        "machine": machine(),
        "requests_per_page": int(os.environ.get("BENCH_REQUESTS", "30")),
        "cold_requests_per_page": int(os.environ.get("BENCH_COLD_REQUESTS", "10")),
        "budgets_ms": BUDGETS_MS,
        "runs": runs,
    }
    print()
    print(report(results))
    # The growth curve is drawn from every size measured, in this run or an earlier one: the runs of other
    # databases and sizes stay in the file, each with its own machine's load.
    kept = [
        r
        for r in earlier_runs()
        if (r["database"], r["size"]) not in {(n["database"], n["size"]) for n in runs}
    ]
    results["runs"] = sorted(kept + runs, key=lambda r: (r["database"], r["size"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(BASE_DIR)}.")
    sys.path.insert(0, str(BASE_DIR))
    try:
        from bench import plot
    except ImportError as error:  # matplotlib is a development dependency
        print(f"No plot ({error}).")
    else:
        print(f"Drawn: {plot.draw(results).relative_to(BASE_DIR)}.")


def earlier_runs() -> list[dict]:
    try:
        return json.loads(RESULTS.read_text())["runs"]
    except (OSError, ValueError, KeyError):
        return []


def fresh_database(database: str, size: int) -> str:
    if database == "sqlite":
        path = BENCH_DIR / f"bench-{size}.sqlite3"
        for leftover in BENCH_DIR.glob(f"{path.name}*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    if database == "postgresql":
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'bench')}_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and os.environ.get("BENCH_REUSE_DATABASE"):
                # Generated by an earlier run (a million products take many minutes): measured as it is.
                return f"{server}/{name}"
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{server}/{name}"
    raise SystemExit(f"BENCH_DATABASES: unknown database {database!r} (sqlite, postgresql)")


def run_child(database_url: str, size: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-secret",
        "INSECURE_HTTP": "1",
        "ALLOWED_HOSTS": "testserver",
        "ACCESS_LOG": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "BENCH_CHILD_SIZE": str(size),
    }
    result_file = BENCH_DIR / f".result-{os.getpid()}.json"
    env["BENCH_CHILD_RESULT"] = str(result_file)
    subprocess.run([sys.executable, __file__], env=env, cwd=BASE_DIR, check=True)
    result = json.loads(result_file.read_text())
    result_file.unlink()
    return result


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
        "finished": time.strftime("%Y-%m-%d %H:%M"),
    }


def table(results: dict, cold: bool | str = False) -> str:
    """A Markdown table: a row per page, a column per database and size: p50 / p95 ms (queries). `cold`:
    True for the first request after a change, "shared" for the first in a process after another computed."""
    runs = results["runs"]
    head = ["page", *[f"{r['database']} {r['size']:,}" for r in runs]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label in PAGES:
        if cold and key == "csv":
            continue
        lines.append("| " + " | ".join([label, *[cell(key, run, cold) for run in runs]]) + " |")
    if not cold:
        generated = [f"{r['generate_seconds']:.1f} s" if r["generate_seconds"] else "earlier" for r in runs]
        lines.append("| generate data | " + " | ".join(generated) + " |")
    return "\n".join(lines)


def cell(key: str, run: dict, cold: bool | str = False) -> str:
    page = run["pages"].get(key)
    if not page or page.get("status") == 404:
        return "n/a"
    if key == "csv":
        return f"{page['seconds'] * 1000:.0f} ms ({page['rows']:,} rows), {page['peak_mib']:.1f} MiB"
    if cold == "shared":
        if "shared_p50_ms" not in page:
            return "n/a"
        return f"{page['shared_p50_ms']:.0f} / {page['shared_p95_ms']:.0f}"
    prefix = "cold_" if cold else ""
    p50, p95, queries = page[f"{prefix}p50_ms"], page[f"{prefix}p95_ms"], page[f"{prefix}queries"]
    over = ""
    budget = BUDGETS_MS.get(key)
    # The budgets are for requests after the figures are computed; the first after a change may take longer.
    if not cold and run["database"] == "postgresql" and run["size"] >= 100_000 and budget and p95 > budget:
        over = " ⚠"
    return f"{p50:.0f} / {p95:.0f}{over} ({queries})"


def matching_table(results: dict) -> str:
    lines = [
        "| suggest_products | " + " | ".join(f"{r['database']} {r['size']:,}" for r in results["runs"]) + " |"
    ]
    lines.append("|" + "---|" * (len(results["runs"]) + 1))
    cells = []
    for run in results["runs"]:
        found = run.get("matching") or {}
        if "p95_ms" not in found:
            cells.append("n/a")
            continue
        over = (
            " ⚠"
            if run["database"] == "postgresql"
            and run["size"] >= 100_000
            and found["p95_ms"] > BUDGETS_MS["matching"]
            else ""
        )
        cells.append(f"{found['p50_ms']:.0f} / {found['p95_ms']:.0f}{over} ({found['queries']})")
    lines.append("| warm, p50 / p95 ms (queries) | " + " | ".join(cells) + " |")
    builds = [
        f"{r['matching']['cold_p50_ms']:.0f} ms, {r['matching']['product_index_mib']} MiB"
        if "cold_p50_ms" in (r.get("matching") or {})
        else "n/a"
        for r in results["runs"]
    ]
    lines.append("| building the indexes after a change | " + " | ".join(builds) + " |")
    return "\n".join(lines)


def growth_table(results: dict) -> str:
    """Per database and size: a web process's memory, the facet index, the search index."""
    runs = results["runs"]
    lines = [
        "| per size | " + " | ".join(f"{r['database']} {r['size']:,}" for r in runs) + " |",
        "|" + "---|" * (len(runs) + 1),
    ]

    def row(label, value):
        lines.append(f"| {label} | " + " | ".join(value(r) for r in runs) + " |")

    row(
        "web process after warming, RSS MiB",
        lambda r: f"{r['web_process']['rss_mib']:.0f}" if "web_process" in r else "n/a",
    )
    row(
        "facet index: build ms, MiB pickled",
        lambda r: (
            f"{r['facet_index']['build_ms']:,}, {r['facet_index']['mib']}" if "facet_index" in r else "n/a"
        ),
    )
    row(
        "search index MiB",
        lambda r: "n/a" if r.get("search_index_mib") is None else f"{r['search_index_mib']}",
    )
    row(
        "search postings in memory: build s, MiB",
        lambda r: (
            f"{r['search_postings']['build_s']}, {r['search_postings']['mib']}"
            if r.get("search_postings")
            else "n/a"
        ),
    )
    return "\n".join(lines)


def report(results: dict) -> str:
    return "\n".join(
        [
            growth_table(results),
            "",
            matching_table(results),
            "",
            f"Warm: p50 / p95 in ms over {results['requests_per_page']} requests (queries per request); "
            "browse, search and product pages on URLs never asked for before, each once. "
            "CSV export: time (rows), peak Python memory.",
            "",
            table(results),
            "",
            f"Cold: p50 / p95 in ms over {results['cold_requests_per_page']} requests, each the first after "
            "a change, computing the figures it needs (queries per request).",
            "",
            table(results, cold=True),
            "",
            "Shared: p50 / p95 in ms, the first request in a process after a change whose figures another "
            "process computed (read from the shared cache).",
            "",
            table(results, cold="shared"),
            "",
            f"⚠: over the budget. Load average at the end: {results['machine']['load_average_at_end']} "
            f"on {results['machine']['cpus']} CPUs.",
        ]
    )


# --- the child: one database, one size -------------------------------------------------------------------


def child() -> None:
    size = int(os.environ["BENCH_CHILD_SIZE"])
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from inventory.models import KnowledgeProduct

    generated = None
    if (
        KnowledgeProduct.objects.count() != size
    ):  # else a database kept from an earlier run (BENCH_REUSE_DATABASE)
        started = time.perf_counter()
        call_command("generate_bench_data", products=size, seed=SEED)
        generated = time.perf_counter() - started
        # What a database that has been running a while has: statistics for the planner, a visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    from search import relevance

    # The index that ranks searches and needs, which a site's job worker builds after a change: built here
    # (or read, when an earlier run left it), so that no timed process waits for it or times search unranked.
    started = time.perf_counter()
    relevance.current()
    print(f"  {'relevance index':<20} ready in {time.perf_counter() - started:.1f} s", flush=True)
    result = {
        "database": connection.vendor,
        "size": size,
        "generate_seconds": round(generated, 1) if generated is not None else None,
        "search_index_mib": search_index_mib(),
        "search_postings": measure_search_postings(),
        "facet_index": measure_facet_index(),
        "web_process": measure_web_process(),
        "pages": measure_pages(),
    }
    # Building the matching indexes three times takes minutes past 100,000 products.
    if size <= int(os.environ.get("BENCH_MATCHING_MAX_SIZE", "100000")):
        result["matching"] = measure_matching()
    Path(os.environ["BENCH_CHILD_RESULT"]).write_text(json.dumps(result))


def search_index_mib() -> float | None:
    """What full-text search keeps besides the products: the tables (and their indexes) named for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE '%%search%%'"
            )
            return round(float(cursor.fetchone()[0]) / 2**20, 1)
        try:
            cursor.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE '%search%' OR name LIKE '%fts%'"
            )
        except Exception:  # SQLite without the dbstat table
            return None
        return round(cursor.fetchone()[0] / 2**20, 1)


def measure_facet_index() -> dict:
    """Building the facet index (median of three, from the database) and its size pickled, as the shared
    cache keeps it."""
    import pickle

    from search import index

    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        built = index.build()
        seconds.append(time.perf_counter() - started)
    result = {
        "build_ms": round(statistics.median(seconds) * 1000),
        "mib": round(len(pickle.dumps(built)) / 2**20, 1),
    }
    print(f"  {'facet index':<20} built in {result['build_ms']} ms, {result['mib']} MiB pickled", flush=True)
    return result


def measure_search_postings() -> dict | None:
    """PostgreSQL: the search documents' common words in memory (search.postings), which a site's job
    worker builds after a change: their build time and size. Built here as the worker would, so that the
    web process measured next reads them, as a site's processes do."""
    from django.db import connection

    from search import postings, relevance

    if connection.vendor != "postgresql":
        return None
    started = time.perf_counter()
    relevance.build_kept(postings.CACHE_NAME, postings.build)
    seconds = time.perf_counter() - started
    built = postings.current()
    result = {"build_s": round(seconds, 1), "mib": built.mib(), "words": len(built.words)}
    print(
        f"  {'search postings':<20} built in {result['build_s']} s, {result['mib']} MiB, "
        f"{result['words']:,} words",
        flush=True,
    )
    return result


def search_postings_built() -> None:
    """What a site's job worker does within seconds of a change: build the search documents' common words
    for the catalogue's new version (search.postings), which a search reads its matches from (until then,
    the database finds them: the cold figures)."""
    from django.db import connection

    from search import postings, relevance

    if connection.vendor == "postgresql":
        relevance.build_kept(postings.CACHE_NAME, postings.build)


def measure_web_process() -> dict:
    """The memory of a web process after warming: a fresh process, set up as gunicorn's are
    (knowledgemap.wsgi), that has served every page once (their figures, the facet index and what the gaps
    page's suggestions need built or read), its resident set size (RSS) and peak."""
    env = {**os.environ, "BENCH_WEB_PROCESS": "1"}
    env.pop("BENCH_CHILD_SIZE", None)
    found = subprocess.run(
        [sys.executable, __file__], env=env, cwd=BASE_DIR, check=True, capture_output=True, text=True
    )
    result = json.loads(found.stdout.strip().splitlines()[-1])
    print(
        f"  {'web process':<20} {result['rss_mib']} MiB resident after warming (peak {result['peak_mib']}), "
        f"{result.get('own_mib')} of its own, the rest mapped from files the machine's processes share"
    )
    return result


def web_process() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    from django.db import close_old_connections
    from django.test import Client

    import knowledgemap.wsgi  # noqa: F401  (django.setup() and gc.freeze(), as in gunicorn's workers)

    client = Client()
    for key, urls in page_urls(client).items():
        if key != "csv":
            for url in urls[:3]:
                client.get(url)
                close_old_connections()  # as a server does after each request (the test client does not)
    status = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    mib = {name: round(int(status[name].split()[0]) / 1024, 1) for name in ("VmRSS", "VmHWM", "RssAnon")}
    # Its share of the pages it holds with other processes (the arrays files of core.freshness): PSS.
    rollup = Path("/proc/self/smaps_rollup").read_text()
    pss = round(int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1)) / 1024, 1)
    result = {"rss_mib": mib["VmRSS"], "peak_mib": mib["VmHWM"], "own_mib": mib["RssAnon"], "pss_mib": pss}
    print(json.dumps(result))


def measure_pages() -> dict:
    from django.test import Client

    import knowledgemap.wsgi  # noqa: F401  (what a server process does at start, gc.freeze() among it)

    client = Client()
    urls = page_urls(client)
    curator = Client()
    curator.force_login(_bench_superuser())
    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    warmup = int(os.environ.get("BENCH_WARMUP", "5"))
    cold_requests = int(os.environ.get("BENCH_COLD_REQUESTS", "10"))
    pages = {}
    only = env_list("BENCH_PAGES", ",".join(key for key, _ in PAGES))
    for key, label in PAGES:
        if key not in only:
            continue
        if key == "csv":
            pages[key] = measure_csv(client, urls.get(key))
            continue
        if not urls.get(key):
            pages[key] = {"status": 404}
            print(f"  {label:<20} not available", flush=True)
            continue
        asking = curator if key.startswith("admin_") else client
        pages[key] = measure(asking, urls[key], requests, warmup, cold_requests)
        page = pages[key]
        warm = f"warm {page['p50_ms']:7.1f} / {page['p95_ms']:7.1f} ms ({page['queries']:2} queries)"
        cold = f"cold {page['cold_p50_ms']:7.1f} / {page['cold_p95_ms']:7.1f} ms ({page['cold_queries']:2})"
        shared = f"shared {page['shared_p50_ms']:6.1f} / {page['shared_p95_ms']:6.1f} ms"
        print(f"  {label:<20} {warm}   {cold}   {shared}", flush=True)
    return pages


def _bench_superuser():
    from django.contrib.auth.models import User

    user, _created = User.objects.get_or_create(
        username="bench-curator", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def measure_matching() -> dict:
    """`needs.matching.suggest_products` for BENCH_REQUESTS needs never asked for before, each once, the
    indexes built (warm; queries of one more); and what building them costs after a change (cold: the
    product index and the answered needs' index, and the size of what the shared cache keeps)."""
    import pickle

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import freshness
    from needs import matching
    from needs.models import KnowledgeNeed
    from search import relevance

    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    needs = list(KnowledgeNeed.objects.order_by("?").prefetch_related("themes")[: requests + 1])
    if not needs:
        return {"status": 404}
    cold, sizes = [], {}
    for _ in range(3):
        freshness.changed("inventory.knowledgeproduct")
        relevance.forget()
        started = time.perf_counter()
        relevance.build_job.call()  # what the job worker does after a change to the catalogue
        sizes["product_index_mib"] = len(pickle.dumps(relevance.current())) / 2**20
        sizes["answered_needs_mib"] = (
            len(pickle.dumps(relevance.kept(matching.ANSWERED_NEEDS, matching.answered_needs))) / 2**20
        )
        cold.append(time.perf_counter() - started)
    matching.suggest_products(needs[-1])
    warm = []
    for need in needs[:requests]:
        started = time.perf_counter()
        matching.suggest_products(need)
        warm.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        matching.suggest_products(needs[-1])
    result = {
        **percentiles(warm),
        "queries": len(queries),
        **{f"cold_{key}": value for key, value in percentiles(cold).items()},
        **{key: round(value, 1) for key, value in sizes.items()},
    }
    print(
        f"  {'suggest_products':<20} warm {result['p50_ms']:7.1f} / {result['p95_ms']:7.1f} ms "
        f"({result['queries']:2} queries)   building the indexes {result['cold_p50_ms']:7.0f} ms, "
        f"{result['product_index_mib']} + {result['answered_needs_mib']} MiB pickled",
        flush=True,
    )
    return result


def page_urls(client) -> dict[str, list[str]]:
    """For each page the URLs to cycle through: several, so that each request asks something else, as
    visitors do (a different product, search or combination of filters)."""
    from django.db.models import Count, Q

    from inventory.models import Country, KnowledgeProduct, Organisation, Partnership, ProductType, Theme

    published = KnowledgeProduct.objects.published()
    slugs = list(published.order_by("?").values_list("slug", flat=True)[:32])
    # The products with the most organisations, partnerships, stakeholders and themes: the longest pages.
    rich = list(
        published.annotate(
            relations=Count("organisations", distinct=True)
            + Count("partnerships", distinct=True)
            + Count("involvements", distinct=True)
            + Count("themes", distinct=True)
        )
        .order_by("-relations", "pk")
        .values_list("slug", flat=True)[:32]
    )
    popular = Q(products__status=KnowledgeProduct.Status.PUBLISHED)
    core_themes = list(
        Theme.objects.filter(parent=None)
        .annotate(n=Count("products", filter=popular))
        .order_by("-n")
        .values_list("slug", flat=True)
    )
    themes = list(
        Theme.objects.annotate(n=Count("products", filter=popular))
        .order_by("-n")
        .values_list("slug", flat=True)[:7]
    )
    countries = list(
        Country.objects.annotate(n=Count("products", filter=popular))
        .order_by("-n")
        .values_list("code", flat=True)[:5]
    )
    types = list(ProductType.objects.order_by("position").values_list("slug", flat=True))
    # The partnerships and organisations with the most products: the longest of their pages.
    owners = {
        model: list(
            model.objects.annotate(n=Count("products", filter=popular))
            .order_by("-n", "pk")
            .values_list("slug", flat=True)[:32]
        )
        for model in (Partnership, Organisation)
    }
    words = [
        "advocacy", "land rights", "women", "budget", "climate", "toolkit", "youth", "water", "mining",
        "justice", "farmers", "radio", "lessons", "digital security", "peacebuilding", "tax", "gender",
        "accountability", "forest", "coalition", "evidence", "councils", "training", "health",
        "journalists", "data", "fisheries", "election", "trade", "sanitation", "monitoring", "lobby",
    ]  # fmt: skip
    api = API_PATHS[0]
    urls = {
        "home": ["/"],
        "browse": ["/products/", *[f"/products/?page={n}" for n in range(2, 33)]],
        "browse_facets": [f"/products/?theme={t}&country={c}" for t in themes for c in countries],
        "search": [f"/products/?q={w.replace(' ', '+')}" for w in words],
        "search_facet": [
            f"/products/?q={w.replace(' ', '+')}&type={types[i % len(types)]}" for i, w in enumerate(words)
        ],
        "product": [f"/products/{slug}/" for slug in slugs],
        "product_many": [f"/products/{slug}/" for slug in rich],
        # A core theme's page in each language: each request another page.
        "theme": [f"{prefix}/themes/{t}/" for prefix in ("", "/nl", "/fr", "/es") for t in core_themes],
        "partnership": [f"/partnerships/{slug}/" for slug in owners[Partnership]],
        "organisation": [f"/organisations/{slug}/" for slug in owners[Organisation]],
        "partnerships": ["/partnerships/", "/nl/partnerships/"],
        "map": ["/map/"],
        "world_map": [
            "/map/world/",
            "/map/world/?show=needs",
            *[f"/map/world/?theme={t}" for t in themes],
            *[f"/map/world/?type={t}&show=ratio" for t in types[:4]],
        ],
        "network": ["/map/network/", "/map/network/?show=themes"],
        "gaps": ["/gaps/"],
        "api_list": API_PATHS,
        # What people ask the API for: a core theme (sub-themes included), a country, a search; with pages of
        # other sizes too, so that each request asks something new.
        "api_theme": [f"{api}?theme={t}&page_size={20 + n}" for n in range(8) for t in core_themes],
        "api_country": [f"{api}?country={c}&page_size={20 + n}" for n in range(7) for c in countries],
        "api_search": [f"{api}?q={w.replace(' ', '+')}" for w in words],
        "csv": [CSV_PATH],
        # The curators' lists, signed in (measure_pages): the products list, by status and theme, its search
        # box, and the needs list.
        "admin_products": ["/admin/inventory/knowledgeproduct/"],
        "admin_filtered": [
            f"/admin/inventory/knowledgeproduct/?status__exact={status}&themes__id__exact={theme}"
            for status in ("published", "draft")
            for theme in Theme.objects.filter(slug__in=themes).values_list("pk", flat=True)
        ],
        "admin_search": [f"/admin/inventory/knowledgeproduct/?q={w.replace(' ', '+')}" for w in words],
        "admin_needs": ["/admin/needs/knowledgeneed/", "/admin/needs/knowledgeneed/?status__exact=new"],
        # The other lists curators work in, with "Show counts" (the lists above get their own rows with it).
        "admin_other": [
            f"/admin/{path}/?_facets=True"
            for path in (
                "inventory/nomination",
                "inventory/organisation",
                "inventory/partnership",
                "needs/learningactivity",
                "inventory/collection",
            )
        ],
    }
    for plain in ("admin_products", "admin_filtered", "admin_search", "admin_needs"):
        urls[f"{plain}_counts"] = [f"{url}{'&' if '?' in url else '?'}_facets=True" for url in urls[plain]]
    # Only what answers: a page not built yet is "not available", the API at the first path that exists.
    for key in list(urls):
        if key.startswith("admin_"):
            continue
        if key == "api_list":
            urls[key] = [url for url in urls[key] if answers(client, url)][:1]
        elif urls[key] and not answers(client, urls[key][0]):
            urls[key] = []
    if urls["csv"]:
        urls["csv"] = [csv_url_for(CSV_ROWS)]
    return urls


def answers(client, url: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return client.head(url).status_code != 404


def csv_url_for(rows: int) -> str:
    """The export of about `rows` products: the newest years, as many as it takes."""
    from django.db.models import Count

    from inventory.models import KnowledgeProduct

    per_year = (
        KnowledgeProduct.objects.published()
        .exclude(year=None)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    total = 0
    for row in per_year:
        total += row["n"]
        if total >= rows:
            return f"{CSV_PATH}?year_min={row['year']}"
    return CSV_PATH


def measure(client, urls: list[str], requests: int, warmup: int, cold_requests: int) -> dict:
    """Warm: the data unchanged since the figures shared by every page were computed (the facet index, the
    map's and the gaps' counts). Pages with many URLs (browse, searches, filters, products) are timed on
    URLs never asked for before, each once: what a visitor meets who asks something new, with nothing of
    that page cached. Pages with one URL (home, map, gaps, the API list) are asked again and again. Cold:
    every request is the first after a change. Shared: the first after a change in this process, another
    having computed the figures already."""
    from core import freshness
    from search import index

    def invalidate_public_aggregates():
        freshness.changed("inventory.knowledgeproduct")  # as a curator's change does

    if any("q=" in url for url in urls):
        search_postings_built()
    first_visits = len(urls) > requests
    if first_visits:
        # The shared figures, from the last URL, which is then only used to count queries.
        timed_get(client, urls[-1])
        warm = [timed_get(client, urls[n]) for n in range(requests)]
        invalidate_public_aggregates()
        timed_get(client, urls[0])  # the shared figures again, not from the last URL
        warm_queries, status = count_queries(client, urls[-1])
    else:
        for n in range(max(warmup, len(urls))):
            timed_get(client, urls[n % len(urls)])
        warm = [timed_get(client, urls[n % len(urls)]) for n in range(requests)]
        warm_queries, status = count_queries(client, urls[0])
    cold = []
    for n in range(cold_requests):
        invalidate_public_aggregates()
        cold.append(timed_get(client, urls[n % len(urls)]))
    invalidate_public_aggregates()
    cold_queries, _status = count_queries(client, urls[0])
    shared = []
    for n in range(cold_requests):
        invalidate_public_aggregates()
        timed_get(client, urls[(n + 1) % len(urls)])  # "another process" computes and shares
        index.forget()  # this one has nothing in its memory
        shared.append(timed_get(client, urls[n % len(urls)]))
    return {
        "url": urls[0],
        "urls": len(urls),
        "first_visits": first_visits,
        "status": status,
        **percentiles(warm),
        "queries": warm_queries,
        **{f"cold_{key}": value for key, value in percentiles(cold).items()},
        "cold_queries": cold_queries,
        **{f"shared_{key}": value for key, value in percentiles(shared).items()},
    }


def percentiles(seconds: list[float]) -> dict:
    if len(seconds) < 2:
        seconds = seconds * 2
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(seconds) * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1)}


def count_queries(client, url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return len(queries), status


def timed_get(client, url: str) -> float:
    from search.facets import forget_searches

    # Each search timed as if never made before: "search and a facet" uses the words of "search", which a
    # process keeps the matches of (search.facets), as it does for a visitor who narrows a search.
    forget_searches()
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    elapsed = time.perf_counter() - started
    if response.status_code >= 400:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def measure_csv(client, urls: list[str] | None) -> dict:
    """The export's time (median of five) and, in a separate request, its peak Python memory: tracemalloc
    slows everything down, so it does not run while timing."""
    import tracemalloc

    if not urls:
        print(f"  {'CSV export':<20} not available", flush=True)
        return {"status": 404}
    url = urls[0]
    seconds = statistics.median(timed_get(client, url) for _ in range(5))
    tracemalloc.start()
    response = client.get(url)
    rows = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        rows += chunk.count(b"\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result = {
        "url": url,
        "status": response.status_code,
        "rows": max(rows - 1, 0),  # less the header
        "seconds": round(seconds, 3),
        "peak_mib": round(peak / 2**20, 2),
    }
    rows = f"{result['rows']:,} rows"
    print(f"  {'CSV export':<20} {seconds * 1000:7.0f} ms  {rows}  peak {result['peak_mib']} MiB")
    return result


if __name__ == "__main__":
    if os.environ.get("BENCH_WEB_PROCESS"):
        web_process()
    elif os.environ.get("BENCH_CHILD_SIZE"):
        child()
    else:
        main()
