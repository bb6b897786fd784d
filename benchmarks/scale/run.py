"""Scale: a cold ``dupcheck scan`` of generated corpora of growing size, and the 13-character baseline.

    python benchmarks/scale/run.py --sizes 1000 5000 10000

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


def measure_scan(corpus: Path, out: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink:
        pss = run_sampled([*CLI, "scan", str(corpus), "--format", "json", "--quiet"], sink)
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
    }


def measure_baseline(corpus: Path) -> dict[str, float]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))}
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
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--baseline-size", type=int, default=1000)
    args = parser.parse_args()
    rows, walls, measured = [], {}, {}
    with tempfile.TemporaryDirectory(prefix="dupcheck-scale-") as scratch:
        for size in sorted(args.sizes):
            corpus = Path(scratch) / f"corpus-{size}"
            make_corpus(corpus, size, seed=1)
            m = measure_scan(corpus, Path(scratch) / f"report-{size}.json")
            walls[size], measured[size] = m["wall"], m
            rows.append(row("dupcheck scan", size, m))
            print(" | ".join(rows[-1]), file=sys.stderr)
        corpus = Path(scratch) / f"corpus-{args.baseline_size}"
        if not corpus.exists():
            make_corpus(corpus, args.baseline_size, seed=1)
        rows.append(row("13 identical characters", args.baseline_size, measure_baseline(corpus)))
    headers = ["", "reports", "wall s", "CPU s", "peak RSS MiB", "all processes MiB", "M chars/s", "pairs", "matches"]
    print(tabulate(rows, headers=headers, tablefmt="github"))
    if len(walls) > 1:
        small, large = min(walls), max(walls)
        print(f"\n{large:,} / {small:,} wall-time ratio: {walls[large] / walls[small]:.1f}; {os.cpu_count()} cores")
    if 10_000 in measured and 1_000 in measured:
        m = measured[10_000]
        checks = [
            (f"10,000 reports in {m['wall']:.1f} s (target ≤ 30 s)", m["wall"] <= 30),
            (f"memory {max(m['rss'], m['pss']):,.0f} MiB (target ≤ 2,048 MiB)", max(m["rss"], m["pss"]) <= 2048),
            (
                f"10,000 / 1,000 time ratio {walls[10_000] / walls[1_000]:.1f} (target ≤ 11)",
                walls[10_000] / walls[1_000] <= 11,
            ),
        ]
        for text, met in checks:
            print(f"- {text} {'met' if met else 'MISSED'}")
        if not all(met for _, met in checks):
            sys.exit(1)


if __name__ == "__main__":
    main()
