"""Scale: a cold ``dupcheck scan`` of generated corpora of growing size, and the 13-character baseline.

    python benchmarks/scale/run.py --sizes 1000 5000 10000

For each size (reports of about 5,000 characters from ``benchmarks/genre_corpus.py``, seed 1) it runs
``dupcheck scan CORPUS --format json`` as a fresh process and prints wall time, CPU time, peak RSS,
characters per second and candidate pairs (pairs of reports aligned); then, in the same run, the exact
13-character matcher of ``benchmarks/accuracy/baseline.py`` on the 1,000-report corpus, so every claim is a
ratio measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accuracy.baseline import exact_runs
from genre_corpus import make_corpus
from tabulate import tabulate

CLI = [sys.executable, "-c", "from dupcheck.cli import main; main()"]


def measure_scan(corpus: Path, out: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink:
        subprocess.run([*CLI, "scan", str(corpus), "--format", "json", "--quiet"], check=True, stdout=sink)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text(encoding="utf-8"))
    chars = sum(d["chars"] for d in report["documents"])
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss": after.ru_maxrss / 1024,  # the largest child so far: sizes run in increasing order
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
        f"{m['rss']:.0f}",
        f"{m['chars'] / m['wall'] / 1e6:.2f}",
        f"{m['pairs']:,}",
        f"{m['matches']:,}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--baseline-size", type=int, default=1000)
    args = parser.parse_args()
    rows, walls = [], {}
    with tempfile.TemporaryDirectory(prefix="dupcheck-scale-") as scratch:
        for size in sorted(args.sizes):
            corpus = Path(scratch) / f"corpus-{size}"
            make_corpus(corpus, size, seed=1)
            m = measure_scan(corpus, Path(scratch) / f"report-{size}.json")
            walls[size] = m["wall"]
            rows.append(row("dupcheck scan", size, m))
            print(" | ".join(rows[-1]), file=sys.stderr)
        corpus = Path(scratch) / f"corpus-{args.baseline_size}"
        if not corpus.exists():
            make_corpus(corpus, args.baseline_size, seed=1)
        rows.append(row("13 identical characters", args.baseline_size, measure_baseline(corpus)))
    headers = ["", "reports", "wall s", "CPU s", "peak RSS MiB", "M chars/s", "pairs", "matches"]
    print(tabulate(rows, headers=headers, tablefmt="github"))
    if len(walls) > 1:
        small, large = min(walls), max(walls)
        print(f"\n{large:,} / {small:,} wall-time ratio: {walls[large] / walls[small]:.1f}; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
