"""Detection quality on corpora shaped like real reports: ``python benchmarks/accuracy/real_shaped_eval.py``.

``benchmarks/real_shaped.py`` writes reports of real text recycled as real members share it (genre phrases in
common by nature, which is never reuse), boilerplate at shares from 5 % to 90 %, a template taken by 40 % of the
members, copies between members from 16 characters up under graded disguise operations, and groups of 3–5
members sharing a passage, with the truth of every planted span and case. This scores dupcheck's default scan
on it with the PAN measures (``measures.py``, which never imports dupcheck): overall with every detection (so
natural overlap labelled reuse counts against precision), per disguise operation, and per operation and grade
``k`` (smaller is heavier), per copy length, and the labels (boilerplate, template, reuse) per character. Beside
it, how much its members share compared with ``../shared/corpus-real`` (``corpus_stats.py``).

Options: ``--reports N …`` (default 200 500), ``--seed``, ``--out`` to keep the corpora, ``--no-stats``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus_stats
import real_shaped
from tabulate import tabulate

from accuracy.measures import Alignment, PanScores, label_scores, pan_scores, pan_scores_for
from dupcheck.scan import scan

REAL = Path(os.environ.get("DUPCHECK_REAL_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus-real"))
LENGTHS = ((16, 40), (40, 100), (100, 300), (300, 10**9))


@dataclass(frozen=True)
class Case:
    alignment: Alignment
    kind: str  # reuse, group
    op: str
    k: int
    chars: int


def load_cases(folder: Path) -> tuple[dict[str, str], list[Case], dict[str, list[tuple[int, int, str]]]]:
    """The member texts (by id relative to ``corpus/``), the member-to-member cases and the planted spans."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    corpus = folder / "corpus"
    texts = {doc: (corpus / doc).read_text(encoding="utf-8") for doc in truth["documents"]}
    cases = []
    for case in truth["cases"]:
        if case["kind"] == "template":
            continue
        (a, a0, a1), (b, b0, b1) = case["a"], case["b"]
        cases.append(Case(Alignment(a, a0, a1, b, b0, b1), case["kind"], case["op"], case["k"], a1 - a0))
    spans = {doc: [tuple(s) for s in d["spans"]] for doc, d in truth["documents"].items()}
    return texts, cases, spans  # type: ignore[return-value]


def predict(folder: Path) -> tuple[list[Alignment], dict[str, list[tuple[int, int, str]]], float]:
    started = time.perf_counter()
    report = scan(folder / "corpus", [folder / "templates"])
    seconds = time.perf_counter() - started
    detections = [
        Alignment(m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end) for m in report.matches if m.kind == "reuse"
    ]
    return detections, {d.id: [(s.start, s.end, s.label) for s in d.spans] for d in report.documents}, seconds


def _row(name: str, s: PanScores) -> list[object]:
    measures = (f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.granularity:.2f}", f"{s.plagdet:.3f}")
    return [name, s.cases, s.detected, *measures]


HEADERS = ["", "cases", "found", "P", "R", "gran", "PlagDet"]


def tables(texts: dict[str, str], cases: list[Case], detections: list[Alignment]) -> list[str]:
    overall = pan_scores([c.alignment for c in cases], detections, texts)
    rows = [_row("all (every detection)", overall)]
    by_op: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_op["group" if c.kind == "group" else c.op].append(c)
    for op in sorted(by_op):
        rows.append(_row(op, pan_scores_for([c.alignment for c in by_op[op]], detections, texts)))
    for low, high in LENGTHS:
        subset = [c.alignment for c in cases if c.kind == "reuse" and low <= c.chars < high]
        if subset:
            label = f"reuse of {low}–{high if high < 10**9 else '…'} chars"
            rows.append(_row(label, pan_scores_for(subset, detections, texts)))
    curves = []
    for op in sorted(by_op):
        if op in ("none", "group"):
            continue
        for k in sorted({c.k for c in by_op[op]}):
            subset = [c.alignment for c in by_op[op] if c.k == k]
            curves.append(_row(f"{op} k={k}", pan_scores_for(subset, detections, texts)))
    false_positives = overall.detections - sum(
        1 for d in detections if pan_scores_for([c.alignment for c in cases], [d], texts).detections
    )
    return [
        tabulate(rows, headers=HEADERS, tablefmt="github"),
        "",
        "Per operation and grade (k: smaller is heavier):",
        "",
        tabulate(curves, headers=HEADERS, tablefmt="github"),
        "",
        f"{overall.detections} reuse detections, {false_positives} of them on no planted case (natural overlap "
        "of recycled real sentences, or boilerplate and template text labelled reuse)",
    ]


def label_table(texts: dict[str, str], truth: dict, predicted: dict) -> str:
    rows = []
    for label in ("boilerplate", "template", "reuse"):
        s = label_scores(truth, predicted, texts, frozenset({label}))
        rows.append([label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"])
    return tabulate(rows, headers=["label (per character)", "P", "R", "F1"], tablefmt="github")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the generated corpora here")
    parser.add_argument("--no-stats", action="store_true", help="skip the comparison with corpus-real")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = args.out or Path(scratch)
        real_stats = None if args.no_stats else corpus_stats.measure("corpus-real", *corpus_stats.real_members(REAL))
        for n in args.reports:
            folder = base / f"real-shaped-{n}"
            if not (folder / "truth.json").exists():
                real_shaped.generate(folder, n, seed=args.seed, source=REAL)
            texts, cases, spans = load_cases(folder)
            detections, predicted, seconds = predict(folder)
            print(f"## {n} reports, seed {args.seed}: {len(cases)} member-to-member cases, scan {seconds:.1f} s\n")
            print("\n".join(tables(texts, cases, detections)))
            print()
            print(label_table(texts, spans, predicted))
            if real_stats is not None:
                ours = corpus_stats.measure(f"real-shaped {n}", *corpus_stats.folder_members(folder))
                print()
                print(corpus_stats.table([ours, real_stats]))
            print()


if __name__ == "__main__":
    main()
