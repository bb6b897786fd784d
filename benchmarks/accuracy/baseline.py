"""The "13 identical characters in a row" rule commonly attributed to CNKI, as a baseline detector.

Every maximal run of at least ``min_run`` identical consecutive content characters that two documents
share is reported, however many documents share it: that is how the rule behaves on boilerplate, and
the benchmark should show it. Exact characters only: no case folding, no NFKC.

This module must not import dupcheck: it is a reference point for dupcheck, not a variant of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from .measures import Alignment, SpanList, content_mask

TEMPLATE = "template"
REUSE = "reuse"

Run = tuple[int, int, int, int, int]  # (doc i, content start in i, doc j, content start in j, length), i < j


@dataclass(frozen=True)
class BaselineResult:
    detections: list[Alignment]
    spans: dict[str, SpanList]


def _match_length(s1: str, p1: int, s2: str, p2: int, known: int) -> int:
    """Length of the common prefix of ``s1[p1:]`` and ``s2[p2:]``, of which ``known`` characters are known."""
    # Slice comparisons run in C: gallop forward in growing chunks, then bisect inside the chunk that differs.
    limit = min(len(s1) - p1, len(s2) - p2)
    good, step = known, 8
    while good < limit:
        bad = min(good + step, limit)
        if s1[p1 + good : p1 + bad] == s2[p2 + good : p2 + bad]:
            good, step = bad, step * 2
            continue
        # Invariant: s1[p1:p1+good] matches, s1[p1:p1+bad] does not.
        while bad - good > 1:
            mid = (good + bad) // 2
            if s1[p1 + good : p1 + mid] == s2[p2 + good : p2 + mid]:
                good = mid
            else:
                bad = mid
        break
    return good


def _maximal_runs(strings: list[str], skip_pair: list[bool], min_run: int) -> list[Run]:
    """Every maximal common run of ``min_run`` or more characters between two different strings.

    ``skip_pair[i] and skip_pair[j]`` marks pairs whose runs are not wanted (template with template).
    """
    postings: dict[str, list[tuple[int, int]]] = {}
    for doc, s in enumerate(strings):
        for pos in range(len(s) - min_run + 1):
            gram = s[pos : pos + min_run]
            found = postings.get(gram)
            if found is None:
                postings[gram] = [(doc, pos)]
            else:
                found.append((doc, pos))

    runs: list[Run] = []
    for found in postings.values():
        if len(found) < 2:
            continue
        # Postings are in (doc, pos) order, so the first of a pair is always the lower document.
        for (d1, p1), (d2, p2) in itertools.combinations(found, 2):
            if d1 == d2 or (skip_pair[d1] and skip_pair[d2]):
                continue
            s1, s2 = strings[d1], strings[d2]
            # Each run is reported once, from its first gram: a pair whose previous characters also match
            # lies on the same diagonal inside a run that an earlier gram already starts.
            if p1 and p2 and s1[p1 - 1] == s2[p2 - 1]:
                continue
            runs.append((d1, p1, d2, p2, _match_length(s1, p1, s2, p2, min_run)))
    return runs


def _mask(length: int, ranges: list[tuple[int, int]]) -> np.ndarray:
    diff = np.zeros(length + 1, dtype=np.int32)
    if ranges:
        starts, ends = np.array(ranges, dtype=np.int64).T
        np.add.at(diff, starts, 1)
        np.add.at(diff, ends, -1)
    return np.cumsum(diff[:-1]) > 0


def _spans(codes: np.ndarray, offsets: np.ndarray) -> SpanList:
    """Runs of equal non-zero code (content indices) as spans of the original text."""
    names = {1: TEMPLATE, 2: REUSE}
    spans: SpanList = []
    if len(codes) == 0:
        return spans
    edges = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(codes)]))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        code = int(codes[start])
        if code:
            spans.append((int(offsets[start]), int(offsets[end - 1]) + 1, names[code]))
    return spans


def exact_runs(texts: Mapping[str, str], templates: Collection[str], min_run: int = 13) -> BaselineResult:
    """Detections and labels of the ``min_run``-identical-characters rule over content characters.

    A member's characters in a run shared with a template are "template". A run between two members is a
    detection unless fewer than ``min_run`` of its characters on side a are outside template text (it is
    then template text both members copied); the non-template characters of a detection are "reuse".
    Ranges point into the original texts, from the first to just past the last content character.
    """
    if min_run < 1:
        raise ValueError("min_run must be at least 1")
    docs = sorted(texts)  # index order = id order, so a run's first document is its a_doc
    is_template = [doc in templates for doc in docs]
    masks = [content_mask(texts[doc]) for doc in docs]
    offsets = [np.flatnonzero(mask) for mask in masks]
    strings = ["".join(itertools.compress(texts[doc], mask)) for doc, mask in zip(docs, masks, strict=True)]

    runs = _maximal_runs(strings, is_template, min_run)

    template_ranges: list[list[tuple[int, int]]] = [[] for _ in docs]
    member_runs: list[Run] = []
    for run in runs:
        d1, p1, d2, p2, length = run
        if is_template[d1]:
            template_ranges[d2].append((p2, p2 + length))
        elif is_template[d2]:
            template_ranges[d1].append((p1, p1 + length))
        else:
            member_runs.append(run)
    template_masks = [_mask(len(s), r) for s, r in zip(strings, template_ranges, strict=True)]
    # Prefix sums as lists: one lookup per run beats a numpy slice sum per run when runs number in the 100,000s.
    template_before = [[0, *itertools.accumulate(m.tolist())] for m in template_masks]

    detections: list[Alignment] = []
    reuse_ranges: list[list[tuple[int, int]]] = [[] for _ in docs]
    for d1, p1, d2, p2, length in member_runs:
        outside = length - (template_before[d1][p1 + length] - template_before[d1][p1])
        if outside < min_run:
            continue
        o1, o2 = offsets[d1], offsets[d2]
        detections.append(
            Alignment(
                docs[d1],
                int(o1[p1]),
                int(o1[p1 + length - 1]) + 1,
                docs[d2],
                int(o2[p2]),
                int(o2[p2 + length - 1]) + 1,
            )
        )
        reuse_ranges[d1].append((p1, p1 + length))
        reuse_ranges[d2].append((p2, p2 + length))

    spans: dict[str, SpanList] = {}
    for i, doc in enumerate(docs):
        if is_template[i]:
            continue
        codes = np.where(template_masks[i], 1, np.where(_mask(len(strings[i]), reuse_ranges[i]), 2, 0))
        spans[doc] = _spans(codes, offsets[i])
    detections.sort(key=lambda al: (al.a_doc, al.b_doc, al.a_start, al.b_start))
    return BaselineResult(detections, spans)
