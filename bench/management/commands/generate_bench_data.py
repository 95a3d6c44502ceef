"""Fill a database with fictional products at any size, to measure the site (`make bench`)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.synthetic import Generator, Sizes
from core import freshness
from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed


class Command(BaseCommand):
    help = (
        "Generate fictional products (with partnerships, organisations, stakeholders, tags and needs in "
        "proportion) for benchmarking. Refuses a database that already has products or needs unless "
        "--append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, required=True, help="How many products to make.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument(
            "--append",
            "--force",
            action="store_true",
            help="Add to a database that already has products or needs.",
        )

    def handle(self, *args, products, seed, append, **options):
        if products < 1:
            raise CommandError("--products must be at least 1.")
        if not append and (KnowledgeProduct.objects.exists() or KnowledgeNeed.objects.exists()):
            raise CommandError(
                "This database already has products or needs; generate into an empty one, or give "
                "--append to add fictional data to what is there."
            )
        sizes = Sizes(products)
        self.stdout.write(
            f"Generating {sizes.products} products, {sizes.needs} needs, {sizes.partnerships} partnerships, "
            f"{sizes.organisations} organisations on {connection.vendor} (seed {seed}) …"
        )
        started = time.perf_counter()
        generator = Generator(sizes=sizes, seed=seed, clock=time.perf_counter, log=self.stdout.write)
        report = generator.run()
        # Written in bulk, without signals: the public figures are of other data now.
        freshness.changed(KnowledgeProduct)
        elapsed = time.perf_counter() - started
        for name, count in report.counts.items():
            self.stdout.write(f"  {count:>9,} {name}")
        self.stdout.write(self.style.SUCCESS(f"Generated {sizes.products:,} products in {elapsed:.1f} s."))
