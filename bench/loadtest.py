"""Load test: many clients browsing, searching and submitting needs against `make serve`.

    make loadtest                                    # SQLite file bench/loadtest.sqlite3
    LOADTEST_DATABASE_URL=postgres://… make loadtest # PostgreSQL (a throwaway database)
    make loadtest LOADTEST_ARGS="--clients 10 --duration 20"
    make loadtest LOADTEST_ARGS="--url http://127.0.0.1:8000"   # a server already running, on DATABASE_URL
    make loadtest LOADTEST_ARGS="--cached"           # through the caching proxy (make serve-cached)
    make loadtest LOADTEST_ARGS="--rate 30"          # an open load: 30 visitors' actions a second

Without --url the script starts `make serve` itself on a free port, fills an empty database with fictional
products, runs the clients, stops the server and prints requests, errors and latency percentiles. It
checks that every submission the site accepted (a redirect after the POST) is a row in the database.
Midway it changes a product's title, as a curator would, and asks for that product's page every quarter
second until the documented time a change takes to show (PUBLIC_CACHE_SECONDS plus
PUBLIC_CACHE_STALE_SECONDS, and a second for the proxy's rounding) has passed: an old title served after
that is a stale page, and fails the run.
Pages that do not exist yet (a 404 at start) are left out of the mix, with a note.

By default the load is a closed loop: each client sends its next request as soon as the last is answered, so
the server is always saturated and the figures say how much it serves. With --rate the load is open, as
visitors are: actions arrive at that rate (at random moments, a Poisson process) whatever the answers, and
each waits for a free client (at most --clients at once); a request's time counts from its action's arrival,
so the wait in front of a busy server is in the figures. Arrivals no client could start before the end are
counted.

It only ever talks to this machine (loopback addresses), and stops after --duration seconds or
--max-requests requests, whichever comes first. The exit status is 1 when any request got a 5xx or no
answer, or an accepted submission is missing.
"""

import argparse
import contextlib
import http.cookiejar
import ipaddress
import os
import queue
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
REQUEST_TIMEOUT = 30
STARTUP_TIMEOUT = 180
NEEDS_PATH = "/needs/new/"


# --- what the clients do ------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float
    cache: str = ""  # the caching proxy's X-Cache: HIT, MISS, EXPIRED, STALE, UPDATING, REVALIDATED, BYPASS


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # markers of submissions answered with a redirect
    rejected: Counter = field(default_factory=Counter)  # submissions not accepted, by status
    lock: threading.Lock = field(default_factory=threading.Lock)
    budget: int = 0

    def take(self) -> bool:
        """One request from the global budget; False when it is spent."""
        with self.lock:
            if self.budget <= 0:
                return False
            self.budget -= 1
            return True

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One visitor: its own cookies (for the CSRF token), its own random choices."""

    def __init__(self, base_url: str, plan: "Plan", tally: Tally, number: int, run_id: str):
        self.base_url = base_url
        self.plan = plan
        self.tally = tally
        self.number = number
        self.run_id = run_id
        self.random = random.Random(number)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.submissions = 0
        self.due: float | None = None  # an open load: when the action arrived (its first request's start)
        self.actions = [action for action, _ in plan.mix]
        self.weights = [weight for _, weight in plan.mix]

    def run(self, deadline: float) -> None:
        """A closed loop: one action after another until the deadline."""
        while time.monotonic() < deadline and self.tally.take():
            self.act()

    def take_arrivals(self, arrivals: "queue.Queue[float | None]", deadline: float, missed: list) -> None:
        """An open load: the next action that arrived, as soon as this client is free, until the deadline."""
        while (arrived := arrivals.get()) is not None:
            if time.monotonic() >= deadline or not self.tally.take():
                with self.tally.lock:
                    missed.append(arrived)
                continue
            self.due = arrived
            self.act()

    def act(self) -> None:
        getattr(self, self.random.choices(self.actions, self.weights)[0])()

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str]:
        url = self.base_url + path
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"User-Agent": "knowledgemap-loadtest", "Referer": url}
        started = self.due if self.due is not None else time.monotonic()
        self.due = None
        status, text, cache = 0, "", ""
        try:
            with self.opener.open(urllib.request.Request(url, body, headers), timeout=REQUEST_TIMEOUT) as r:
                status, text = r.status, r.read().decode("utf-8", "replace")
                cache = r.headers.get("X-Cache", "")
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            status, text = error.code, error.read().decode("utf-8", "replace")
            cache = error.headers.get("X-Cache", "")
        except (OSError, urllib.error.URLError):
            status = 0
        self.tally.add(Result(kind, status, time.monotonic() - started, cache))
        return status, text

    def home(self):
        self.request("home", "/")

    def detail(self):
        self.request("detail", self.random.choice(self.plan.detail_paths))

    def browse(self):
        page = self.random.randint(1, 5)
        self.request("browse", f"/products/?page={page}")

    def search(self):
        self.request(
            "search", "/products/?" + urllib.parse.urlencode({"q": self.random.choice(self.plan.words)})
        )

    def healthz(self):
        self.request("healthz", "/healthz")

    def submit_need(self):
        status, page = self.request("need-form", NEEDS_PATH)
        if status != 200 or not self.tally.take():
            return
        self.submissions += 1
        marker = f"{self.run_id}-{self.number}-{self.submissions}"
        status, _ = self.request("need-post", NEEDS_PATH, fill_form(page, marker))
        with self.tally.lock:
            if status in (301, 302, 303):
                self.tally.accepted.append(marker)
            elif status:
                self.tally.rejected[status] += 1


class FormReader(HTMLParser):
    """The fields of the first POST form on a page, with the choices a person could make."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.done = False
        self.fields: list[tuple[str, str, str]] = []  # (name, kind, value)
        self.select: str | None = None
        self.select_multiple = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and not self.done and (attributes.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form or not attributes.get("name") and tag != "option":
            return
        if attributes.get("tabindex") == "-1":  # out of reach of the keyboard: the honeypot people never see
            return
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((attributes["name"], kind, attributes.get("value") or default))
        elif tag == "textarea":
            self.fields.append((attributes["name"], "textarea", ""))
        elif tag == "select":
            self.select = attributes["name"]
        elif tag == "option" and self.select and attributes.get("value"):
            self.fields.append((self.select, "option", attributes["value"]))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def fill_form(page: str, marker: str) -> dict[str, list[str]]:
    """Plausible answers for every field: the marker in every text, the first choice of every list (not a
    prompt such as "Choose your partnership", whose value is empty), every consent box ticked. The marker is
    how the rows are found afterwards."""
    reader = FormReader()
    reader.feed(page)
    data: dict[str, list[str]] = {}
    for name, kind, value in reader.fields:
        if kind in ("submit", "button", "file", "image", "reset"):
            continue
        if kind in ("checkbox", "radio", "option"):
            if kind == "option" and not value:
                continue
            data.setdefault(name, [value])  # the first choice only
        elif kind == "hidden":
            data[name] = [value]
        elif kind == "email":
            data[name] = [f"loadtest-{marker}@example.org"]
        elif kind == "url":
            data[name] = ["https://example.org/"]
        elif kind == "number":
            data[name] = ["1"]
        elif kind == "date":
            data[name] = [time.strftime("%Y-%m-%d")]
        else:
            data[name] = [f"Load test {marker}: what we need to learn"]
    return data


def arrive(arrivals: "queue.Queue[float | None]", rate: float, deadline: float, clients: int) -> None:
    """Put the arrival time of each action in `arrivals`, at `rate` a second on average (exponential gaps,
    seeded), until the deadline; then one None per client, to end them."""
    gaps = random.Random(0)
    moment = time.monotonic()
    while True:
        moment += gaps.expovariate(rate)
        if moment >= deadline:
            break
        time.sleep(max(0.0, moment - time.monotonic()))
        arrivals.put(moment)
    for _ in range(clients):
        arrivals.put(None)


# --- what there is to ask for -----------------------------------------------------------------------


@dataclass
class Plan:
    mix: list[tuple[str, int]]
    detail_paths: list[str]
    words: list[str]
    notes: list[str]


def answers(base_url: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base_url + path, timeout=REQUEST_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def make_plan(base_url: str) -> Plan:
    from inventory.models import KnowledgeProduct, Organisation, Partnership

    products = list(KnowledgeProduct.objects.published().values_list("slug", "title")[:500])
    detail_paths = [f"/products/{slug}/" for slug, _ in products]
    detail_paths += [p.get_absolute_url() for p in Partnership.objects.all()[:100]]
    detail_paths += [o.get_absolute_url() for o in Organisation.objects.all()[:100]]
    words = sorted({w.lower() for _, title in products for w in re.findall(r"[A-Za-z]{5,}", title)}) or [
        "toolkit"
    ]
    mix, notes = [("home", 15), ("healthz", 5)], []
    if detail_paths:
        mix.append(("detail", 40))
    else:
        notes.append("No published products, partnerships or organisations: detail pages left out.")
    if answers(base_url, "/products/") == 404:
        notes.append("/products/ answers 404: browsing and searching left out until the browse page exists.")
    else:
        mix += [("browse", 20), ("search", 15)]
    if answers(base_url, NEEDS_PATH) == 404:
        notes.append(f"{NEEDS_PATH} answers 404: submitting needs left out until the needs form exists.")
    else:
        mix.append(("submit_need", 5))
    return Plan(mix, detail_paths, words, notes)


# --- the server, the database and fictional data ----------------------------------------------------------


def require_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"Refusing to load-test {url}: only this machine (127.0.0.1, localhost, ::1) is a target.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def setup_django(database_url: str) -> None:
    """The ORM in this process, on the server's database: to seed it and to count the submissions."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    os.environ["DEBUG"] = (
        "1"  # only for this process's settings (a throwaway SECRET_KEY); the server runs with 0
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def start_server(
    port: int, database_url: str, log_path: Path, rate_limit: bool, cached: bool = False
) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port)}
    target = ["serve", f"PORT={port}"]
    if cached:
        target = ["serve-cached", f"PORT={port}", f"UPSTREAM_PORT={free_port()}"]
    if not rate_limit:
        # Every client comes from 127.0.0.1, so the per-address limit on the forms would refuse all but the
        # first few submissions of the whole run, and the run would say nothing about storing them.
        environment["SUBMISSION_RATE_LIMIT"] = ""
    log = open(log_path, "w")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        ["make", "--no-print-directory", *target],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so gunicorn and its workers stop with it
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make serve stopped before answering; see {log_path}")
        try:
            if answers(f"http://127.0.0.1:{port}", "/healthz") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit(f"make serve did not answer /healthz within {STARTUP_TIMEOUT} s; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def seed_if_empty(products: int) -> str:
    """Fictional data for an empty inventory, so detail pages and search have something to show. A database
    that already has products is left as it is."""
    from django.db import transaction
    from django.utils import timezone

    from inventory.models import (
        Country,
        KnowledgeProduct,
        Membership,
        Organisation,
        Partnership,
        ProductType,
        Programme,
        Theme,
    )

    if KnowledgeProduct.objects.exists():
        return f"{KnowledgeProduct.objects.published().count()} published products already there; none added."
    rng = random.Random(8)
    topics = ["advocacy", "budget", "climate", "gender", "land", "water", "youth", "dialogue", "evidence"]
    with transaction.atomic():
        programme = Programme.objects.create(name="Load-test programme", start_year=2016, end_year=2020)
        themes = [Theme.objects.create(name=f"Load-test theme {topic}") for topic in topics]
        types = [ProductType.objects.create(name=f"Load-test type {n}") for n in range(6)]
        countries = list(Country.objects.filter(code__in=["KE", "UG", "NL", "BD", "GT", "ML"]))
        organisations = [
            Organisation.objects.create(name=f"Load-test organisation {n}", country=rng.choice(countries))
            for n in range(30)
        ]
        partnerships = []
        for n in range(12):
            partnership = Partnership.objects.create(name=f"Load-test partnership {n}", programme=programme)
            for organisation in rng.sample(organisations, 4):
                Membership.objects.create(partnership=partnership, organisation=organisation)
            partnerships.append(partnership)
        for n in range(products):
            topic = rng.choice(topics)
            product = KnowledgeProduct.objects.create(
                title=f"Load-test {topic} toolkit {n}",
                summary=f"A fictional product about {topic}, made for the load test.",
                why_valuable=f"It shows how {rng.choice(topics)} work was done.",
                product_type=rng.choice(types),
                year=rng.randint(2016, 2024),
                featured=n % 10 == 0,
                status=KnowledgeProduct.Status.PUBLISHED if n % 5 else KnowledgeProduct.Status.DRAFT,
                published_at=timezone.now() if n % 5 else None,
            )
            product.themes.set(rng.sample(themes, 2))
            product.partnerships.set(rng.sample(partnerships, 1))
            product.organisations.set(rng.sample(organisations, 2))
            product.countries.set(rng.sample(countries, 2))
            product.tags.set([topic, rng.choice(topics)])
    published = KnowledgeProduct.objects.published().count()
    return f"Seeded {products} fictional products ({published} published), 12 partnerships, 30 organisations."


def submissions_found(run_id: str) -> set[str] | None:
    """The markers of this run's needs that are rows in the database; None when there is no needs model."""
    from django.apps import apps
    from django.db import models

    try:
        need = apps.get_model("needs", "KnowledgeNeed")
    except LookupError:
        return None
    found = set()
    for text_field in need._meta.get_fields():
        if isinstance(text_field, models.CharField | models.TextField):
            values = need.objects.filter(**{f"{text_field.name}__contains": run_id})
            for value in values.values_list(text_field.name, flat=True):
                found.update(re.findall(rf"{re.escape(run_id)}-\d+-\d+", value))
    return found


def warm_up(base_url: str, plan: Plan, threads: int = 8) -> int:
    """Every page the clients may ask for, once, before the timing starts: as a server (and a proxy's
    cache) that has been running a while has met them. The same for a run with and without the proxy."""
    paths = ["/", *plan.detail_paths, *[f"/products/?page={n}" for n in range(1, 6)]]
    paths += ["/products/?" + urllib.parse.urlencode({"q": word}) for word in plan.words]
    queue = list(reversed(paths))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            with contextlib.suppress(OSError):  # no answer in time: the timed run will say so
                answers(base_url, path)

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(paths)


# --- a change midway --------------------------------------------------------------------------------------


@dataclass
class ChangeCheck:
    """A product changed midway, as a curator would, and what its page showed afterwards."""

    path: str = ""
    new_title: str = ""
    allowed: float = 0.0  # seconds a change may take to show, as documented
    seen: list[tuple[float, int, bool]] = field(default_factory=list)  # (seconds after, status, new title?)
    error: str = ""


def change_midway(base_url: str, plan: Plan, run_id: str, delay: float, check: ChangeCheck) -> None:
    """Ask for the page of the first product the clients ask for every quarter second, without cookies;
    after `delay` seconds change its title, and go on asking until the allowed time and a little more have
    passed."""
    from django.conf import settings
    from django.db import connection

    from inventory.models import KnowledgeProduct

    # nginx counts a page's time in whole seconds: up to one more.
    check.allowed = settings.PUBLIC_CACHE_SECONDS + settings.PUBLIC_CACHE_STALE_SECONDS + 1
    products = [path for path in plan.detail_paths if path.startswith("/products/")]
    if not products:
        check.error = "no product page to change"
        return
    check.path = products[0]
    started = time.monotonic()
    changed = None
    while changed is None or time.monotonic() - changed < check.allowed + 5:
        if changed is None and time.monotonic() - started >= delay:
            try:
                product = KnowledgeProduct.objects.published().get(slug=check.path.strip("/").split("/")[-1])
                product.title = re.sub(r" \(changed \w+\)$", "", product.title) + f" (changed {run_id})"
                product.save()
            finally:
                connection.close()
            check.new_title, changed = product.title, time.monotonic()
        status, page = 0, ""
        try:
            with urllib.request.urlopen(base_url + check.path, timeout=REQUEST_TIMEOUT) as response:
                status, page = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, urllib.error.URLError):
            pass
        if changed is not None:
            check.seen.append((time.monotonic() - changed, status, check.new_title in page))
        time.sleep(0.25)


def report_change(check: ChangeCheck) -> bool:
    if check.error or not check.seen:
        print(f"\nchange    not checked: {check.error or 'the run ended first'}")
        return False
    fresh = [after for after, status, new in check.seen if new]
    old = [after for after, status, new in check.seen if status == 200 and not new]
    stale = [after for after in old if after > check.allowed]
    failed = [after for after, status, _new in check.seen if status != 200]
    print(
        f"\nchange    {check.path} retitled midway; asked {len(check.seen)} times in the "
        f"{check.seen[-1][0]:.0f} s after: new title first at {fresh[0] if fresh else float('nan'):.1f} s, "
        f"old title last at {old[-1] if old else 0:.1f} s (allowed {check.allowed:.0f} s); "
        f"{len(stale)} stale past the allowed time, {len(failed)} not 200"
    )
    return bool(fresh) and not stale and not failed


# --- the run and the report -------------------------------------------------------------------------------


def percentile_ms(seconds: list[float], percent: int) -> float:
    if len(seconds) < 2:
        return (seconds[0] if seconds else 0) * 1000
    return statistics.quantiles(seconds, n=100, method="inclusive")[percent - 1] * 1000


def report(tally: Tally, elapsed: float, run_id: str, plan: Plan) -> bool:
    results = tally.results
    statuses = Counter(r.status for r in results)
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    no_answer = statuses.get(0, 0)
    print(f"\nrequests  {len(results)} in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s)")
    print(f"errors    {server_errors + no_answer} (5xx: {server_errors}, no answer: {no_answer})")
    print(
        "statuses  " + ", ".join(f"{status or 'none'}: {count}" for status, count in sorted(statuses.items()))
    )
    line = "{:<12} {:>8} {:>8} {:>8} {:>8} {:>8}"
    print("\n" + line.format("latency ms", "requests", "p50", "p95", "p99", "max"))
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.kind].append(result.seconds)
    for kind, seconds in [("all", [r.seconds for r in results]), *sorted(by_kind.items())]:
        figures = [f"{percentile_ms(seconds, p):.0f}" for p in (50, 95, 99)]
        print(line.format(kind, len(seconds), *figures, f"{max(seconds, default=0) * 1000:.0f}"))
    caches = Counter(r.cache for r in results if r.cache)
    if caches:
        print("proxy     " + ", ".join(f"{state}: {count}" for state, count in caches.most_common()))
    ok = server_errors == 0 and no_answer == 0
    if any(action == "submit_need" for action, _ in plan.mix):
        found = submissions_found(run_id)
        accepted = set(tally.accepted)
        if found is None:
            print("\nneeds     no needs model in this code: cannot check the rows")
            ok = False
        else:
            lost = accepted - found
            rejected = sum(tally.rejected.values())
            counts = f"{len(accepted)} accepted, {rejected} not accepted, {len(accepted & found)} rows"
            print(f"\nneeds     {counts}, {len(lost)} lost")
            if rejected:
                by_status = sorted(tally.rejected.items())
                print("not accepted, by status: " + ", ".join(f"{s}: {n}" for s, n in by_status))
            # An honest zero: when nothing was accepted, "none lost" proves nothing.
            if not accepted:
                print("needs     no submission was accepted: the check of the rows proves nothing")
            ok = ok and not lost and bool(accepted) and not rejected
    for note in plan.notes:
        print(f"note      {note}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a server already running (loopback only); default: start make serve")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds (at most 600)")
    parser.add_argument("--max-requests", type=int, default=500_000, help="stop after this many requests")
    parser.add_argument(
        "--seed-products", type=int, default=300, help="fictional products for an empty database"
    )
    parser.add_argument(
        "--cached", action="store_true", help="start make serve-cached (the caching proxy), not make serve"
    )
    parser.add_argument(
        "--warm-up", action="store_true", help="ask for every page once, untimed, before the clients start"
    )
    parser.add_argument(
        "--rate",
        type=float,
        help="an open load: this many actions a second arrive, whatever the answers (default: a closed loop)",
    )
    parser.add_argument(
        "--rate-limit",
        action="store_true",
        help="keep the forms' per-address rate limit on (off by default when the script starts the server)",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 600:
        parser.error("--clients must be 1–200 and --duration 0–600 seconds")
    if args.rate is not None and not 0 < args.rate <= 2000:
        parser.error("--rate must be more than 0 and at most 2,000 actions a second")

    BENCH_DIR.mkdir(exist_ok=True)
    server = None
    if args.url:
        base_url = args.url.rstrip("/")
        database_url = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    else:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        database_url = (
            os.environ.get("LOADTEST_DATABASE_URL") or f"sqlite:///{BENCH_DIR / 'loadtest.sqlite3'}"
        )
    require_loopback(base_url)
    database_name = database_url.split("@")[-1]  # no password in the output
    load = (
        f"{args.rate:g} actions a second, at most {args.clients} at once"
        if args.rate
        else f"{args.clients} clients"
    )
    print(f"Load test: {load} for {args.duration:.0f} s against {base_url} on {database_name}")

    try:
        if not args.url:
            log_path = BENCH_DIR / "loadtest-server.log"
            print(f"Starting make serve (log: {log_path.relative_to(BASE_DIR)}) …")
            server = start_server(port, database_url, log_path, args.rate_limit, args.cached)
            if not args.rate_limit:
                print("The forms' per-address rate limit is off for this run (all clients are 127.0.0.1).")
        setup_django(database_url)
        if not args.url:
            print(seed_if_empty(args.seed_products))
        plan = make_plan(base_url)
        print("mix       " + ", ".join(f"{action} {weight}" for action, weight in plan.mix))
        if args.warm_up:
            print(f"warm-up   {warm_up(base_url, plan)} pages asked for once each, untimed")

        run_id = uuid.uuid4().hex[:10]
        tally = Tally(budget=args.max_requests)
        deadline = time.monotonic() + args.duration
        clients = [Client(base_url, plan, tally, n, run_id) for n in range(args.clients)]
        missed: list[float] = []
        if args.rate:
            arrivals: queue.Queue[float | None] = queue.Queue()
            threads = [
                threading.Thread(target=c.take_arrivals, args=(arrivals, deadline, missed), daemon=True)
                for c in clients
            ]
            threads.append(
                threading.Thread(
                    target=arrive, args=(arrivals, args.rate, deadline, args.clients), daemon=True
                )
            )
        else:
            threads = [threading.Thread(target=c.run, args=(deadline,), daemon=True) for c in clients]
        check = ChangeCheck()
        watcher = threading.Thread(
            target=change_midway, args=(base_url, plan, run_id, args.duration / 2, check), daemon=True
        )
        started = time.monotonic()
        for thread in [*threads, watcher]:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + REQUEST_TIMEOUT + 10)
        elapsed = time.monotonic() - started
        ok = report(tally, elapsed, run_id, plan)
        if args.rate:
            offered = len(missed) + sum(1 for r in tally.results if r.kind != "need-post")
            print(
                f"open load {offered} actions arrived ({offered / args.duration:.1f}/s), "
                f"{len(missed)} not started by the end"
            )
        watcher.join(timeout=check.allowed + args.duration + REQUEST_TIMEOUT)
        ok = report_change(check) and ok
    finally:
        if server is not None:
            stop_server(server)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
