"""Large corpora of reports for speed and memory benchmarks, reproducible from a seed.

Reports have the genre's outline (a title, numbered headings, set phrases most members use) and about
5,000 characters each. Their own text is drawn character by character from the character frequencies of
``../shared/corpus-real`` (so it looks like Chinese to the tokeniser and shares no long run by chance);
one report in twenty copies a paragraph of another member's. Not readable text: its use is to cost what
real reports cost to read, index and compare.

    python benchmarks/genre_corpus.py OUT --reports 1000 --seed 1
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy.generate import HEADINGS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus-real"
SET_PHRASES = (
    "根据组织生活会的通知要求，本人认真学习规定篇目，广泛征求意见建议，现将个人对照检查情况报告如下。",
    "对照检查要求，结合自身实际，主要存在以下几个方面的不足：",
    "针对查摆出的问题，本人将从以下几个方面抓好整改落实：",
)


def character_frequencies(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """The Chinese characters of the real corpus and how often each occurs."""
    counts: dict[str, int] = {}
    for path in sorted((source / "docs").glob("*.txt")):
        for ch in path.read_text(encoding="utf-8"):
            if "\u4e00" <= ch <= "\u9fff":
                counts[ch] = counts.get(ch, 0) + 1
    if not counts:
        raise SystemExit(f"{source}: no texts; the benchmark corpora need ../shared/corpus-real")
    chars = np.array(sorted(counts))
    weights = np.array([counts[c] for c in chars], dtype=np.float64)
    return chars, weights / weights.sum()


def prose(rng: np.random.Generator, chars: np.ndarray, p: np.ndarray, n: int) -> str:
    """About ``n`` characters of text: clauses of 6–20 characters, sentences of 2–4 clauses."""
    text = rng.choice(chars, size=n, p=p)
    out, at = [], 0
    while at < n:
        clauses = int(rng.integers(2, 5))
        for c in range(clauses):
            size = int(rng.integers(6, 21))
            out.append("".join(text[at : at + size]))
            at += size
            out.append("。" if c == clauses - 1 else "，")
    return "".join(out)


def make_corpus(out: Path, reports: int, seed: int = 1, chars_each: int = 5000, source: Path = DEFAULT_SOURCE) -> None:
    """Write ``reports`` files into ``out`` (one per member, ``m00001.txt`` …)."""
    rng = np.random.default_rng(seed)
    alphabet, p = character_frequencies(source)
    out.mkdir(parents=True, exist_ok=True)
    section = chars_each // len(HEADINGS)
    paragraphs: list[list[str]] = []
    for r in range(reports):
        parts = ["2025年度组织生活会个人对照检查材料\n", "　　"]
        if rng.random() < 0.6:
            parts.append(SET_PHRASES[0])
        parts.append(prose(rng, alphabet, p, 150) + "\n")
        own = []
        for h, heading in enumerate(HEADINGS):
            parts.append(heading + "\n")
            for k in range(2):
                paragraph = prose(rng, alphabet, p, section // 2)
                if k == 0 and h in (0, 5) and rng.random() < 0.5:
                    paragraph = SET_PHRASES[1 if h == 0 else 2] + paragraph
                if r and k == 1 and rng.random() < 0.05 / len(HEADINGS) * 2:
                    donor = paragraphs[int(rng.integers(0, r))]
                    paragraph = donor[int(rng.integers(0, len(donor)))]  # a copy of another member's paragraph
                own.append(paragraph)
                parts.append("　　" + paragraph + "\n")
        paragraphs.append(own)
        (out / f"m{r + 1:05d}.txt").write_text("".join(parts), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)))
    args = parser.parse_args()
    make_corpus(args.out, args.reports, args.seed, source=args.source)


if __name__ == "__main__":
    main()
