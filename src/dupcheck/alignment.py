"""Align candidate regions of two normalised texts and return the passages they share.

Global alignment of two whole reports keeps only one order of their common text, so a copy whose
paragraphs were reordered would be half lost. Instead the seeds (shared k-grams) are grouped by diagonal
into regions, each region is aligned locally with rapidfuzz's LCS, and the matching blocks are merged into
passages. Passages that touch or overlap in both texts are merged at the end, so that one copied paragraph
is one match and not ten fragments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq


@dataclass(frozen=True)
class AlignSettings:
    """Cut-offs of the alignment, in tokens (one Chinese character or one Latin word each)."""

    min_block: int = 3  # shortest run of identical tokens taken as evidence
    max_gap: int = 12  # longest stretch of edits bridged inside one passage
    min_chars: int = 13  # shortest passage reported, counted in matched tokens
    min_similarity: float = 0.5  # passages less similar than this are dropped
    min_edge: int = 6  # a passage starts and ends with a run at least this long, so it does not bleed
    margin: int = 30  # context aligned around a group of seeds
    max_drift: int = 40  # seeds whose diagonals differ more than this are different regions

    def __post_init__(self) -> None:
        if self.min_block < 1 or self.min_chars < 1:
            raise ValueError("min_block and min_chars must be at least 1")
        if self.max_gap < 0 or self.margin < 0 or self.max_drift < 0:
            raise ValueError("max_gap, margin and max_drift must not be negative")
        if not 0.0 <= self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in [0, 1], got {self.min_similarity}")


@dataclass(frozen=True)
class Passage:
    """A passage two texts share: tokens ``a_start:a_end`` of one and ``b_start:b_end`` of the other."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int  # tokens in common (length of the LCS of the two ranges)

    @property
    def similarity(self) -> float:
        """Normalised Indel similarity of the two ranges: 1.0 for identical text."""
        return 2 * self.matched / ((self.a_end - self.a_start) + (self.b_end - self.b_start))


Region = tuple[int, int, int, int]  # a_start, a_end, b_start, b_end


def seed_regions(seeds: Iterable[tuple[int, int]], k: int, settings: AlignSettings) -> list[Region]:
    """Group seeds that lie near one diagonal and near each other into regions to align."""
    clusters: list[list[int]] = []  # [a_min, a_max, b_min, b_max, last_diagonal]
    for a, b in sorted(set(seeds)):
        diagonal = b - a
        for c in reversed(clusters):
            if a - c[1] <= settings.max_gap + k and abs(diagonal - c[4]) <= settings.max_drift:
                c[1], c[2], c[3], c[4] = a, min(c[2], b), max(c[3], b), diagonal
                break
        else:
            clusters.append([a, a, b, b, diagonal])
    return [(c[0], c[1] + k, c[2], c[3] + k) for c in clusters]


def _passages_in(a: str, b: str, region: Region, settings: AlignSettings) -> list[Passage]:
    a0, a1 = max(0, region[0] - settings.margin), min(len(a), region[1] + settings.margin)
    b0, b1 = max(0, region[2] - settings.margin), min(len(b), region[3] + settings.margin)
    blocks = [blk for blk in LCSseq.editops(a[a0:a1], b[b0:b1]).as_matching_blocks() if blk.size >= settings.min_block]
    runs: list[list[tuple[int, int, int]]] = []  # blocks (a, b, size) chained across small gaps
    for blk in blocks:
        sa, sb = a0 + blk.a, b0 + blk.b
        if runs:
            la, lb, size = runs[-1][-1]
            if sa - (la + size) <= settings.max_gap and sb - (lb + size) <= settings.max_gap:
                runs[-1].append((sa, sb, blk.size))
                continue
        runs.append([(sa, sb, blk.size)])
    out = []
    for run in runs:
        # Short blocks at the ends are chance agreements in the context around a copy (a shared word
        # in a heading before it), not part of it.
        while len(run) > 1 and run[0][2] < settings.min_edge:
            run.pop(0)
        while len(run) > 1 and run[-1][2] < settings.min_edge:
            run.pop()
        first, last = run[0], run[-1]
        out.append(Passage(first[0], last[0] + last[2], first[1], last[1] + last[2], sum(b[2] for b in run)))
    return out


def _merge(a: str, b: str, passages: Sequence[Passage], settings: AlignSettings) -> list[Passage]:
    """Merge passages that overlap or nearly touch in both texts; recount what they share."""
    merged: list[list[int]] = []
    for p in sorted(passages, key=lambda p: (p.a_start, p.b_start)):
        for m in reversed(merged):
            near_a = p.a_start <= m[1] + settings.max_gap and p.a_end >= m[0] - settings.max_gap
            near_b = p.b_start <= m[3] + settings.max_gap and p.b_end >= m[2] - settings.max_gap
            if near_a and near_b:
                m[0], m[1] = min(m[0], p.a_start), max(m[1], p.a_end)
                m[2], m[3] = min(m[2], p.b_start), max(m[3], p.b_end)
                break
        else:
            merged.append([p.a_start, p.a_end, p.b_start, p.b_end])
    out = []
    for a_start, a_end, b_start, b_end in merged:
        matched = LCSseq.similarity(a[a_start:a_end], b[b_start:b_end])
        out.append(Passage(a_start, a_end, b_start, b_end, matched))
    return out


def align(
    a: str,
    b: str,
    regions: Iterable[Region],
    settings: AlignSettings,
) -> list[Passage]:
    """Passages shared by token strings ``a`` and ``b`` within the candidate ``regions``, sorted by ``a``."""
    found: list[Passage] = []
    for region in regions:
        found.extend(_passages_in(a, b, region, settings))
    keep = [
        p
        for p in _merge(a, b, found, settings)
        if p.matched >= settings.min_chars and p.similarity >= settings.min_similarity
    ]
    return sorted(keep, key=lambda p: (p.a_start, p.b_start))
