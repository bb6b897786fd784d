"""Boilerplate: the wording most members share — a k-gram that at least a share of the members (and at least a
floor of them) use.

Counted over the members' current reports only (not templates, not earlier rounds), per member (a member with
two files counts once). What comes out is the threshold, the sorted boilerplate k-gram hashes and, per text, a
mask of the tokens inside one of them: the labeller marks those tokens boilerplate, alignment blanks them, and
candidates never expand a boilerplate k-gram into all its pairs (which keeps their number near-linear in the
corpus).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from dupcheck.arrays import (
    EMPTY_HASHES,
    HashSet,
    bucket_count,
    bucket_of,
    distinct,
    lookup,
    range_mask,
    repeated_counts,
    within,
)
from dupcheck.fingerprints import Fingerprints, kgram_hashes_each
from dupcheck.model import Entry
from dupcheck.normalise import token_codes
from dupcheck.parallel import batches, chunks, fork_map, workers_for


@dataclass(frozen=True)
class Boilerplate:
    """What is boilerplate among a set of texts."""

    members: int  # how many members make a k-gram boilerplate
    hashes: np.ndarray  # sorted k-gram hashes at least that many members use
    masks: tuple[np.ndarray, ...]  # per text: bool per token, True inside a boilerplate k-gram
    # Widely shared: k-grams more members use than are compared pair by pair, but fewer than make boilerplate
    # (``find_boilerplate``'s ``wide_members``); sorted hashes, and per text the positions and hashes of its own.
    wide: np.ndarray = field(default_factory=lambda: EMPTY_HASHES)
    wide_kgrams: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    wide_users: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # members using each of wide

    def users_of(self, hashes: np.ndarray) -> np.ndarray:
        """How many members use each of ``hashes`` (0 for one not widely shared, or not counted)."""
        if len(self.wide_users) != len(self.wide):
            return np.zeros(len(hashes), dtype=np.int64)
        return lookup(self.wide, self.wide_users, hashes)[1]


def boilerplate_members(n_members: int, share: float, floor: int) -> int:
    """Members that must share a text for it to count as boilerplate: ``share`` of them, at least ``floor``."""
    if not 0.0 < share <= 1.0:
        raise ValueError(f"boilerplate share must be in (0, 1], got {share}")
    return max(floor, int(np.ceil(share * n_members - 1e-9)))


def find_boilerplate(
    entries: Sequence[Entry],
    k: int,
    members: int,
    *,
    focus: Collection[int] | None = None,
    hashes: np.ndarray | None = None,
    workers: int | None = None,
    wide_members: int | None = None,
    wide_hashes: np.ndarray | None = None,
    sources: Sequence[int] | None = None,
    wide_users: np.ndarray | None = None,
) -> Boilerplate:
    """The boilerplate of ``entries``: k-grams (of ``k`` tokens) that at least ``members`` members use.

    ``wide_members``: also the widely shared k-grams, used by at least this many members but fewer than
    ``members``, counted in the same pass (given in ``wide_hashes`` when ``hashes`` is given).

    ``focus``: only the k-grams these entries hold are counted (a draft checked against a corpus: boilerplate is
    counted among the draft's k-grams). ``hashes``: the boilerplate k-grams, when they were counted over more
    texts than ``entries`` (an index that hands out only the texts a draft may share something with); then only
    the masks are made. ``workers``: processes for the passes over a large corpus (default: one per core).
    ``sources``: per entry, the id it is counted under for boilerplate (``SameReports.sources``: one report handed
    in by several members is one source); members by default. Widely shared k-grams are counted by members
    (``wide_users``: how many use each of ``wide_hashes``, when those are given).
    """
    if members < 2:
        raise ValueError(f"boilerplate needs at least 2 members, got {members}")
    if not entries:
        return Boilerplate(members, EMPTY_HASHES if hashes is None else hashes, ())
    workers = workers_for(len(entries), workers)
    parts = chunks(len(entries), workers)
    threshold = members if wide_members is None else min(members, max(2, wide_members))
    wide, users_of_wide = EMPTY_HASHES, np.zeros(0, dtype=np.int64)
    if hashes is not None:  # counted over a whole index: every k-gram of these texts is looked up
        found = [f for part in fork_map(_hot_kgrams, _Pass(entries, k), parts, workers) for f in part]
        if wide_members is not None and wide_hashes is not None:
            kept = ~within(wide_hashes, hashes)
            wide = wide_hashes[kept]
            if wide_users is not None:
                users_of_wide = np.asarray(wide_users, dtype=np.int64)[kept]
    else:
        focus_list = sorted(set(focus)) if focus is not None else None
        focus_kgrams = (
            np.unique(np.concatenate([entries[i].kgrams(k) for i in focus_list] or [EMPTY_HASHES]))
            if focus_list is not None
            else None
        )
        hot = _hot_buckets(entries, k, threshold, focus_kgrams, workers)
        if hot is None:  # fewer members than make a k-gram boilerplate
            found = [(np.zeros(0, np.int64), EMPTY_HASHES)] * len(entries)
        else:
            found = [f for part in fork_map(_hot_kgrams, _Pass(entries, k, hot=hot), parts, workers) for f in part]
        kgrams_used = [h if focus_kgrams is None else h[within(h, focus_kgrams)] for _, h in found]
        counted, users, from_sources = _used_by(entries, kgrams_used, threshold, sources)
        hashes = counted[from_sources >= members]
        if wide_members is not None:
            is_wide = (from_sources < members) & (users >= max(2, wide_members))
            wide, users_of_wide = counted[is_wide], users[is_wide]
    state = _Pass(entries, k, found=found, hashes=hashes, wide=wide)
    masked = [m for part in fork_map(_masks, state, parts, workers) for m in part]
    masks = tuple(mask for mask, _ in masked)
    wide_kgrams = tuple(w for _, w in masked) if wide_members is not None else ()
    return Boilerplate(members, hashes, masks, wide, wide_kgrams, users_of_wide)


def boilerplate_mask(
    kgrams: np.ndarray, n_tokens: int, hashes: np.ndarray | HashSet, k: int, positions: np.ndarray | None = None
) -> np.ndarray:
    """Bool per token of a text: inside one of its k-grams (``kgrams``, by position, or starting at
    ``positions``) that is boilerplate (in ``hashes``, sorted, or a ``HashSet`` of them)."""
    hits = np.flatnonzero(hashes.contains(kgrams) if isinstance(hashes, HashSet) else within(kgrams, hashes))
    if positions is not None:
        hits = positions[hits]
    return range_mask(n_tokens, np.stack([hits, hits + k], axis=1))


def mostly_fresh(positions: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Which k-grams starting at ``positions`` have fewer than half their tokens inside boilerplate (``mask``).

    A k-gram that is mostly boilerplate (a heading and the first characters after it) is shared by chance by
    every member whose next words happen to agree: no evidence of a copy, and, in a large corpus, a quadratic
    number of pairs. A copy long enough to report holds k-grams of its own.
    """
    covered = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
    return (covered[positions + k] - covered[positions]) * 2 < k


def seed_hashes(fingerprints: Fingerprints, mask: np.ndarray, hashes: np.ndarray, k: int) -> np.ndarray:
    """The distinct winnowing hashes by which a text can pair with another member's: taken where the text's
    k-gram is mostly outside boilerplate (``mask``, per token), and not boilerplate itself (``hashes``)."""
    winnowed = fingerprints.winnow_hashes[mostly_fresh(fingerprints.winnow_positions, mask, k)]
    return np.unique(winnowed[~within(winnowed, hashes)])


@dataclass(frozen=True)
class _Pass:
    """What a pass over the texts reads (in worker processes forked for a large corpus)."""

    entries: Sequence[Entry]
    k: int
    among: np.ndarray | None = None  # sorted k-grams: only these are counted
    hot: np.ndarray | None = None  # bool per bucket
    found: Sequence[tuple[np.ndarray, np.ndarray]] = ()  # per text: positions and hashes of its hot k-grams
    hashes: np.ndarray | None = None  # the boilerplate k-grams
    wide: np.ndarray = field(default_factory=lambda: EMPTY_HASHES)  # the widely shared k-grams


def _count_buckets(state: _Pass, part: range) -> np.ndarray:
    """How many of the counted texts in ``part`` use each bucket."""
    texts = np.zeros(bucket_count(), dtype=np.uint32)
    for i in part:
        entry = state.entries[i]
        if entry.counts:
            kgrams = entry.kgrams(state.k)
            if state.among is not None:
                kgrams = kgrams[within(kgrams, state.among)]
            texts[bucket_of(kgrams)] += 1  # a bucket repeated in one text counts once
    return texts


def _hot_buckets(
    entries: Sequence[Entry], k: int, threshold: int, among: np.ndarray | None, workers: int
) -> np.ndarray | None:
    """Which buckets of k-gram hashes (their top bits) at least ``threshold`` texts use: a k-gram outside them
    cannot be boilerplate, so only the few inside are counted exactly. Counting texts per bucket over-counts
    members (a member with two texts, other k-grams of the bucket), never under-counts, so nothing is missed;
    it costs a pass over each text instead of sorting every k-gram of the corpus. None: fewer members than
    ``threshold``, so nothing is boilerplate."""
    if len({entry.member for entry in entries if entry.counts}) < threshold:
        return None
    stripes = [range(w, len(entries), workers) for w in range(workers)]
    texts = np.zeros(bucket_count(), dtype=np.uint32)
    for counted in fork_map(_count_buckets, _Pass(entries, k, among=among), stripes, workers):
        texts += counted
    return texts >= threshold


def _hot_kgrams(state: _Pass, part: range) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text of ``part``: positions and hashes of its k-grams in a hot bucket (all of them without ``hot``)."""
    out = []
    for batch in batches(part):
        codes = [token_codes(state.entries[i].tokens) for i in batch]
        for kgrams in kgram_hashes_each(codes, state.k):
            if state.hot is None:
                out.append((np.arange(len(kgrams)), kgrams))
            else:
                positions = np.flatnonzero(state.hot[bucket_of(kgrams)])
                out.append((positions, kgrams[positions]))
    return out


def _used_by(
    entries: Sequence[Entry], hashes: Sequence[np.ndarray], threshold: int, sources: Sequence[int] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted k-gram hashes that at least ``threshold`` distinct members use (templates and earlier rounds not
    counted), among each text's ``hashes``; how many members use each, and how many sources (``sources``, per
    entry; members when None)."""
    per_member: dict[int, list[np.ndarray]] = defaultdict(list)
    per_source: dict[int, list[np.ndarray]] = defaultdict(list)
    for n, (entry, text_hashes) in enumerate(zip(entries, hashes, strict=True)):
        if entry.counts:
            per_member[entry.member].append(text_hashes)
            if sources is not None:
                per_source[sources[n]].append(text_hashes)
    none = EMPTY_HASHES, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(per_member) < threshold:
        return none
    kgrams, users = repeated_counts(distinct(arrays) for arrays in per_member.values())
    kgrams, users = kgrams[users >= threshold], users[users >= threshold]
    if sources is None or len(per_source) == len(per_member):
        return kgrams, users, users
    shared, counts = repeated_counts(distinct(arrays) for arrays in per_source.values())
    found, sources_at = lookup(shared, counts, kgrams)
    return kgrams, users, np.where(found, sources_at, 1)


def _masks(state: _Pass, part: range) -> list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]]:
    """Per text of ``part``: the mask of its tokens inside a boilerplate k-gram, and the positions and hashes of
    its widely shared k-grams. The texts of a batch are looked up and masked as one array (a k-gram lies within
    its text), in one pass of numpy's calls rather than one a text."""
    assert state.hashes is not None
    boilerplate, wide = HashSet(state.hashes), HashSet(state.wide)
    out = []
    for batch in batches(part):
        found = [state.found[i] for i in batch]
        counts = [len(h) for _, h in found]
        hashes = np.concatenate([EMPTY_HASHES, *(h for _, h in found)])
        positions = np.concatenate([np.zeros(0, dtype=np.int64), *(p for p, _ in found)])
        sizes = [state.entries[i].fingerprints.n_tokens for i in batch]
        offsets = np.cumsum([0, *sizes])
        first = np.repeat(offsets[:-1], counts)  # where each k-gram's text starts among the batch's tokens
        is_boilerplate = boilerplate.contains(hashes)
        hits = positions[is_boilerplate] + first[is_boilerplate]
        masks = np.split(range_mask(int(offsets[-1]), np.stack([hits, hits + state.k], axis=1)), offsets[1:-1])
        bounds = np.cumsum([0, *counts])
        is_wide = wide.contains(hashes)
        for n, mask in enumerate(masks):
            at = np.flatnonzero(is_wide[bounds[n] : bounds[n + 1]])
            local_positions, local_hashes = found[n]
            out.append((mask, (local_positions[at].astype(np.int32), local_hashes[at])))
    return out
