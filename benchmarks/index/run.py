"""Index and self-check timings: ``python benchmarks/index/run.py`` (``--sizes 1000 10000``, ``--repeat 5``).

For each corpus size (reports of about 5,000 characters from ``benchmarks/genre_corpus.py``) and each backend
(SQLite, and Redis when ``redis-server`` is on the PATH: the benchmark starts its own on loopback), it
measures, in one run: building the index from nothing, updating it when nothing changed and when one file
changed, and checking a draft against it, as a whole CLI call (a fresh process: imports count) and inside
one process; and what the index takes: the SQLite file with its derived data beside it (``<file>.d``) on disk,
Redis's own count of the memory it uses. Every time is a median of ``--repeat`` runs but the build, which runs
once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genre_corpus import make_corpus
from tabulate import tabulate

from dupcheck.check import check_draft, load_draft
from dupcheck.index import open_index
from dupcheck.scan import ScanSettings

MB = 1 << 20

CLI = [sys.executable, "-c", "from dupcheck.cli import main; main()"]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median(measure: Callable[[], float], repeat: int) -> float:
    return statistics.median(measure() for _ in range(repeat))


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def draft_of(corpus: Path, folder: Path) -> Path:
    """A member's draft: their report with a paragraph of another member's appended."""
    reports = sorted(corpus.glob("*.txt"))
    mine, theirs = reports[3].read_text(encoding="utf-8"), reports[7].read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f"{reports[3].stem}-draft.txt"
    draft.write_text(mine + theirs.splitlines()[4] + "\n", encoding="utf-8")
    return draft


def index_bytes(location: str) -> tuple[str, int]:
    """What the index takes: bytes on disk of a SQLite index and its derived files, or Redis's used memory."""
    if location.startswith("redis://"):
        import redis

        client = redis.Redis.from_url(location)
        try:
            return "index size (Redis memory)", int(client.info("memory")["used_memory"])
        finally:
            client.close()
    path = Path(location)
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    derived = path.with_name(path.name + ".d")
    files += list(derived.iterdir()) if derived.is_dir() else []
    return "index size (SQLite file and derived files)", sum(p.stat().st_size for p in files)


def measure(corpus: Path, location: str, draft: Path, repeat: int) -> dict[str, str]:
    out: dict[str, float] = {}
    out["build"] = wall([*CLI, "index", str(corpus), "--index", location])
    out["update, nothing changed"] = median(lambda: wall([*CLI, "index", str(corpus), "--index", location]), repeat)
    target = sorted(corpus.glob("*.txt"))[11]
    original = target.read_text(encoding="utf-8")

    def change_one() -> float:
        target.write_text(original + f"补充说明{time.perf_counter_ns()}。\n", encoding="utf-8")
        return wall([*CLI, "index", str(corpus), "--index", location])

    out["update, one file changed"] = median(change_one, repeat)
    target.write_text(original, encoding="utf-8")
    out["check, whole CLI call"] = median(lambda: wall([*CLI, "check", str(draft), "--against", location]), repeat)

    settings = ScanSettings()
    index = open_index(location, settings.fingerprints)
    document = load_draft(draft)

    def in_process() -> float:
        started = time.perf_counter()
        others, population = index.reference_for(document, "", settings)
        check_draft(document, others, settings, population)
        return time.perf_counter() - started

    out["check, in process"] = median(in_process, repeat)
    others, _ = index.reference_for(document, "", settings)
    index.close()
    figures = {what: f"{seconds:.2f} s" for what, seconds in out.items()}
    figures["reports read by the check"] = f"{len({d.source.id for d in others}):,}"
    what, size = index_bytes(location)
    figures[what] = f"{size / MB:,.0f} MB"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "redis"], default=["sqlite", "redis"])
    args = parser.parse_args()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="dupcheck-index-bench-") as scratch, redis_server() as redis_url:
        for size in args.sizes:
            corpus = Path(scratch) / f"corpus-{size}"
            make_corpus(corpus, size, seed=1)
            draft = draft_of(corpus, Path(scratch) / "drafts")
            backends = [("SQLite", str(Path(scratch) / f"index-{size}.sqlite"))] if "sqlite" in args.backends else []
            if redis_url and "redis" in args.backends:
                backends.append(("Redis", f"{redis_url}/{args.sizes.index(size)}"))
            for name, location in backends:
                figures = measure(corpus, location, draft, args.repeat)
                for what, value in figures.items():
                    rows.append([f"{size:,}", name, what, value])
                    print(" | ".join(rows[-1]), file=sys.stderr)
    print(tabulate(rows, headers=["reports", "index", "what", "measured"], tablefmt="github", stralign="right"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak RSS of a child process: {peak:.0f} MiB; this machine: {os.cpu_count()} cores")
    if not any(r[1] == "Redis" for r in rows):
        print("Redis rows left out: no redis-server on the PATH (apt-get install redis-server).")


if __name__ == "__main__":
    main()
