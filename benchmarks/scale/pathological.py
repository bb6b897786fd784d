"""Pathological inputs: repetition inside one report, and many tiny reports sharing a few sentences.

    python benchmarks/scale/pathological.py

Each case is a cold ``dupcheck scan DIR --format json`` (a fresh process), timed with its peak memory (the peak
RSS of the largest process and the peak of all its processes' PSS, as in ``run.py``):

* ``5 reports``: five generated reports of about 5,000 characters (``genre_corpus.py``, seed 1), the reference;
* ``+ repeated sentence``: the same five and one report of 2,000,000 characters repeating one sentence;
* ``+ one character``: the same five and one report of 2,000,000 copies of one character;
* ``one-sentence files``: 20,000 files of one sentence each, drawn from 238 sentences.

Targets (issue "real-shaped scale"): each of the two 2,000,000-character cases ≤ 10 s and ≤ 1 GiB more than the
five alone; the 20,000 files ≤ 60 s.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genre_corpus import make_corpus
from run import CLI, run_sampled
from tabulate import tabulate

SENTENCE = "我们要坚持不懈地把理论学习引向深入，做到学思用贯通、知信行统一。"
CHARS = 2_000_000


def scan(corpus: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink:
        pss = run_sampled([*CLI, "scan", str(corpus), "--format", "json", "--quiet"], sink)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "rss": after.ru_maxrss / 1024,  # the largest child so far
        "pss": pss,
        "documents": len(report["documents"]),
        "pairs": len(report["pairs"]),
        "groups": len(report["groups"]),
    }


def sentences(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(16, 40))) + "。" for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=CHARS)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="dupcheck-pathological-") as scratch:
        root = Path(scratch)
        base = root / "five"
        make_corpus(base, 5, seed=1)
        cases = [("5 reports", base)]
        for name, unit in (("+ repeated sentence", SENTENCE), ("+ one character", "啊")):
            corpus = root / name.strip("+ ").replace(" ", "-")
            corpus.mkdir()
            for path in base.iterdir():
                (corpus / path.name).write_bytes(path.read_bytes())
            (corpus / "重复.txt").write_text(unit * (args.chars // len(unit)), encoding="utf-8")
            cases.append((name, corpus))
        tiny = root / "tiny"
        tiny.mkdir()
        pool = sentences(238, seed=1)
        rng = random.Random(1)
        for i in range(args.files):
            (tiny / f"m{i:05d}.txt").write_text(rng.choice(pool), encoding="utf-8")
        cases.append((f"{args.files:,} one-sentence files", tiny))
        measured = {}
        for name, corpus in cases:
            m = scan(corpus, root / "report.json")
            measured[name] = m
            rows.append([name, f"{m['wall']:.1f}", f"{m['rss']:,.0f}", f"{m['pss']:,.0f}", m["pairs"], m["groups"]])
            print(" | ".join(map(str, rows[-1])), file=sys.stderr)
    print(tabulate(rows, headers=["case", "wall s", "peak RSS MiB", "all processes MiB", "pairs", "groups"]))
    five = measured["5 reports"]
    for name in ("+ repeated sentence", "+ one character"):
        m = measured[name]
        more = m["pss"] - five["pss"]
        met = m["wall"] <= 10 and more <= 1024
        verdict = "met" if met else "MISSED"
        print(f"- {name}: {m['wall']:.1f} s, {more:,.0f} MiB more than the five (≤ 10 s, ≤ 1,024 MiB) {verdict}")
    m = measured[f"{args.files:,} one-sentence files"]
    print(f"- {args.files:,} one-sentence files: {m['wall']:.1f} s (≤ 60 s) {'met' if m['wall'] <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
