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


def busy(run: dict, cpus: int) -> bool:
    """Measured while other work held the machine (load average over its CPUs): slower than it would be."""
    return (run.get("load_average_at_end") or [0])[0] > cpus


def draw(results: dict, path: Path = PICTURE) -> Path:
    runs = sorted(results["runs"], key=lambda run: run["size"])
    cpus = (results.get("machine") or {}).get("cpus") or 2
    databases = sorted({run["database"] for run in runs})
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for database in databases:
        mine = [run for run in runs if run["database"] == database]
        for colour, (key, label) in zip(colours, DRAWN.items(), strict=False):
            found = [run for run in mine if "p95_ms" in run["pages"].get(key, {})]
            if found:
                p95 = [run["pages"][key]["p95_ms"] for run in found]
                style = STYLE.get(database, ":")
                latency.plot([run["size"] for run in found], p95, style, color=colour, alpha=0.6)
                latency.plot([], [], style, color=colour, marker="o", label=f"{label} ({database})")
                mark(latency, found, p95, colour, cpus)
        with_memory = [run for run in mine if "web_process" in run]
        if with_memory:
            sizes = [run["size"] for run in with_memory]
            memory.plot(
                sizes,
                [run["web_process"]["rss_mib"] for run in with_memory],
                STYLE.get(database, ":"),
                label=database,
            )
            mark(memory, with_memory, [run["web_process"]["rss_mib"] for run in with_memory], "C0", cpus)
    latency.set(
        xscale="log", yscale="log", xlabel="published and unpublished products", ylabel="p95, ms (warm)"
    )
    latency.set_title("Server time per page (hollow: measured on a busy machine)")
    latency.legend(fontsize="small", ncol=2)
    latency.grid(True, which="both", alpha=0.3)
    memory.set(xscale="log", xlabel="published and unpublished products", ylabel="MiB")
    memory.set_title("A web process after warming (RSS)")
    memory.axhline(400, color="grey", linestyle=":", label="400 MB budget at 1,000,000")
    memory.set_ylim(bottom=0)
    memory.legend()
    memory.grid(True, which="both", alpha=0.3)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def mark(axes, runs: list[dict], values: list[float], colour: str, cpus: int) -> None:
    """A point per run: filled when the machine was quiet, hollow when other work held it."""
    for run, value in zip(runs, values, strict=True):
        face = "white" if busy(run, cpus) else colour
        axes.plot([run["size"]], [value], marker="o", color=colour, markerfacecolor=face, linestyle="")


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH_DIR / "results.json"
    print(draw(json.loads(source.read_text())))
