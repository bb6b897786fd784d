"""Scale: a cold ``dupcheck scan`` of generated corpora of growing size, and the 13-character baseline.

    python benchmarks/scale/run.py --sizes 1000 5000 10000
    python benchmarks/scale/run.py --corpus real-shaped --sizes 1000 3000 10000

``--corpus real-shaped`` scans corpora shaped like real reports (``benchmarks/real_shaped.py``, seed 1, cached
in ``--cache``/rs-SIZE, scanned with ``--template OUT/templates``) and prints beside the timings how much their
members share against corpus-real (``benchmarks/corpus_stats.py``: the share of member pairs holding a common
13-gram, and how many members use a shared 13-gram). The default ``genre`` corpus is random text, the best case.

For each size (reports of about 5,000 characters from ``benchmarks/genre_corpus.py``, seed 1) it runs
``dupcheck scan CORPUS --format json`` as a fresh process and prints wall time, CPU time (of every process),
memory, characters per second and candidate pairs (pairs of reports aligned); then, in the same run, the exact
13-character matcher of ``benchmarks/accuracy/baseline.py`` on the 1,000-report corpus, so every claim is a
ratio measured side by side.

Memory is given twice: the peak RSS of the largest process, and the peak of the memory all of the scan's
processes hold together (the sum of their proportional set sizes, sampled every 0.25 s), since the workers
forked after reading share the documents with the main process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus_stats
import real_shaped
from accuracy.baseline import exact_runs
from genre_corpus import make_corpus
from tabulate import tabulate

CLI = [sys.executable, "-c", "from dupcheck.cli import main; main()"]


def tree_pss(pid: int) -> int:
    """Bytes the process ``pid`` and its descendants hold, shared pages divided among their holders."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue  # the process ended meanwhile
    return total


def run_sampled(command: list[str], sink) -> float:
    """Run ``command`` and return the peak of ``tree_pss`` over its run, in MiB."""
    process = subprocess.Popen(command, stdout=sink)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss(process.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        if process.wait() != 0:
            raise subprocess.CalledProcessError(process.returncode, command)
    finally:
        done.set()
        sampler.join()
    return peak / 2**20


def measure_scan(corpus: Path, out: Path, templates: Path | None = None) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    template = ["--template", str(templates)] if templates is not None else []
    with out.open("w", encoding="utf-8") as sink:
        pss = run_sampled([*CLI, "scan", str(corpus), *template, "--format", "json", "--quiet"], sink)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text(encoding="utf-8"))
    chars = sum(d["chars"] for d in report["documents"])
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss": after.ru_maxrss / 1024,  # the largest child so far: sizes run in increasing order
        "pss": pss,
        "chars": chars,
        "pairs": len(report["pairs"]),
        "matches": len(report["matches"]),
        "groups": len(report["groups"]),
    }


def real_shaped_corpus(cache: Path, size: int) -> tuple[Path, Path]:
    """The real-shaped corpus of ``size`` reports (seed 1), generated once into ``cache``/rs-SIZE."""
    out = cache / f"rs-{size}"
    if not (out / "truth.json").exists():
        real_shaped.generate(out, size, seed=1)
    return out / "corpus", out / "templates"


def measure_baseline(corpus: Path) -> dict[str, float]:
    texts = {str(p.relative_to(corpus)): p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.txt"))}
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = exact_runs(texts, set())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss": after.ru_maxrss / 1024,
        "pss": after.ru_maxrss / 1024,  # one process
        "chars": sum(sum(ch.isalnum() for ch in t) for t in texts.values()),
        "pairs": len({(d.a_doc, d.b_doc) for d in result.detections}),
        "matches": len(result.detections),
        "groups": 0,
    }


def row(name: str, size: int, m: dict[str, float]) -> list[str]:
    return [
        name,
        f"{size:,}",
        f"{m['wall']:.1f}",
        f"{m['cpu']:.1f}",
        f"{m['rss']:,.0f}",
        f"{m['pss']:,.0f}",
        f"{m['chars'] / m['wall'] / 1e6:.2f}",
        f"{m['pairs']:,}",
        f"{m['matches']:,}",
        f"{m['groups']:,}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--baseline-size", type=int, default=1000)
    parser.add_argument("--corpus", choices=["genre", "real-shaped"], default="genre")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()), help="real-shaped corpora")
    parser.add_argument("--no-stats", action="store_true", help="real-shaped: skip the corpus statistics")
    args = parser.parse_args()
    real = args.corpus == "real-shaped"
    rows, walls, measured, stats = [], {}, {}, []
    with tempfile.TemporaryDirectory(prefix="dupcheck-scale-") as scratch:

        def corpus_of(size: int) -> tuple[Path, Path | None]:
            if real:
                return real_shaped_corpus(args.cache, size)
            corpus = Path(scratch) / f"corpus-{size}"
            if not corpus.exists():
                make_corpus(corpus, size, seed=1)
            return corpus, None

        for size in sorted(args.sizes):
            corpus, templates = corpus_of(size)
            m = measure_scan(corpus, Path(scratch) / f"report-{size}.json", templates)
            walls[size], measured[size] = m["wall"], m
            rows.append(row("dupcheck scan", size, m))
            print(" | ".join(rows[-1]), file=sys.stderr)
        corpus, _ = corpus_of(args.baseline_size)
        rows.append(row("13 identical characters", args.baseline_size, measure_baseline(corpus)))
        if real and not args.no_stats:
            source = Path(os.environ.get("DUPCHECK_REAL_CORPUS", corpus_stats.DEFAULT_SOURCE))
            members, templates_found = corpus_stats.real_members(source)
            reference = corpus_stats.measure("corpus-real", members, templates_found)
            for size in sorted(args.sizes):
                members, templates_found = corpus_stats.folder_members(corpus_of(size)[0].parent)
                found = corpus_stats.measure(f"real-shaped {size:,}", members, templates_found)
                stats.append(found)
                ratios = corpus_stats.comparison(found, reference)
                print(f"{size:,}: " + "; ".join(f"{label} ×{ratio:.2f}" for label, ratio, _ in ratios), file=sys.stderr)
            stats.append(reference)
    headers = [
        "",
        "reports",
        "wall s",
        "CPU s",
        "peak RSS MiB",
        "all processes MiB",
        "M chars/s",
        "pairs",
        "matches",
        "groups",
    ]
    print(tabulate(rows, headers=headers, tablefmt="github"))
    if stats:
        print()
        print(corpus_stats.table(stats))
    if len(walls) > 1:
        small, large = min(walls), max(walls)
        print(f"\n{large:,} / {small:,} wall-time ratio: {walls[large] / walls[small]:.1f}; {os.cpu_count()} cores")
    if 10_000 in measured and 1_000 in measured:
        m = measured[10_000]
        limit = 60 if real else 30
        checks = [
            (f"10,000 reports in {m['wall']:.1f} s (target ≤ {limit} s)", m["wall"] <= limit),
            (f"memory {max(m['rss'], m['pss']):,.0f} MiB (target ≤ 2,048 MiB)", max(m["rss"], m["pss"]) <= 2048),
            (
                f"10,000 / 1,000 time ratio {walls[10_000] / walls[1_000]:.1f} (target ≤ 11)",
                walls[10_000] / walls[1_000] <= 11,
            ),
        ]
        if real and 3_000 in walls:
            ratio = walls[3_000] / walls[1_000]
            checks.append((f"3,000 / 1,000 time ratio {ratio:.1f} (target ≤ 3.6)", ratio <= 3.6))
        for text, met in checks:
            print(f"- {text} {'met' if met else 'MISSED'}")
        if not all(met for _, met in checks):
            sys.exit(1)


if __name__ == "__main__":
    main()
