"""PAN 2013 text alignment, no-obfuscation subset (English): ``python benchmarks/accuracy/pan.py``.

Reads ``../shared/corpus-pan`` (or ``--corpus``, or ``$DUPCHECK_PAN_CORPUS``): 500 suspicious/source pairs with
624 cases. Its copy of the texts has mangled characters, so the given offsets are off; its
``02-no-obfuscation-offset-check.tsv`` repairs 593 of them (``aligned_*``), and a pair with a case it could not
repair is left out whole (its detections could not be scored). Each pair is compared as a corpus of two reports
(``dupcheck.compare``: the stages of a scan; with two members nothing is boilerplate), and its reuse matches are
scored with the PAN measures (``measures.py``, which never imports dupcheck), over letters and digits.

Prints one table: pairs, cases, detections, precision, recall, granularity, PlagDet and seconds, and the cases
missed or found only in part, by length.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tabulate import tabulate

from accuracy.measures import Alignment, pan_scores
from dupcheck.model import Document, ScanSettings, SourceFile
from dupcheck.normalise import normalise
from dupcheck.scan import compare
from dupcheck.sections import find_sections

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus-pan"


def load_pairs(corpus: Path) -> tuple[dict[str, str], dict[tuple[str, str], list[Alignment]]]:
    """The texts (by file name) and the repaired cases of every pair whose cases could all be repaired."""
    cases: dict[tuple[str, str], list[Alignment]] = defaultdict(list)
    unresolved: set[tuple[str, str]] = set()
    with (corpus / "02-no-obfuscation-offset-check.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            pair = (row["suspicious"], row["source"])
            if row["status"] != "repaired":
                unresolved.add(pair)
                continue
            a0, b0 = int(row["aligned_this_offset"]), int(row["aligned_source_offset"])
            a1, b1 = a0 + int(row["aligned_this_length"]), b0 + int(row["aligned_source_length"])
            cases[pair].append(Alignment(pair[0], a0, a1, pair[1], b0, b1))
    kept = {pair: found for pair, found in cases.items() if pair not in unresolved}
    names = {name for pair in kept for name in pair}
    texts = {
        name: (corpus / ("susp" if name.startswith("suspicious") else "src") / name).read_text(
            encoding="utf-8", errors="replace"
        )
        for name in sorted(names)
    }
    return texts, kept


def document(name: str, text: str) -> Document:
    """A report of its own member, prepared from the text as the truth's offsets count it."""
    return Document(
        source=SourceFile(path=Path(name), id=name, member=name, unit=""),
        text=text,
        normalised=normalise(text),
        sections=tuple(find_sections(text)),
    )


def detect(texts: dict[str, str], pairs: list[tuple[str, str]], settings: ScanSettings) -> list[Alignment]:
    found = []
    for suspicious, source in pairs:
        report = compare([document(suspicious, texts[suspicious]), document(source, texts[source])], settings)
        for m in report.matches:
            if m.kind == "reuse":
                ours, theirs = (m.a, m.b) if m.a.doc == suspicious else (m.b, m.a)  # as the truth orders a case
                found.append(Alignment(ours.doc, ours.start, ours.end, theirs.doc, theirs.start, theirs.end))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("DUPCHECK_PAN_CORPUS", DEFAULT_CORPUS)))
    args = parser.parse_args()
    texts, cases = load_pairs(args.corpus)
    pairs = sorted(cases)
    truth = [c for pair in pairs for c in cases[pair]]
    started = time.perf_counter()
    detections = detect(texts, pairs, ScanSettings())
    seconds = time.perf_counter() - started
    s = pan_scores(truth, detections, texts)
    print(
        tabulate(
            [
                [
                    len(pairs),
                    s.cases,
                    s.detections,
                    f"{s.precision:.3f}",
                    f"{s.recall:.3f}",
                    f"{s.granularity:.2f}",
                    f"{s.plagdet:.3f}",
                    f"{seconds:.1f}",
                ]
            ],
            headers=["pairs", "cases", "detections", "P", "R", "gran", "PlagDet", "seconds"],
        )
    )
    lost = defaultdict(lambda: [0, 0])  # by case length: cases, characters of them no detection covers
    for case in truth:
        covered = sum(
            max(0, min(case.a_end, d.a_end) - max(case.a_start, d.a_start))
            for d in detections
            if d.a_doc == case.a_doc and d.b_doc == case.b_doc
        )
        length = case.a_end - case.a_start
        band = "under 500" if length < 500 else "500–1,499" if length < 1500 else "1,500 or more"
        lost[band][0] += 1
        lost[band][1] += max(0, (case.a_end - case.a_start) - covered)
    print()
    print(
        tabulate(
            [[band, *lost[band]] for band in ("under 500", "500–1,499", "1,500 or more") if band in lost],
            headers=["case length (chars)", "cases", "characters not covered"],
        )
    )


if __name__ == "__main__":
    main()
