"""The growth curve: p95 of each page and a web process's memory against the catalogue's size, from
bench/results.json, drawn with matplotlib into bench/growth.png (`python bench/plot.py`; `make bench` draws
it after every run)."""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: a file
import matplotlib.pyplot as plt  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
PICTURE = BENCH_DIR / "growth.png"
# The pages drawn (the others are in the tables): what visitors ask for most, and the slowest.
DRAWN = {
    "browse": "browse",
    "search": "search",
    "product": "product page",
    "map": "map",
    "gaps": "gaps",
    "api_theme": "API, a core theme",
}
STYLE = {"postgresql": "-", "sqlite": "--"}


def draw(results: dict, path: Path = PICTURE) -> Path:
    runs = sorted(results["runs"], key=lambda run: run["size"])
    databases = sorted({run["database"] for run in runs})
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for database in databases:
        mine = [run for run in runs if run["database"] == database]
        for colour, (key, label) in zip(colours, DRAWN.items(), strict=False):
            points = [
                (run["size"], run["pages"][key]["p95_ms"])
                for run in mine
                if "p95_ms" in run["pages"].get(key, {})
            ]
            if points:
                latency.plot(
                    *zip(*points, strict=True),
                    STYLE.get(database, ":"),
                    color=colour,
                    marker="o",
                    label=f"{label} ({database})",
                )
        points = [(run["size"], run["web_process"]["rss_mib"]) for run in mine if "web_process" in run]
        if points:
            memory.plot(*zip(*points, strict=True), STYLE.get(database, ":"), marker="o", label=database)
    latency.set(
        xscale="log", yscale="log", xlabel="published and unpublished products", ylabel="p95, ms (warm)"
    )
    latency.set_title("Server time per page")
    latency.legend(fontsize="small", ncol=2)
    latency.grid(True, which="both", alpha=0.3)
    memory.set(xscale="log", xlabel="published and unpublished products", ylabel="MiB")
    memory.set_title("A web process after warming (RSS)")
    memory.set_ylim(bottom=0)
    memory.legend()
    memory.grid(True, which="both", alpha=0.3)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH_DIR / "results.json"
    print(draw(json.loads(source.read_text())))
