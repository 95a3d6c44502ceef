"""Lighthouse's SEO audit of the public pages as `make serve` answers them (production settings, gunicorn).

    make lighthouse                       # needs Lighthouse: npm install -g lighthouse, or LIGHTHOUSE=path
    make lighthouse LIGHTHOUSE_ARGS="--categories seo,accessibility"

Starts `make serve` on a throwaway SQLite file with the demo data, audits the home page, the browse page, a
product page and the needs form in each language (`--languages`, all four by default) in Chromium with
Lighthouse's default, mobile, settings (a phone's screen, a slow 4G network and a slower processor,
simulated), prints each score, and fails if one is under 100 (performance: under 95). Without Lighthouse it
says how to install it and stops (it is not part of `make test`: it needs npm's Lighthouse).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from loadtest import BASE_DIR, free_port, start_server, stop_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The least score each category may have; 100 for the others. Performance is timed, and varies a little.
MINIMUM = {"performance": 95}
# Forms robots.txt keeps crawlers out of: Lighthouse's "is-crawlable" is expected to fail there, and only it.
NOT_CRAWLED = ("/needs/new/",)
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)


def lighthouse_command() -> str | None:
    for candidate in [
        os.environ.get("LIGHTHOUSE"),
        shutil.which("lighthouse"),
        BASE_DIR / "node_modules/.bin/lighthouse",
    ]:
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def prepare_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    for command in (["migrate", "--noinput", "-v0"], ["setup_dev"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def audit(lighthouse: str, url: str, categories: list[str], attempts: int = 3) -> dict[str, float]:
    """Lighthouse's scores for one page. Headless Chromium sometimes loses the trace of a load
    (Lighthouse's NO_NAVSTART); that page is then audited again, up to `attempts` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            return _audit_once(lighthouse, url, categories)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _audit_once(lighthouse: str, url: str, categories: list[str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [
                lighthouse,
                url,
                f"--only-categories={','.join(categories)}",
                "--output=json",
                f"--output-path={report.name}",
                "--quiet",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data = json.loads(Path(report.name).read_text())
    scores = {name: data["categories"][name]["score"] * 100 for name in categories}
    for name, score in scores.items():
        if score < 100:  # say what cost the points
            refs = data["categories"][name]["auditRefs"]
            scored = [(ref["id"], data["audits"][ref["id"]].get("score")) for ref in refs]
            failed = [audit for audit, result in scored if result is not None and result < 1]
            if name == "seo" and failed == ["is-crawlable"] and urlsplit(url).path.endswith(NOT_CRAWLED):
                print(f"    {url} seo: robots.txt keeps crawlers out of the forms, as intended")
                scores[name] = 100
                continue
            print(f"    {url} {name}: {', '.join(failed)}")
            for audit in failed:
                for item in (data["audits"][audit].get("details") or {}).get("items", [])[:5]:
                    node = item.get("node") or {}
                    print(f"      {audit}: {node.get('snippet') or node.get('selector') or item}")
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--categories", default="seo", help="Lighthouse categories, comma-separated")
    parser.add_argument(
        "--languages", default="en,nl,fr,es", help="the site's languages to audit, comma-separated"
    )
    args = parser.parse_args()
    lighthouse = lighthouse_command()
    if lighthouse is None:
        print(
            "Lighthouse is not installed: npm install -g lighthouse (or set LIGHTHOUSE=path/to/lighthouse)."
        )
        return 2
    categories = args.categories.split(",")
    with tempfile.TemporaryDirectory() as folder:
        database_url = prepare_database(Path(folder) / "lighthouse.sqlite3")
        port = free_port()
        server = start_server(port, database_url, Path(folder) / "serve.log", rate_limit=True)
        try:
            base = f"http://127.0.0.1:{port}"
            listing = urllib.request.urlopen(f"{base}/products/").read().decode()
            product = re.search(r'card-title"><a href="(/products/[^"/]+/)"', listing).group(1)
            failed = False
            pages = ["/", "/products/", product, "/needs/new/"]
            prefixes = ["" if code == "en" else f"/{code}" for code in args.languages.split(",")]
            for path in [prefix + page for prefix in prefixes for page in pages]:
                scores = audit(lighthouse, base + path, categories)
                print(f"{path:40.40} " + "  ".join(f"{name} {score:.0f}" for name, score in scores.items()))
                failed |= any(score < MINIMUM.get(name, 100) for name, score in scores.items())
        finally:
            stop_server(server)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
