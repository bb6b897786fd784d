"""Score dupcheck, and the 13-character baseline, on a labelled corpus written by ``generate``."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from accuracy.baseline import exact_runs
from accuracy.generate import LEVELS
from accuracy.measures import (
    Alignment,
    LabelScores,
    PanScores,
    SectionError,
    SpanList,
    label_scores,
    pan_scores,
    pan_scores_for,
    section_errors,
)
from dupcheck.model import ScanSettings
from dupcheck.scan import scan

ROWS = (*LEVELS, "all but heavy", "all")
COMMON_LABELS = frozenset({"boilerplate", "template"})


@dataclass(frozen=True)
class Truth:
    folder: Path
    texts: dict[str, str]  # member documents and the template, by report id
    template: str
    spans: dict[str, SpanList]
    sections: dict[str, list[tuple[int, int]]]
    cases: dict[str, list[Alignment]]  # by obfuscation level

    @classmethod
    def load(cls, folder: Path) -> Truth:
        raw = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        corpus = folder / "corpus"
        ids = [*raw["documents"], raw["template"]]
        cases: dict[str, list[Alignment]] = {level: [] for level in LEVELS}
        for case in raw["cases"]:
            cases[case["level"]].append(Alignment(*case["a"], *case["b"]))
        return cls(
            folder=folder,
            texts={i: (corpus / i).read_text(encoding="utf-8") for i in ids},
            template=raw["template"],
            spans={d: [tuple(s) for s in v["spans"]] for d, v in raw["documents"].items()},
            sections={d: [tuple(s) for s in v["sections"]] for d, v in raw["documents"].items()},
            cases=cases,
        )

    def member_texts(self) -> dict[str, str]:
        return {d: t for d, t in self.texts.items() if d != self.template}


@dataclass(frozen=True)
class Scores:
    pan: dict[str, PanScores]  # by row of ROWS
    boilerplate: LabelScores
    template: LabelScores
    common: LabelScores  # boilerplate and template together
    sections: SectionError
    seconds: float
    section_bounds: float | None = None  # share of truth sections whose start the sectioner found


@dataclass(frozen=True)
class Prediction:
    detections: list[Alignment]
    spans: dict[str, SpanList]
    section_starts: dict[str, set[int]] | None
    seconds: float


def predict_dupcheck(folder: Path, settings: ScanSettings | None = None) -> Prediction:
    started = time.perf_counter()
    report = scan(folder / "corpus", settings=settings)
    seconds = time.perf_counter() - started
    if report.errors:
        raise RuntimeError(f"the generated corpus has unreadable files: {report.errors}")
    return Prediction(
        detections=[
            Alignment(m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end)
            for m in report.matches
            if m.kind == "reuse"
        ],
        spans={d.id: [(s.start, s.end, s.label) for s in d.spans] for d in report.documents},
        section_starts={d.id: {s.start for s in d.sections if s.level == 1} for d in report.documents},
        seconds=seconds,
    )


def predict_baseline(truth: Truth, min_run: int = 13) -> Prediction:
    started = time.perf_counter()
    result = exact_runs(truth.texts, {truth.template}, min_run=min_run)
    return Prediction(result.detections, result.spans, None, time.perf_counter() - started)


def score(truth: Truth, prediction: Prediction) -> Scores:
    texts = truth.member_texts()
    every_case = [c for level in LEVELS for c in truth.cases[level]]
    pan = {level: pan_scores_for(truth.cases[level], prediction.detections, texts) for level in LEVELS}
    # The overall rows keep every detection, so false positives count against precision.
    pan["all but heavy"] = _without_heavy(truth, prediction.detections, texts)
    pan["all"] = pan_scores(every_case, prediction.detections, texts)

    def labels(which: frozenset[str]) -> LabelScores:
        return label_scores(truth.spans, prediction.spans, texts, which)

    bounds = None
    if prediction.section_starts is not None:
        starts = [(d, s) for d, sections in truth.sections.items() for s, _ in sections]
        bounds = sum(s in prediction.section_starts.get(d, ()) for d, s in starts) / len(starts)
    return Scores(
        pan=pan,
        boilerplate=labels(frozenset({"boilerplate"})),
        template=labels(frozenset({"template"})),
        common=labels(COMMON_LABELS),
        sections=section_errors(truth.sections, truth.spans, prediction.spans, texts),
        seconds=prediction.seconds,
        section_bounds=bounds,
    )


def _without_heavy(truth: Truth, detections: Sequence[Alignment], texts: Mapping[str, str]) -> PanScores:
    """Every case but the heavy ones, and every detection but those that find only heavy cases."""
    heavy = truth.cases["heavy"]
    rest = [c for level in LEVELS if level != "heavy" for c in truth.cases[level]]
    only_heavy = {
        d for d in detections if pan_scores([*heavy], [d], texts).detected and not pan_scores(rest, [d], texts).detected
    }
    return pan_scores(rest, [d for d in detections if d not in only_heavy], texts)


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    bound: float
    at_least: bool  # True: value must be ≥ bound; False: ≤ bound

    @property
    def met(self) -> bool:
        return self.value >= self.bound if self.at_least else self.value <= self.bound

    def __str__(self) -> str:
        sign = "≥" if self.at_least else "≤"
        return f"{self.name} {self.value:.3f} (target {sign} {self.bound}) {'met' if self.met else 'MISSED'}"


def targets(scores: Scores) -> list[Target]:
    """The issue's targets, on every case but the heavily obfuscated ones (reported on their own)."""
    overall = scores.pan["all but heavy"]
    return [
        Target("PlagDet", overall.plagdet, 0.92, True),
        Target("precision", overall.precision, 0.95, True),
        Target("recall", overall.recall, 0.90, True),
        Target("granularity", overall.granularity, 1.10, False),
        Target("boilerplate+template F1", scores.common.f1, 0.90, True),
        Target("section originality MAE", scores.sections.mae, 0.05, False),
    ]
