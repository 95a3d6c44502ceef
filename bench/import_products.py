"""Benchmark: import 5,000 knowledge products from a CSV and an Excel sheet, as the admin does it.

    DEBUG=1 .venv/bin/python bench/import_products.py                 # SQLite (a temporary file)
    DEBUG=1 DATABASE_URL=postgres://… .venv/bin/python bench/import_products.py
    … --rows 1000                                                     # another size

For each format it times reading the file, the preview (a dry run, rolled back), the real import, and a
second import of the same file (every row unchanged, so skipped). It works in a throwaway database
(test_<name>) that Django's test machinery creates, migrates and drops, so no real data is touched.
Not a test: the target, under a minute for 5,000 rows, is read off by a person.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.spreadsheets import SEPARATOR  # noqa: E402
from inventory.models import (  # noqa: E402
    Country,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    Theme,
)
from inventory.resources import ProductResource  # noqa: E402

_TEXT = (
    "budget tracking community score cards advocacy land rights women youth climate finance dialogue civic "
    "space inclusion water sanitation forest governance accountability lobby evidence policy"
)
WORDS = _TEXT.split()


def reference_data(rng: random.Random) -> dict[str, list[str]]:
    """Programmes, themes, types, partnerships and organisations, as the reference fixture would hold."""
    programmes = [
        Programme.objects.create(name="Dialogue and Dissent", start_year=2016, end_year=2020),
        Programme.objects.create(name="Power of Voices", start_year=2021, end_year=2025),
    ]
    cores = [Theme.objects.create(name=f"Core theme {n}", position=n) for n in range(4)]
    themes = cores + [Theme.objects.create(name=f"Sub-theme {n}", parent=cores[n % 4]) for n in range(24)]
    types = [ProductType.objects.create(name=f"Type {n}") for n in range(12)]
    countries = list(Country.objects.values_list("code", flat=True))
    organisations = [
        Organisation.objects.create(name=f"Organisation {n}", country_id=rng.choice(countries))
        for n in range(400)
    ]
    partnerships = [
        Partnership.objects.create(name=f"Partnership {n}", acronym=f"P{n}", programme=programmes[n % 2])
        for n in range(46)
    ]
    stakeholders = [Stakeholder.objects.create(name=f"Stakeholder {n}") for n in range(200)]
    return {
        "themes": [t.name for t in themes],
        "types": [t.name for t in types],
        "organisations": [o.name for o in organisations],
        "partnerships": [p.name for p in partnerships],
        "countries": countries,
        "languages": list(Language.objects.values_list("code", flat=True)[:40]),
        "tags": [f"{a} {b}" for a in WORDS[:15] for b in WORDS[15:]],
        "stakeholders": [f"{s.name} ({role})" for s in stakeholders for role in ("audience", "co-creator")],
    }


def build_sheet(rows: int, names: dict[str, list[str]], rng: random.Random) -> tablib.Dataset:
    def some(key, low, high):
        return SEPARATOR.join(rng.sample(names[key], rng.randint(low, high)))

    def sentence(n):
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    columns = ProductResource().column_names()
    dataset = tablib.Dataset(headers=columns)
    for n in range(rows):
        row = {
            "slug": f"product-{n}",
            "title": f"{sentence(6)[:-1]} {n}",
            "type": rng.choice(names["types"]),
            "summary": sentence(25),
            "description": " ".join(sentence(15) for _ in range(6)),
            "why_valuable": sentence(30),
            "themes": some("themes", 1, 3),
            "tags": some("tags", 1, 4),
            "partnerships": some("partnerships", 0, 2),
            "organisations": some("organisations", 1, 3),
            "countries": some("countries", 1, 3),
            "languages": some("languages", 1, 2),
            "stakeholders": some("stakeholders", 0, 2),
            "year": rng.randint(2012, 2025),
            "url": f"https://example.org/products/{n}",
            "status": rng.choice(["published"] * 4 + ["draft"]),
            "featured": rng.choice(["yes"] + ["no"] * 9),
        }
        dataset.append([row[c] for c in columns])
    return dataset


def timed(label: str, function):
    """Wall-clock seconds, and this process's CPU seconds: on a busy machine the second varies less."""
    start, start_cpu = time.perf_counter(), time.process_time()
    value = function()
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(f"  {label:<38} {seconds:7.1f} s   (CPU {cpu:5.1f} s)")
    return value, seconds


def run(fmt: str, content, rows: int) -> float:
    print(f"{fmt.upper()}, {rows} rows ({len(content) / 1e6:.1f} MB)")
    dataset, read = timed("read the file", lambda: tablib.Dataset().load(content, format=fmt))
    preview, dry = timed(
        "preview (dry run, rolled back)", lambda: ProductResource().import_data(dataset, dry_run=True)
    )
    assert not preview.problems, preview.problems[:5]
    result, real = timed("import", lambda: ProductResource().import_data(dataset))
    assert not result.problems and KnowledgeProduct.objects.count() == rows
    again, _ = timed("import again, unchanged (all skipped)", lambda: ProductResource().import_data(dataset))
    assert {row.import_type for row in again.rows} == {"skip"}
    print(f"  {'preview + import':<38} {read + dry + real:7.1f} s")
    return read + dry + real


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file, as in production: an in-memory database would flatter the figures.
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(2016)
        names = reference_data(rng)
        sheet = build_sheet(args.rows, names, rng)
        print(f"Database: {connection.vendor}")
        for fmt in ("csv", "xlsx"):
            KnowledgeProduct.objects.all().delete()
            run(fmt, sheet.export(fmt), args.rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
