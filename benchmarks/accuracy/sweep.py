"""Sweep dupcheck's settings on one labelled corpus: ``python benchmarks/accuracy/sweep.py``.

Each row changes one setting from the defaults (marked *), so its effect can be read on its own. The
sweep runs on seed 2 by default and the accuracy table in the README on seed 1, so the defaults are not
chosen on the corpus they are reported on.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tabulate import tabulate

from accuracy.evaluate import Truth, predict_dupcheck, score
from accuracy.generate import DEFAULT_SOURCE, generate
from dupcheck.scan import ScanSettings

DEFAULT = ScanSettings()


def variants() -> Iterator[tuple[str, str, ScanSettings]]:
    """(setting, value, settings) for each row of the sweep."""
    fp, al = DEFAULT.fingerprints, DEFAULT.alignment

    def with_fp(**changes: int) -> ScanSettings:
        return dataclasses.replace(DEFAULT, fingerprints=dataclasses.replace(fp, **changes))

    def with_al(**changes: float) -> ScanSettings:
        return dataclasses.replace(DEFAULT, alignment=dataclasses.replace(al, **changes))

    yield "defaults", "", DEFAULT
    # Seed k-gram size k, with the window w that keeps every shared run of k + w - 1 = 13 tokens found.
    for k in (5, 6, 10, 13):
        yield "seed k-gram (winnow k, w)", f"{k}, {14 - k}", with_fp(winnow_k=k, winnow_w=14 - k)
    for k in (3, 4, 7):
        yield "MinHash shingle", str(k), with_fp(shingle_k=k)
    for perms, bands, rows in ((64, 16, 4), (128, 64, 2), (128, 16, 8), (256, 64, 4)):
        threshold = (1 / bands) ** (1 / rows)
        yield (
            "LSH permutations, bands × rows (threshold)",
            f"{perms}, {bands} × {rows} ({threshold:.2f})",
            with_fp(num_perm=perms, bands=bands, rows=rows),
        )
    for window in (100, 400):
        yield "MinHash window (stride)", f"{window} ({window // 2})", with_fp(window=window, stride=window // 2)
    for chars in (16, 20, 26):  # below 13 (k + w - 1) the settings are refused
        yield "min passage (matched chars)", str(chars), with_al(min_chars=chars)
    for similarity in (0.3, 0.4, 0.6, 0.7):
        yield "min similarity", str(similarity), with_al(min_similarity=similarity)
    for gap in (4, 8, 16, 20):
        yield "max gap", str(gap), with_al(max_gap=gap)
    for gap in (24, 36):
        yield "merge gap (in one text; max gap in the other)", str(gap), with_al(merge_gap=gap)
    for passes in (0, 1, 3):
        yield "reorder passes", str(passes), with_al(reorder_passes=passes)
    for share in (0.15, 0.2, 0.4, 0.5):
        yield "boilerplate share", str(share), dataclasses.replace(DEFAULT, boilerplate_share=share)


def describe_defaults() -> str:
    fp, al = DEFAULT.fingerprints, DEFAULT.alignment
    return (
        f"defaults: seed k-gram {fp.winnow_k} (w {fp.winnow_w}), MinHash shingle {fp.shingle_k}, "
        f"{fp.num_perm} permutations in {fp.bands} × {fp.rows} bands, windows {fp.window}/{fp.stride}; "
        f"min passage {al.min_chars}, min similarity {al.min_similarity}, max gap {al.max_gap}, "
        f"merge gap {al.merge_gap}, reorder passes {al.reorder_passes}; boilerplate share {DEFAULT.boilerplate_share}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE)))
    args = parser.parse_args()
    table: dict[tuple[str, str], list[list[float]]] = {}
    cases = 0
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="dupcheck-sweep-") as scratch:
            folder = Path(scratch)
            generate(folder, args.members, seed, source=args.source)
            truth = Truth.load(folder)
            cases += sum(len(c) for c in truth.cases.values())
            for setting, value, settings in variants():
                s = score(truth, predict_dupcheck(folder, settings))
                overall, heavy = s.pan["all but heavy"], s.pan["heavy"]
                figures = [overall.precision, overall.recall, overall.granularity, overall.plagdet]
                figures += [heavy.plagdet, s.common.f1, s.sections.mae, s.seconds]
                table.setdefault((setting, value), []).append(figures)
                print(seed, setting, value, " ".join(f"{x:.3f}" for x in figures), file=sys.stderr)
    rows = []
    for (setting, value), runs in table.items():
        mean = [sum(column) / len(column) for column in zip(*runs, strict=True)]
        formats = ("{:.3f}", "{:.3f}", "{:.2f}", "{:.3f}", "{:.3f}", "{:.3f}", "{:.4f}", "{:.1f}")
        rows.append([setting, value or "*", *(f.format(x) for f, x in zip(formats, mean, strict=True))])
    seeds = ", ".join(map(str, args.seeds))
    print(f"{args.members} members, seeds {seeds} ({cases} reuse cases in all); means. {describe_defaults()}.\n")
    headers = ["setting", "value", "P", "R", "gran", "PlagDet", "heavy PlagDet", "B+T F1", "section MAE", "s"]
    print(tabulate(rows, headers=headers, tablefmt="github"))


if __name__ == "__main__":
    main()
