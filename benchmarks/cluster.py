"""The scan on a Dask cluster: one worker against two on this machine, and each worker's memory.

    python benchmarks/cluster.py --size 10000 --cache /tmp/rs

Scans the real-shaped corpus of ``--size`` reports (``benchmarks/real_shaped.py``, seed 1, cached in
``--cache``/rs-SIZE, with its template) three ways in one run: on this machine (``dupcheck.scan``, one worker
process per core), and on a ``LocalCluster`` of one and of two worker processes (one thread each) over TCP. For
each: wall time, the peak RSS of each worker (sampled every 0.25 s), the scan's main process, and whether the
report is the one of this machine byte for byte. Efficiency is the one-worker time over twice the two-worker
time (1.0: two workers twice as fast). Then how much the corpus's members share against corpus-real
(``benchmarks/corpus_stats.py``), unless ``--no-stats``.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_stats
import psutil
import real_shaped
from distributed import Client, LocalCluster
from tabulate import tabulate

from dupcheck import scan
from dupcheck.cluster import connect
from dupcheck.export import write_json


def report_json(report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


class PeakRss:
    """The peak RSS (MiB) of each of some processes, sampled while it runs."""

    def __init__(self, pids: list[int]) -> None:
        self.peaks = dict.fromkeys(pids, 0.0)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample)

    def _sample(self) -> None:
        while not self._done.is_set():
            for pid in self.peaks:
                try:
                    self.peaks[pid] = max(self.peaks[pid], psutil.Process(pid).memory_info().rss / 2**20)
                except psutil.Error:
                    continue  # the worker ended (its nanny starts another)
            time.sleep(0.25)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def on_cluster(workers: int, corpus: Path, templates: list[Path]) -> tuple[float, list[float], str]:
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=0,
    ) as local:
        with Client(local.scheduler_address, set_as_default=False) as watcher:
            pids = list(watcher.run(os.getpid).values())
        with connect(local.scheduler_address) as cluster, PeakRss(pids) as peaks:
            started = time.perf_counter()
            found = report_json(scan(corpus, templates, cluster=cluster))
            wall = time.perf_counter() - started
    return wall, list(peaks.peaks.values()), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()), help="real-shaped corpora")
    parser.add_argument("--no-stats", action="store_true", help="skip the corpus statistics")
    args = parser.parse_args()
    out = args.cache / f"rs-{args.size}"
    if not (out / "truth.json").exists():
        real_shaped.generate(out, args.size, seed=1)
    corpus, templates = out / "corpus", sorted((out / "templates").iterdir())

    started = time.perf_counter()
    here = report_json(scan(corpus, templates))
    local_wall = time.perf_counter() - started
    rows = [["this machine", "", f"{local_wall:.1f}", "", "", "yes"]]
    walls = {}
    for workers in (1, 2):
        wall, peaks, found = on_cluster(workers, corpus, templates)
        walls[workers] = wall
        rows.append(
            [
                f"cluster, {workers} worker{'s' if workers > 1 else ''}",
                workers,
                f"{wall:.1f}",
                " / ".join(f"{p:,.0f}" for p in peaks),
                "",
                "yes" if found == here else "NO",
            ]
        )
        print(" | ".join(map(str, rows[-1])), file=sys.stderr)
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for r in rows:
        r[4] = f"{main_rss:,.0f}"
    print(f"real-shaped corpus of {args.size:,} reports, {os.cpu_count()} cores")
    headers = ["", "workers", "wall s", "peak RSS per worker MiB", "main process MiB (peak of the run)", "report same"]
    print(tabulate(rows, headers=headers, tablefmt="github"))
    print(
        f"\nefficiency of two workers: {walls[1] / (2 * walls[2]):.2f}; on the cluster / here: "
        f"{walls[2] / local_wall:.2f}"
    )
    if not args.no_stats:
        source = Path(os.environ.get("DUPCHECK_REAL_CORPUS", corpus_stats.DEFAULT_SOURCE))
        reference = corpus_stats.measure("corpus-real", *corpus_stats.real_members(source))
        found = corpus_stats.measure(f"real-shaped {args.size:,}", *corpus_stats.folder_members(out))
        print()
        print(corpus_stats.table([found, reference]))
    if any(r[5] != "yes" for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
