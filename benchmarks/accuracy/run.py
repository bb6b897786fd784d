"""The detection-quality benchmark: ``python benchmarks/accuracy/run.py`` (add ``--members 20 200 500`` for sizes).

Writes labelled corpora into a temporary folder (``--out`` keeps them), scans each with dupcheck's default
settings and with the 13-character baseline, and prints the PAN measures per obfuscation level, the label
measures and the targets.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tabulate import tabulate

from accuracy.evaluate import ROWS, Scores, Truth, predict_baseline, predict_dupcheck, score, targets
from accuracy.generate import DEFAULT_SOURCE, generate


def pan_table(ours: Scores, baseline: Scores) -> str:
    rows = []
    for row in ROWS:
        a, b = ours.pan[row], baseline.pan[row]
        rows.append([row, a.cases, f"{a.detected}", *_pan(a), f"{b.detected}", *_pan(b)])
    headers = [
        "",
        "cases",
        "found",
        "P",
        "R",
        "gran",
        "PlagDet",
        "found (13)",
        "P (13)",
        "R (13)",
        "gran (13)",
        "PlagDet (13)",
    ]
    return tabulate(rows, headers=headers, tablefmt="github")


def _pan(s) -> list[str]:
    return [f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.granularity:.2f}", f"{s.plagdet:.3f}"]


def label_table(ours: Scores, baseline: Scores) -> str:
    rows = []
    for name, scores in (("dupcheck", ours), ("13 identical characters", baseline)):
        rows.append(
            [
                name,
                f"{scores.boilerplate.f1:.3f}",
                f"{scores.template.f1:.3f}",
                f"{scores.common.precision:.3f} / {scores.common.recall:.3f} / {scores.common.f1:.3f}",
                f"{scores.sections.mae:.3f} (max {scores.sections.max_error:.2f})",
                f"{scores.seconds:.1f}",
            ]
        )
    headers = ["", "boilerplate F1", "template F1", "both: P / R / F1", "section originality MAE", "seconds"]
    return tabulate(rows, headers=headers, tablefmt="github")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[200])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the generated corpora here")
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)))
    args = parser.parse_args()
    missed = 0
    with tempfile.TemporaryDirectory(prefix="dupcheck-accuracy-") as scratch:
        for members in args.members:
            folder = (args.out or Path(scratch)) / f"members-{members}-seed-{args.seed}"
            generate(folder, members, args.seed, source=args.source)
            truth = Truth.load(folder)
            ours = score(truth, predict_dupcheck(folder))
            baseline = score(truth, predict_baseline(truth))
            cases = sum(len(c) for c in truth.cases.values())
            print(f"\n## {members} members, seed {args.seed}: {cases} reuse cases\n")
            print(pan_table(ours, baseline))
            print()
            print(label_table(ours, baseline))
            print(f"\nsection starts found by the sectioner: {ours.section_bounds:.1%}")
            for target in targets(ours):
                print(f"- {target}")
                missed += not target.met
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
