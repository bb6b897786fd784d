"""Character-level detection measures: PAN text-alignment scores, per-label scores, section originality.

A "character" is a content character, ``ch.isalnum()`` (hanzi, letters, digits): whitespace and
punctuation never count, on either side, so a detector is not rewarded or punished for where it puts
the edge of a passage relative to a comma. Offsets are Python ``str`` indices, end exclusive.

This module must not import dupcheck: it is the independent judge of dupcheck's output.
"""

from __future__ import annotations

import functools
import math
from array import array
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SpanList = list[tuple[int, int, str]]
"""``(start, end, label)`` spans of one document; characters no span covers are ``"original"``."""

ORIGINAL = "original"


def content_mask(text: str) -> np.ndarray:
    """Boolean array, True where ``text[i]`` is a content character."""
    return np.fromiter(map(str.isalnum, text), dtype=bool, count=len(text))


def content_prefix(text: str) -> np.ndarray:
    """``prefix[i]`` = content characters in ``text[:i]`` (int64, length ``len(text) + 1``)."""
    prefix = np.zeros(len(text) + 1, dtype=np.int64)
    np.cumsum(content_mask(text), out=prefix[1:])
    return prefix


@dataclass(frozen=True)
class Alignment:
    """A passage ``a_doc[a_start:a_end]`` and its counterpart ``b_doc[b_start:b_end]``: a case or a detection."""

    a_doc: str
    a_start: int
    a_end: int
    b_doc: str
    b_start: int
    b_end: int


@dataclass(frozen=True)
class PanScores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detected: int
    detections: int


@dataclass(frozen=True)
class LabelScores:
    precision: float
    recall: float
    f1: float
    truth_chars: int
    predicted_chars: int


@dataclass(frozen=True)
class SectionError:
    mae: float
    max_error: float
    sections: int


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total > 0 else 0.0


# ---------------------------------------------------------------------------------------------------------------------
# PAN measures


Interval = tuple[int, int]


@functools.lru_cache(maxsize=1024)
def _prefix_array(text: str) -> array:
    # Callers score one detection at a time over the same texts; the cache keeps that from being quadratic.
    # array, not numpy: the interval arithmetic below runs in Python loops, where numpy scalars are slow.
    return array("q", content_prefix(text).tobytes())


class _Prefixes:
    """Content prefix sums of the documents of ``texts``, by id."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts

    def get(self, doc: str) -> array:
        text = self.texts.get(doc)
        if text is None:
            raise ValueError(f"unknown document {doc!r}")
        return _prefix_array(text)


def _check_range(prefix: Sequence[int] | array, doc: str, start: int, end: int) -> None:
    if not 0 <= start <= end <= len(prefix) - 1:
        raise ValueError(f"range [{start}, {end}) is not within document {doc!r} of length {len(prefix) - 1}")


def _orient(al: Alignment, prefixes: _Prefixes) -> Alignment:
    """Put the lower document id on side a (pairs are unordered) and check the ranges."""
    if al.a_doc == al.b_doc:
        raise ValueError(f"both sides of {al} are in the same document")
    if al.a_doc > al.b_doc:
        al = Alignment(al.b_doc, al.b_start, al.b_end, al.a_doc, al.a_start, al.a_end)
    _check_range(prefixes.get(al.a_doc), al.a_doc, al.a_start, al.a_end)
    _check_range(prefixes.get(al.b_doc), al.b_doc, al.b_start, al.b_end)
    return al


def _count(prefix: Sequence[int] | array | np.ndarray, start: int, end: int) -> int:
    return prefix[end] - prefix[start] if end > start else 0


def _union_count(prefix: Sequence[int] | array | np.ndarray, intervals: list[Interval]) -> int:
    """Content characters covered by the union of ``intervals``."""
    total, cur_start, cur_end = 0, 0, 0
    for start, end in sorted(intervals):
        if start > cur_end:
            total += _count(prefix, cur_start, cur_end)
            cur_start = start
        cur_end = max(cur_end, end)
    return total + _count(prefix, cur_start, cur_end)


def _size(al: Alignment, prefixes: _Prefixes) -> int:
    return _count(prefixes.get(al.a_doc), al.a_start, al.a_end) + _count(prefixes.get(al.b_doc), al.b_start, al.b_end)


def _overlap(case: Alignment, det: Alignment, prefixes: _Prefixes) -> tuple[Interval, Interval] | None:
    """``case ⊓ det`` as an (a, b) pair of intervals, or None when ``det`` does not detect ``case``.

    Both alignments must be oriented and of the same document pair.
    """
    a = (max(case.a_start, det.a_start), min(case.a_end, det.a_end))
    if _count(prefixes.get(case.a_doc), *a) == 0:
        return None
    b = (max(case.b_start, det.b_start), min(case.b_end, det.b_end))
    if _count(prefixes.get(case.b_doc), *b) == 0:
        return None
    return a, b


def _by_pair(alignments: list[Alignment]) -> dict[tuple[str, str], list[int]]:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, al in enumerate(alignments):
        groups[al.a_doc, al.b_doc].append(i)
    return groups


def pan_scores(cases: Sequence[Alignment], detections: Sequence[Alignment], texts: Mapping[str, str]) -> PanScores:
    """PAN 2013 precision, recall, granularity and plagdet (Potthast et al. 2010), over content characters.

    Raises ValueError for an alignment within one document, an unknown document, a range outside its
    document, or a case with no content character on one side (no detection could ever detect it).
    """
    prefixes = _Prefixes(texts)
    cases = [_orient(c, prefixes) for c in cases]
    dets = [_orient(d, prefixes) for d in detections]
    for case in cases:
        if (
            _count(prefixes.get(case.a_doc), case.a_start, case.a_end) == 0
            or _count(prefixes.get(case.b_doc), case.b_start, case.b_end) == 0
        ):
            raise ValueError(f"case {case} has no content character on one side")

    # Per case and per detection: the a- and b-intervals of every overlap, and how many partners it has.
    case_parts: list[tuple[list[Interval], list[Interval]]] = [([], []) for _ in cases]
    det_parts: list[tuple[list[Interval], list[Interval]]] = [([], []) for _ in dets]
    case_hits = [0] * len(cases)
    det_groups = _by_pair(dets)
    for pair, case_ids in _by_pair(cases).items():
        for di in det_groups.get(pair, ()):
            for ci in case_ids:
                overlap = _overlap(cases[ci], dets[di], prefixes)
                if overlap is None:
                    continue
                a, b = overlap
                case_parts[ci][0].append(a)
                case_parts[ci][1].append(b)
                det_parts[di][0].append(a)
                det_parts[di][1].append(b)
                case_hits[ci] += 1

    def covered(al: Alignment, parts: tuple[list[Interval], list[Interval]]) -> int:
        return _union_count(prefixes.get(al.a_doc), parts[0]) + _union_count(prefixes.get(al.b_doc), parts[1])

    precisions = []
    for det, parts in zip(dets, det_parts, strict=True):
        size = _size(det, prefixes)
        precisions.append(covered(det, parts) / size if size else 0.0)
    recalls = [covered(case, parts) / _size(case, prefixes) for case, parts in zip(cases, case_parts, strict=True)]
    hits = [h for h in case_hits if h > 0]

    precision = sum(precisions) / len(precisions) if precisions else 1.0
    recall = sum(recalls) / len(recalls) if recalls else 1.0
    granularity = sum(hits) / len(hits) if hits else 1.0
    return PanScores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=f1_score(precision, recall) / math.log2(1 + granularity),
        cases=len(cases),
        detected=len(hits),
        detections=len(dets),
    )


def pan_scores_for(subset: Sequence[Alignment], detections: Sequence[Alignment], texts: Mapping[str, str]) -> PanScores:
    """``pan_scores`` of a subset of the cases (one obfuscation level, say) against the detections of that subset.

    Only detections that detect at least one case of ``subset`` are scored: false positives, and detections
    of other cases only, are left to the overall row (``pan_scores``). A kept detection that also covers a
    case outside ``subset`` still has that part counted against its precision, as in PAN.
    """
    prefixes = _Prefixes(texts)
    oriented = [_orient(c, prefixes) for c in subset]
    groups = _by_pair(oriented)
    kept = []
    for det in detections:
        od = _orient(det, prefixes)
        pair_cases = groups.get((od.a_doc, od.b_doc), ())
        if any(_overlap(oriented[ci], od, prefixes) is not None for ci in pair_cases):
            kept.append(det)
    return pan_scores(subset, kept, texts)


# ---------------------------------------------------------------------------------------------------------------------
# Label measures


def _check_spans(spans: SpanList, doc: str, length: int) -> None:
    for start, end, _label in spans:
        if not 0 <= start <= end <= length:
            raise ValueError(f"span [{start}, {end}) is not within document {doc!r} of length {length}")


def _label_codes(text_len: int, spans: SpanList, codes: dict[str, int]) -> np.ndarray:
    """Label code of every character; a later span overrides an earlier one where they overlap."""
    out = np.zeros(text_len, dtype=np.int32)  # code 0 is "original"
    for start, end, label in spans:
        out[start:end] = codes.setdefault(label, len(codes))
    return out


def label_scores(
    truth: Mapping[str, SpanList],
    predicted: Mapping[str, SpanList],
    texts: Mapping[str, str],
    labels: Collection[str],
) -> LabelScores:
    """Micro-averaged precision, recall and F1 of the characters labelled with any of ``labels``.

    A character counts as found only with its exact truth label: with ``labels={"boilerplate", "template"}``
    a template character predicted as boilerplate is a miss (and a false alarm). Overlapping spans are
    allowed; where they overlap, the later span in the list wins. Documents of ``truth`` or ``predicted``
    that are not in ``texts`` raise ValueError.
    """
    for spans_by_doc in (truth, predicted):
        unknown = set(spans_by_doc) - set(texts)
        if unknown:
            raise ValueError(f"spans for unknown documents: {sorted(unknown)}")
    codes = {ORIGINAL: 0}
    wanted = np.array([codes.setdefault(label, len(codes)) for label in labels], dtype=np.int32)
    tp = truth_chars = predicted_chars = 0
    for doc, text in texts.items():
        truth_spans, predicted_spans = truth.get(doc, []), predicted.get(doc, [])
        _check_spans(truth_spans, doc, len(text))
        _check_spans(predicted_spans, doc, len(text))
        mask = content_mask(text)
        true_codes = _label_codes(len(text), truth_spans, codes)[mask]
        pred_codes = _label_codes(len(text), predicted_spans, codes)[mask]
        true_in, pred_in = np.isin(true_codes, wanted), np.isin(pred_codes, wanted)
        tp += int(np.count_nonzero(true_in & (true_codes == pred_codes)))
        truth_chars += int(np.count_nonzero(true_in))
        predicted_chars += int(np.count_nonzero(pred_in))
    precision = tp / predicted_chars if predicted_chars else 1.0
    recall = tp / truth_chars if truth_chars else 1.0
    return LabelScores(precision, recall, f1_score(precision, recall), truth_chars, predicted_chars)


def originality(text: str, spans: SpanList, start: int, end: int, prefix: np.ndarray | None = None) -> float:
    """Share of the content characters of ``text[start:end]`` that no span covers (1.0 if there are none).

    Every span counts as covering, whatever its label. Pass ``prefix = content_prefix(text)`` to reuse it.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range [{start}, {end}) is not within a text of length {len(text)}")
    pre = content_prefix(text) if prefix is None else prefix
    total = int(_count(pre, start, end))
    if total == 0:
        return 1.0
    clipped = [(max(s, start), min(e, end)) for s, e, _label in spans if min(e, end) > max(s, start)]
    return 1.0 - int(_union_count(pre, clipped)) / total


def section_errors(
    truth_sections: Mapping[str, list[tuple[int, int]]],
    truth: Mapping[str, SpanList],
    predicted: Mapping[str, SpanList],
    texts: Mapping[str, str],
) -> SectionError:
    """Mean and largest absolute error of the predicted originality of every truth section (0 if no sections)."""
    errors = []
    for doc, sections in truth_sections.items():
        if doc not in texts:
            raise ValueError(f"sections for unknown document {doc!r}")
        text = texts[doc]
        prefix = content_prefix(text)
        for start, end in sections:
            want = originality(text, truth.get(doc, []), start, end, prefix)
            got = originality(text, predicted.get(doc, []), start, end, prefix)
            errors.append(abs(want - got))
    if not errors:
        return SectionError(0.0, 0.0, 0)
    return SectionError(sum(errors) / len(errors), max(errors), len(errors))
