"""The benchmark's own logic: the table it prints (the measuring runs in `make bench`, not here)."""

from bench.run import BUDGETS_MS, cell, growth_table, table


def page(p50=10.0, p95=20.0, queries=5, status=200):
    cold = {"cold_p50_ms": 300.0, "cold_p95_ms": 400.0, "cold_queries": 15}
    return {"p50_ms": p50, "p95_ms": p95, "queries": queries, "status": status, **cold}


def run(database="postgresql", size=100_000, **pages):
    return {"database": database, "size": size, "generate_seconds": 12.3, "pages": pages}


def test_a_page_not_built_yet_is_not_available():
    assert cell("gaps", run(gaps={"status": 404})) == "n/a"
    assert cell("gaps", run()) == "n/a"


def test_a_cell_shows_p50_p95_and_queries():
    assert cell("browse", run(browse=page(12.4, 48.6, 18))) == "12 / 49 (18)"


def test_a_budget_missed_at_100000_products_on_postgresql_is_marked():
    over = page(p95=BUDGETS_MS["product"] + 1)
    assert cell("product", run(product=over)).endswith("⚠ (5)")
    assert "⚠" not in cell("product", run(database="sqlite", product=over))
    assert "⚠" not in cell("product", run(size=10_000, product=over))


def test_the_csv_cell_shows_time_rows_and_memory():
    csv = {"status": 200, "seconds": 1.234, "rows": 10_000, "peak_mib": 3.5}
    assert cell("csv", run(csv=csv)) == "1234 ms (10,000 rows), 3.5 MiB"


def test_the_table_has_a_column_per_run_and_a_row_per_page():
    results = {"requests_per_page": 30, "runs": [run("sqlite", 1000, home=page()), run(home=page())]}
    lines = table(results).splitlines()
    assert lines[0] == "| page | sqlite 1,000 | postgresql 100,000 |"
    assert lines[2] == "| home | 10 / 20 (5) | 10 / 20 (5) |"
    assert "| generate data | 12.3 s | 12.3 s |" in lines


def test_the_cold_table_shows_the_first_requests_after_a_change_against_no_budget():
    results = {"requests_per_page": 30, "runs": [run(home=page())]}
    assert "| home | 300 / 400 (15) |" in table(results, cold=True).splitlines()


def test_the_shared_table_shows_the_first_request_in_another_process():
    results = {
        "requests_per_page": 30,
        "runs": [run(home={**page(), "shared_p50_ms": 40, "shared_p95_ms": 55})],
    }
    assert "| home | 40 / 55 |" in table(results, cold="shared").splitlines()


def test_the_growth_table_shows_memory_and_the_indexes_per_size():
    small = {**run("postgresql", 1000), "web_process": {"rss_mib": 134.2}, "search_index_mib": 0.4}
    large = {
        **run("postgresql", 100_000),
        "web_process": {"rss_mib": 360.4},
        "facet_index": {"build_ms": 6166, "mib": 6.6},
        "search_index_mib": None,
    }
    lines = growth_table({"runs": [small, large]}).splitlines()
    assert lines[0] == "| per size | postgresql 1,000 | postgresql 100,000 |"
    assert "| web process after warming, RSS MiB | 134 | 360 |" in lines
    assert "| facet index: build ms, MiB pickled | n/a | 6,166, 6.6 |" in lines
    assert "| search index MiB | 0.4 | n/a |" in lines


def test_the_growth_curve_is_drawn_from_the_sizes_measured(tmp_path):
    from bench import plot

    runs = [
        {**run("postgresql", size, product=page(p95=size / 1000)), "web_process": {"rss_mib": size / 500}}
        for size in (1000, 10_000, 100_000)
    ]
    picture = plot.draw({"runs": [*runs, run("sqlite", 1000, product=page())]}, tmp_path / "growth.png")
    assert picture.read_bytes().startswith(b"\x89PNG") and picture.stat().st_size > 10_000
