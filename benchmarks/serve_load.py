"""Concurrent uploads to `dupcheck serve` on loopback: latency of the self-check page under load.

    python benchmarks/real_shaped.py /tmp/rs-10k --reports 10000
    dupcheck index /tmp/rs-10k/corpus --index /tmp/rs-10k/index.sqlite
    python benchmarks/serve_load.py /tmp/rs-10k --uploads 20

It starts `dupcheck serve --against OUT/index.sqlite --show-sources` on a free loopback port, then sends
``--uploads`` drafts at once, each from its own session (page, then upload). A draft is ``--chars`` characters of
a member's own report — new reports real_shaped.py writes with another seed, or those of ``--drafts FOLDER``
(e.g. genre_corpus.py's with another seed, for an index of its reports) — with one passage of ``--planted``
characters of a report of the index put in its middle. An answer is correct when its report labels at least
80 % of the planted passage as not the member's own (reuse, template or boilerplate: in a real-shaped corpus its
sentences recur in many reports). With ``--hostile`` (default 5) hostile uploads are sent among them — a zip
bomb, a broken PDF, a file over the size limit, a file of another type, control characters named .txt — and each
must be refused with its status while the index stays byte for byte as it was.
Prints a table: uploads, correct, median and 95th-percentile latency, wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx
from tabulate import tabulate

from dupcheck.html_report import decode_chunk

CLI = [sys.executable, "-c", "from dupcheck.cli import main; main()"]
DATA = re.compile(r'<script type="application/json" id="dupcheck-data">(.*?)</script>', re.DOTALL)
CHUNK = re.compile(r'<script type="text/plain" id="dupcheck-chunk-\d+">([A-Za-z0-9+/=]*)</script>')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def own_reports(folder: Path | None, count: int, seed: int, scratch: Path) -> list[str]:
    """The members' own writing: the reports of ``folder``, or ``count`` new ones real_shaped.py writes with
    another seed (shaped like the index's: they share genre sentences with many of its reports, as real
    drafts do)."""
    if folder is None:
        folder = scratch / "drafts"
        command = [sys.executable, str(Path(__file__).with_name("real_shaped.py")), str(folder)]
        reports = str(max(count, 6))  # real_shaped.py writes no fewer
        subprocess.run([*command, "--reports", reports, "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
        folder = folder / "corpus"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt")) if "templates" not in p.parts]


def make_draft(
    own: str, donors: list[Path], corpus: Path, rng: random.Random, chars: int, planted: int
) -> tuple[str, str, tuple[int, int]]:
    """A draft of ``chars`` characters of ``own`` (repeated if short) with ``planted`` characters of a report of
    the corpus in its middle: the draft, the id of that report, and where the passage stands in the draft."""
    while True:
        donor = rng.choice(donors)
        text = donor.read_text(encoding="utf-8").replace("\n", "")
        if len(text) > planted + 200:
            break
    start = rng.randrange(100, len(text) - planted - 50)
    passage = text[start : start + planted]
    body = (own * (chars // max(1, len(own)) + 1))[: chars - planted]
    cut = body.find("\n", len(body) // 2)
    cut = len(body) // 2 if cut < 0 else cut + 1
    draft = body[:cut] + passage + "\n" + body[cut:]
    return draft, donor.relative_to(corpus).as_posix(), (cut, cut + planted)


def hostile_uploads(max_bytes: int) -> list[tuple[str, bytes, int]]:
    """(file name, content, the status it must be refused with)."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return [
        ("炸弹.docx", bomb.getvalue(), 422),
        ("坏的.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40, 422),
        ("太大.txt", b"a" * (max_bytes + 1), 413),
        ("程序.exe", b"MZ\x90\x00" * 100, 415),
        ("乱码.txt", bytes(range(32)) * 600, 422),  # control characters: not text
    ]


async def one(client: httpx.AsyncClient, url: str, name: str, data: bytes) -> tuple[int, str, float]:
    """Open the page (a session), then upload: the status, the page and the upload's latency."""
    page = (await client.get(url + "/")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf, page
    started = time.perf_counter()
    response = await client.post(
        url + "/check",
        data={"csrf": csrf.group(1), "action": "show"},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Origin": url},
    )
    return response.status_code, response.text, time.perf_counter() - started


def correct(page: str, span: tuple[int, int]) -> bool:
    """The planted passage is found: at least 80 % of it is labelled as not the member's own (from whichever
    report or template holds it: in a real-shaped corpus its sentences recur in many reports)."""
    found = DATA.search(page)
    if not found:
        return False
    (document,) = json.loads(found.group(1))["documents"]
    entries = {k: v for b64 in CHUNK.findall(page) for k, v in decode_chunk(b64).items()}
    spans = entries[document["id"]]["spans"]  # [start, end, label]: what is not the member's own
    covered = sum(max(0, min(span[1], end) - max(span[0], start)) for start, end, _ in spans)
    return covered >= 0.8 * (span[1] - span[0])


async def load(url: str, drafts: list[tuple[str, str, tuple[int, int]]], hostile: list[tuple[str, bytes, int]]):
    # One client per simulated member: its own cookie jar, so its own session.
    clients = [httpx.AsyncClient(timeout=3600) for _ in range(len(drafts) + len(hostile))]
    try:
        tasks = [one(clients[i], url, f"自查草稿{i}.txt", d[0].encode()) for i, d in enumerate(drafts)]
        tasks += [one(clients[len(drafts) + i], url, name, data) for i, (name, data, _) in enumerate(hostile)]
        started = time.perf_counter()
        results = await asyncio.gather(*tasks)
        return results, time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a folder real_shaped.py wrote, with index.sqlite made in it")
    parser.add_argument("--index", type=Path, help="default: OUT/index.sqlite")
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--chars", type=int, default=5000)
    parser.add_argument("--planted", type=int, default=400)
    parser.add_argument("--hostile", type=int, default=5, help="hostile uploads among them (at most 5)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drafts", type=Path, help="a folder of reports to write drafts from (default: new ones)")
    parser.add_argument("--timeout", type=float, default=1800, help="the server's --timeout")
    args = parser.parse_args()
    corpus, index = args.out / "corpus", args.index or args.out / "index.sqlite"
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dupcheck-serve-load-") as scratch:
        own = own_reports(args.drafts, args.uploads + 2, args.seed + 100, Path(scratch))
    donors = sorted(p for p in corpus.rglob("*.txt") if "templates" not in p.parts)
    drafts = [
        make_draft(own[i % len(own)], donors, corpus, rng, args.chars, args.planted) for i in range(args.uploads + 2)
    ]
    max_bytes = 2 * 1024 * 1024
    hostile = hostile_uploads(max_bytes)[: args.hostile]
    before = hashlib.sha256(index.read_bytes()).hexdigest()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*CLI, "serve", "--against", str(index), "--port", str(port), "--show-sources"]
    command += ["--workers", str(args.workers), "--max-upload-mb", str(max_bytes // (1024 * 1024))]
    command += ["--timeout", str(args.timeout)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        warm, drafts = drafts[:2], drafts[2:]
        asyncio.run(load(url, warm, []))  # warm up: each worker opens the index once
        results, wall = asyncio.run(load(url, drafts, hostile))
    finally:
        server.terminate()
        server.wait(30)
    good = results[: len(drafts)]
    latencies = sorted(latency for _, _, latency in good)
    right = sum(status == 200 and correct(page, d[2]) for (status, page, _), d in zip(good, drafts, strict=True))
    refused = [status for status, _, _ in results[len(drafts) :]]
    unchanged = hashlib.sha256(index.read_bytes()).hexdigest() == before
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(
        tabulate(
            [
                [
                    len(drafts),
                    f"{right}/{len(drafts)}",
                    f"{statistics.median(latencies):.2f} s",
                    f"{p95:.2f} s",
                    f"{latencies[-1]:.2f} s",
                    f"{wall:.1f} s",
                    f"{sum(s == e for s, (_, _, e) in zip(refused, hostile, strict=True))}/{len(hostile)}",
                    "yes" if unchanged else "NO",
                ]
            ],
            headers=["uploads", "correct", "median", "p95", "max", "wall", "hostile refused", "index unchanged"],
        )
    )
    for status, page, _ in results:
        if status != 200:
            found = re.search(r'id="message">([^<]*)<', page)
            print(f"status {status}: {found.group(1) if found else page[:200]}", file=sys.stderr)
    if right < len(drafts) or refused != [e for _, _, e in hostile] or not unchanged:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
