"""Two processes indexing disjoint halves of a corpus into one Redis index at once, then a scan from a third.

    python benchmarks/index/two_writers.py --reports 1000

Needs ``redis-server`` on the PATH (it starts its own on loopback). The halves are two folders of one
generated corpus (``benchmarks/genre_corpus.py``); a member of the second half copied a paragraph of a member
of the first. It prints the wall time of one process indexing everything, of the two processes together,
and whether the scan found the copy across the halves.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genre_corpus import make_corpus
from run import CLI, redis_server
from tabulate import tabulate


def split(corpus: Path, into: Path) -> tuple[Path, Path]:
    """Two folders holding the first and the second half of the reports; the last report of the second
    half copies a paragraph of the first report of the first."""
    reports = sorted(corpus.glob("*.txt"))
    half = len(reports) // 2
    a, b = into / "half-a", into / "half-b"
    for folder, part in ((a, reports[:half]), (b, reports[half:])):
        folder.mkdir(parents=True)
        for report in part:
            shutil.copyfile(report, folder / report.name)
    donor = (a / reports[0].name).read_text(encoding="utf-8").splitlines()[4]
    copier = b / reports[-1].name
    copier.write_text(copier.read_text(encoding="utf-8") + donor + "\n", encoding="utf-8")
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dupcheck-two-writers-") as scratch, redis_server() as url:
        if url is None:
            raise SystemExit("no redis-server on the PATH (apt-get install redis-server)")
        corpus = Path(scratch) / "corpus"
        make_corpus(corpus, args.reports, seed=2)
        a, b = split(corpus, Path(scratch))
        whole = Path(scratch) / "whole"
        shutil.copytree(a, whole)
        for report in b.iterdir():
            shutil.copyfile(report, whole / report.name)

        started = time.perf_counter()
        subprocess.run([*CLI, "index", str(whole), "--index", f"{url}/0", "--quiet"], check=True)
        one = time.perf_counter() - started

        started = time.perf_counter()
        writers = [
            subprocess.Popen([*CLI, "index", str(half), "--index", f"{url}/1", "--quiet"], stdout=subprocess.DEVNULL)
            for half in (a, b)
        ]
        assert [w.wait() for w in writers] == [0, 0]
        two = time.perf_counter() - started

        scan = subprocess.run(
            [*CLI, "scan", str(a), "--index", f"{url}/1", "--format", "json", "--quiet"],
            check=True,
            capture_output=True,
            text=True,
        )
        report = json.loads(scan.stdout)
        first, last = sorted(p.name for p in corpus.glob("*.txt"))[0], sorted(p.name for p in b.iterdir())[-1]
        members = {Path(first).stem, Path(last).stem}
        found = any(set(p["members"]) == members for p in report["pairs"])
    rows = [
        [f"one process, {args.reports:,} reports", f"{one:.1f}"],
        [f"two processes at once, {args.reports // 2:,} reports each", f"{two:.1f}"],
    ]
    print(tabulate(rows, headers=["indexing into one Redis index", "wall s"], tablefmt="github"))
    print(f"\nscan from a third process: {len(report['documents']):,} reports; copy across the halves found: {found}")


if __name__ == "__main__":
    main()
