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
    edit_gap: int = 3  # ... or with shorter runs this close to the next in both texts: an edit every few tokens
    margin: int = 30  # context aligned around a group of seeds
    max_drift: int = 40  # seeds whose diagonals differ more than this are different regions
    merge_gap: int = 12  # passages this close in one text, and max_gap close in the other, are one copy
    reorder_passes: int = 2  # extra alignments of what is left in a region, for clauses moved within a copy

    def __post_init__(self) -> None:
        if self.min_block < 1 or self.min_chars < 1:
            raise ValueError("min_block and min_chars must be at least 1")
        if min(self.max_gap, self.merge_gap, self.margin, self.max_drift, self.reorder_passes, self.edit_gap) < 0:
            raise ValueError("max_gap, merge_gap, margin, max_drift, reorder_passes and edit_gap must not be negative")
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
# Longest region, in tokens of either text: an LCS costs the product of its two lengths in time and in memory (its
# edit operations), so a long copy is aligned as consecutive regions of at most this, whose passages then merge.
MAX_REGION = 8192
_BLANK_A, _BLANK_B = "\x00", "\x01"  # never equal to each other, nor to a token (tokens are never controls)
# What a caller puts in place of the tokens of text it does not want matched (the scan: boilerplate, the wording
# most members share), one character for each text so that blanks never match each other. A gap made of them is
# no edit of a copier's: a copied paragraph holding a set phrase is one passage, not two pieces around it.
BLANKS = ("\x02", "\x03")


def seed_regions(
    seeds: Iterable[tuple[int, int]],
    k: int,
    settings: AlignSettings,
    common: Iterable[tuple[int, int]] = (),
) -> list[Region]:
    """Group seeds that lie near one diagonal and near each other into regions to align.

    ``common`` seeds (of phrases many members share) join the regions and extend them, but a region of common
    seeds alone is not aligned: it is a passage shared with a group, labelled from the k-gram counts, and not
    evidence about these two texts."""
    clusters: list[list[int]] = []  # [a_min, a_max, b_min, b_max, last_diagonal, has_own_seed]
    # Seeds come in order of a, so a cluster left behind by more than the gap never takes another: only the ones
    # still within reach are tried (two texts sharing many common phrases have hundreds of clusters).
    reachable: list[list[int]] = []
    reach = settings.max_gap + k
    own = set(seeds)
    for a, b in sorted(own | set(common)):
        diagonal = b - a
        if len(reachable) > 8:
            reachable = [c for c in reachable if a - c[1] <= reach]
        for c in reversed(reachable):
            if (
                a - c[1] <= reach
                and abs(diagonal - c[4]) <= settings.max_drift
                and a - c[0] < MAX_REGION
                and max(c[3], b) - min(c[2], b) < MAX_REGION
            ):
                c[1], c[2], c[3], c[4] = a, min(c[2], b), max(c[3], b), diagonal
                c[5] |= (a, b) in own
                break
        else:
            cluster = [a, a, b, b, diagonal, (a, b) in own]
            clusters.append(cluster)
            reachable.append(cluster)
    return [(c[0], c[1] + k, c[2], c[3] + k) for c in clusters if c[5]]


Block = tuple[int, int, int]  # a, b, size: tokens a .. a+size-1 equal b .. b+size-1


def _runs_in(a: str, b: str, region: Region, settings: AlignSettings) -> list[list[Block]]:
    """Runs of matching blocks in a region, each run in order in both texts.

    A region is where the evidence was (seeds, or a pair of MinHash windows), not where the copy ends: a copy
    disguised by an edit every few characters keeps few seeds, and a window covers part of it. While a run
    reaches the edge of what was aligned, the window grows along the diagonal and is aligned again."""
    a0, a1 = max(0, region[0] - settings.margin), min(len(a), region[1] + settings.margin)
    b0, b1 = max(0, region[2] - settings.margin), min(len(b), region[3] + settings.margin)
    runs = _runs_of_window(a, b, (a0, a1, b0, b1), settings)
    reach = settings.margin // 2
    while max(a1 - a0, b1 - b0) < MAX_REGION:
        long_runs = [run for run in runs if _run_matched(run) >= settings.min_chars]
        # A copy goes on past an edge only where both texts go on.
        grow_start = a0 > 0 and b0 > 0 and any(r[0][0] - a0 < reach or r[0][1] - b0 < reach for r in long_runs)
        grow_end = (
            a1 < len(a)
            and b1 < len(b)
            and any(a1 - (r[-1][0] + r[-1][2]) < reach or b1 - (r[-1][1] + r[-1][2]) < reach for r in long_runs)
        )
        if not (grow_start or grow_end):
            break
        step = max(a1 - a0, b1 - b0, 4 * settings.margin)  # doubling: few alignments however long the copy
        if grow_start:
            a0, b0 = max(0, a0 - step), max(0, b0 - step)
        if grow_end:
            a1, b1 = min(len(a), a1 + step), min(len(b), b1 + step)
        a1, b1 = min(a1, a0 + MAX_REGION), min(b1, b0 + MAX_REGION)
        # The whole grown window is aligned again rather than only the strip beyond the edge: its LCS
        # replaces a chance run the first window took on a competing diagonal (aligning only the strip
        # kept such runs and cost precision on PAN).
        runs = _runs_of_window(a, b, (a0, a1, b0, b1), settings)
    return runs


def _run_matched(run: list[Block]) -> int:
    """Tokens a run matches: the blocks of one window's alignment never overlap (merged passages' may,
    ``_covered_both``)."""
    return sum(size for _, _, size in run)


def _runs_of_window(a: str, b: str, window: Region, settings: AlignSettings) -> list[list[Block]]:
    a0, a1, b0, b1 = window
    left_a, left_b = a[a0:a1], b[b0:b1]
    runs: list[list[Block]] = []  # blocks chained across small gaps
    # An LCS keeps one order of the common text; a clause or sentence moved elsewhere is found by aligning
    # again what the previous pass left over, with the matched tokens blanked out on both sides.
    for attempt in range(1 + settings.reorder_passes):
        # What is left after the first pass is mostly unrelated text, where short chance agreements
        # abound; a moved clause is taken only on the evidence of a run as long as a passage's edge.
        shortest = settings.min_block if attempt == 0 else settings.min_edge
        blocks = [blk for blk in LCSseq.editops(left_a, left_b).as_matching_blocks() if blk.size >= shortest]
        if not blocks:
            break
        if attempt < settings.reorder_passes:
            left_a = _blanked(left_a, [(blk.a, blk.size) for blk in blocks], _BLANK_A)
            left_b = _blanked(left_b, [(blk.b, blk.size) for blk in blocks], _BLANK_B)
        first_run = len(runs)
        for blk in blocks:
            sa, sb = a0 + blk.a, b0 + blk.b
            if len(runs) > first_run:
                la, lb, size = runs[-1][-1]
                gap = settings.max_gap
                if _edits(a, la + size, sa, gap) <= gap and _edits(b, lb + size, sb, gap) <= gap:
                    runs[-1].append((sa, sb, blk.size))
                    continue
            runs.append([(sa, sb, blk.size)])
    for run in runs:
        # Short blocks at the ends are chance agreements in the context around a copy (a shared word
        # in a heading before it), not part of it, unless they sit an edit or two from the next block: a copy
        # with a character changed every few, or a word inserted near its end, is one run of short blocks.
        while len(run) > 1 and run[0][2] < settings.min_edge and not _edit_apart(run[0], run[1], settings):
            run.pop(0)
        while len(run) > 1 and run[-1][2] < settings.min_edge and not _edit_apart(run[-1], run[-2], settings):
            run.pop()
    return runs


def _blanked(text: str, blocks: list[tuple[int, int]], blank: str) -> str:
    """``text`` with the blocks ``(start, size)`` (in order, apart: one alignment's) replaced by ``blank``s."""
    pieces: list[str] = []
    at = 0
    for start, size in blocks:
        pieces += (text[at:start], blank * size)
        at = start + size
    pieces.append(text[at:])
    return "".join(pieces)


def _edit_apart(edge: Block, inner: Block, settings: AlignSettings) -> bool:
    """Whether an edge block shorter than ``min_edge`` belongs to its run: ``edit_gap`` or fewer tokens from its
    neighbour ``inner`` in both texts, and either that block is short too (an edit every few characters) or the
    edge block is more than half an edge long. Beside a long block, three tokens are mostly a short word and the
    numeral of the next heading, which both texts have after a paragraph."""
    close = all(max(inner[t] - edge[t] - edge[2], edge[t] - inner[t] - inner[2]) <= settings.edit_gap for t in (0, 1))
    return close and (inner[2] < settings.min_edge or 2 * edge[2] > settings.min_edge)


def _merge(a: str, b: str, runs: Sequence[list[Block]], settings: AlignSettings) -> list[Passage]:
    """Merge runs that overlap or nearly touch in both texts, in whatever order (a copy's clauses may be
    moved). A passage's matched tokens are the LCS of its two ranges or, when its clauses were moved and
    one order cannot hold them all, the tokens its blocks cover on both sides."""
    groups = [([r[0][0], r[-1][0] + r[-1][2], r[0][1], r[-1][1] + r[-1][2]], list(r)) for r in runs]
    limit = min(settings.max_gap, settings.merge_gap)
    changed = True
    while changed:  # a merged passage can reach one it did not reach before: repeat until nothing moves
        changed = False
        kept: list[tuple[list[int], list[Block]]] = []
        for box, blocks in sorted(groups):
            for m, m_blocks in reversed(kept):
                gap_a = max(_edits(a, m[1], box[0], limit), _edits(a, box[1], m[0], limit))
                gap_b = max(_edits(b, m[3], box[2], limit), _edits(b, box[3], m[2], limit))
                near, far = min(gap_a, gap_b), max(gap_a, gap_b)
                if not (near <= settings.max_gap and far <= settings.merge_gap) and not _dropped(
                    m, box, far, m_blocks, blocks, settings
                ):
                    continue
                m[:] = min(m[0], box[0]), max(m[1], box[1]), min(m[2], box[2]), max(m[3], box[3])
                m_blocks.extend(blocks)
                changed = True
                break
            else:
                kept.append((box, blocks))
        groups = kept
    out = []
    for (a_start, a_end, b_start, b_end), blocks in groups:
        matched = max(_covered_both(blocks), LCSseq.similarity(a[a_start:a_end], b[b_start:b_end]))
        out.append(Passage(a_start, a_end, b_start, b_end, matched))
    return out


def _dropped(
    m: list[int], box: list[int], far: int, m_blocks: list[Block], blocks: list[Block], settings: AlignSettings
) -> bool:
    """Whether two passages (their boxes and blocks) are one copy that left out a clause, or added one: they touch
    in one text, with no boilerplate between them either (a heading both have is no dropped clause), in the same
    order in both, and stand at most ``max_drift`` edits apart in the other, as far as a region's diagonals drift.
    One must be a passage on its own and the other as long as a passage's edge: two chance agreements too short to
    report do not make one, nor does a passage take in a few tokens that agree by chance a clause away."""
    touching = min(max(box[0] - m[1], m[0] - box[1]), max(box[2] - m[3], m[2] - box[3])) <= settings.edit_gap
    in_order = (box[0] > m[0]) == (box[2] > m[2])  # a clause moved elsewhere leaves what lies between as it was
    if not (touching and in_order and far <= settings.max_drift):
        return False
    shorter, longer = sorted((_covered_both(m_blocks), _covered_both(blocks)))
    return shorter >= settings.min_edge and longer >= settings.min_chars


def _edits(text: str, start: int, end: int, limit: int) -> int:
    """The tokens of ``text[start:end]`` that are not blanks: the edits a gap between two blocks holds (negative
    where the blocks overlap). A gap no longer than ``limit`` is taken as it is: it is bridged either way."""
    if end - start <= limit:
        return end - start
    return end - start - text.count(BLANKS[0], start, end) - text.count(BLANKS[1], start, end)


def _covered_both(blocks: Iterable[Block]) -> int:
    """The tokens blocks cover in the text where they cover fewer (regions overlap, so a block may be listed twice)."""
    blocks = list(blocks)
    return min(_covered((x, x + n) for x, _, n in blocks), _covered((y, y + n) for _, y, n in blocks))


def _covered(ranges: Iterable[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for start, end in sorted(ranges):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def align(
    a: str,
    b: str,
    regions: Iterable[Region],
    settings: AlignSettings,
) -> list[Passage]:
    """Passages shared by token strings ``a`` and ``b`` within the candidate ``regions``, sorted by ``a``."""
    runs: list[list[Block]] = []
    for region in regions:
        runs.extend(_runs_in(a, b, region, settings))
    keep = [
        p
        for p in map(lambda p: _extended(a, b, p), _merge(a, b, runs, settings))
        if p.matched >= settings.min_chars and p.similarity >= settings.min_similarity
    ]
    return sorted(keep, key=lambda p: (p.a_start, p.b_start))


def _extended(a: str, b: str, p: Passage) -> Passage:
    """The passage grown over identical tokens on either side: an LCS may match a passage's first token to an
    earlier occurrence of it, leaving a block too short to keep and the passage a token short."""
    a_start, b_start, a_end, b_end = p.a_start, p.b_start, p.a_end, p.b_end
    while a_start > 0 and b_start > 0 and a[a_start - 1] == b[b_start - 1]:
        a_start, b_start = a_start - 1, b_start - 1
    while a_end < len(a) and b_end < len(b) and a[a_end] == b[b_end]:
        a_end, b_end = a_end + 1, b_end + 1
    grown = (p.a_start - a_start) + (a_end - p.a_end)
    return Passage(a_start, a_end, b_start, b_end, p.matched + grown) if grown else p
