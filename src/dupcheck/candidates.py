"""Candidate passage pairs between texts, from shared fingerprints — never from comparing all pairs.

Two sources, as in ``fingerprints``:

* texts sharing a winnowing fingerprint give a *seed*: the k-gram at token ``pos_a`` of one text equals the
  one at ``pos_b`` of the other;
* passage windows whose MinHash signatures agree on every row of at least one LSH band (datasketch's
  ``MinHashLSH`` semantics: band ``i`` is rows ``i*r .. i*r+r-1``) give a *window pair*.

A k-gram that most members use is boilerplate by definition: it is recorded as *common* (so the labeller can
mark it) and never expanded into all its pairs, which keeps the number of candidates near-linear in the
corpus size. Pairs with a template are always expanded, since template text is what a reviewer asks about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dupcheck.fingerprints import Fingerprints, FingerprintSettings, band_keys, kgram_hashes
from dupcheck.normalise import token_codes
from dupcheck.parallel import fork_map, workers_for


@dataclass(frozen=True)
class Entry:
    """One text taking part in the comparison."""

    member: int  # texts of one member share this id; every template has an id of its own
    is_template: bool
    tokens: str  # ``Normalised.tokens``
    fingerprints: Fingerprints
    is_reference: bool = False  # an earlier round's text: compared with the others, even the same member's

    @property
    def counts(self) -> bool:
        """Whether the text is one of the members' current reports, the ones boilerplate is counted over."""
        return not (self.is_template or self.is_reference)

    def kgrams(self, k: int) -> np.ndarray:
        """The hash of every token k-gram, entry i starting at token i. Computed when needed (in well under a
        millisecond): kept for every text of a large corpus they would cost 8 bytes a token."""
        return kgram_hashes(token_codes(self.tokens), k)


@dataclass
class PairCandidates:
    """Evidence that two texts may share a passage; texts are ``a`` < ``b`` by index."""

    seeds: list[tuple[int, int]] = field(default_factory=list)  # (token pos in a, token pos in b)
    windows: list[tuple[int, int]] = field(default_factory=list)  # (window index in a, window index in b)


@dataclass(frozen=True)
class Candidates:
    pairs: dict[tuple[int, int], PairCandidates]
    common: list[np.ndarray]  # per text: bool per token, True inside a k-gram most members share
    common_members: int  # how many members make a k-gram common


def common_member_count(n_members: int, share: float, floor: int) -> int:
    """Members that must share a text for it to count as boilerplate: ``share`` of them, at least ``floor``."""
    if not 0.0 < share <= 1.0:
        raise ValueError(f"boilerplate share must be in (0, 1], got {share}")
    return max(floor, int(np.ceil(share * n_members - 1e-9)))


_EMPTY = np.zeros(0, dtype=np.uint64)
_BUCKET_BITS = 24  # 16M buckets: a 64 MB count table, and in a corpus of 10,000 reports 3 k-grams a bucket


@dataclass(frozen=True)
class _Pass:
    """What a pass over the texts reads (in worker processes forked for a large corpus)."""

    entries: Sequence[Entry]
    k: int
    among: np.ndarray | None = None  # sorted k-grams: only these are counted
    hot: np.ndarray | None = None  # bool per bucket
    found: Sequence[tuple[np.ndarray, np.ndarray]] = ()  # per text: positions and hashes of its hot k-grams
    common_hashes: np.ndarray | None = None
    wanted: _HashSet | None = None  # winnowing hashes that can pair texts


def _bucket_of(kgrams: np.ndarray) -> np.ndarray:
    return kgrams >> np.uint64(64 - _BUCKET_BITS)


def _count_buckets(state: _Pass, part: range) -> np.ndarray:
    """How many of the counted texts in ``part`` use each bucket."""
    texts = np.zeros(1 << _BUCKET_BITS, dtype=np.uint32)
    for i in part:
        entry = state.entries[i]
        if entry.counts:
            kgrams = entry.kgrams(state.k)
            if state.among is not None:
                kgrams = kgrams[_within(kgrams, state.among)]
            texts[_bucket_of(kgrams)] += 1  # a bucket repeated in one text counts once
    return texts


def _hot_buckets(
    entries: Sequence[Entry], k: int, threshold: int, among: np.ndarray | None, workers: int
) -> np.ndarray | None:
    """Which buckets of k-gram hashes (their top bits) at least ``threshold`` texts use: a k-gram outside them
    cannot be common, so only the few inside are counted exactly. Counting texts per bucket over-counts
    members (a member with two texts, other k-grams of the bucket), never under-counts, so nothing common is
    missed; it costs a pass over each text instead of sorting every k-gram of the corpus. None: fewer
    members than ``threshold``, so nothing is common."""
    if len({entry.member for entry in entries if entry.counts}) < threshold:
        return None
    stripes = [range(w, len(entries), workers) for w in range(workers)]
    return sum(fork_map(_count_buckets, _Pass(entries, k, among=among), stripes, workers)) >= threshold


def _hot_kgrams(state: _Pass, part: range) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text of ``part``: positions and hashes of its k-grams in a hot bucket (all of them without ``hot``)."""
    out = []
    for i in part:
        kgrams = state.entries[i].kgrams(state.k)
        if state.hot is None:
            out.append((np.arange(len(kgrams)), kgrams))
        else:
            positions = np.flatnonzero(state.hot[_bucket_of(kgrams)])
            out.append((positions, kgrams[positions]))
    return out


def _common_and_winnowed(state: _Pass, part: range) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per text of ``part``: the mask of its tokens inside a common k-gram, and the positions and hashes of
    its winnowing fingerprints that can pair it with another text."""
    assert state.common_hashes is not None and state.wanted is not None
    out = []
    for i in part:
        fingerprints = state.entries[i].fingerprints
        positions, hashes = state.found[i]
        common = common_mask(hashes, fingerprints.n_tokens, state.common_hashes, state.k, positions)
        at = np.flatnonzero(state.wanted.contains(fingerprints.winnow_hashes))
        winnow_hashes, winnow_positions = fingerprints.winnow_hashes[at], fingerprints.winnow_positions[at]
        # A k-gram that is mostly boilerplate (a heading and the first characters after it) is shared by chance
        # by every member whose next words happen to agree: no evidence of a copy, and, in a large corpus, a
        # quadratic number of pairs. A copy long enough to report holds k-grams of its own.
        keep = _mostly_fresh(winnow_positions, common, state.k) | _within(winnow_hashes, state.common_hashes)
        out.append((common, winnow_positions[keep], winnow_hashes[keep]))
    return out


def _chunks(n: int, workers: int) -> list[range]:
    """``range(n)`` in consecutive parts, several per worker so that a slow part does not hold up the rest."""
    size = max(1, -(-n // (workers * 8)))
    return [range(first, min(n, first + size)) for first in range(0, n, size)]


def _common_hashes(entries: Sequence[Entry], hashes: Sequence[np.ndarray], threshold: int) -> np.ndarray:
    """Sorted k-gram hashes that at least ``threshold`` distinct members use (templates not counted), among
    each text's ``hashes``."""
    per_member: dict[int, list[np.ndarray]] = defaultdict(list)
    for entry, text_hashes in zip(entries, hashes, strict=True):
        if entry.counts:
            per_member[entry.member].append(text_hashes)
    if len(per_member) < threshold:
        return _EMPTY
    kgrams, users = count_users(distinct(arrays) for arrays in per_member.values())
    return kgrams[users >= threshold]


def distinct(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted distinct values of uint64 arrays (``np.unique`` is many times slower on these)."""
    values = np.concatenate([_EMPTY, *arrays])
    values.sort()  # in place: a round's k-grams take hundreds of megabytes
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def count_users(kgrams_by_member: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted k-grams that two or more members use, and how many use each (one distinct array per member)."""
    values = np.concatenate([_EMPTY, *kgrams_by_member])
    values.sort()
    repeats = values[1:][values[1:] == values[:-1]]  # a k-gram of n users, n - 1 times
    if not len(repeats):
        return _EMPTY, np.zeros(0, dtype=np.int64)
    first = np.empty(len(repeats), dtype=bool)
    first[0] = True
    np.not_equal(repeats[1:], repeats[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return repeats[starts], np.diff(np.append(starts, len(repeats))) + 1


def _within(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in ``sorted_set``: a binary search each, cheaper than ``np.isin`` here."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


class _HashSet:
    """A sorted set of hashes that answers membership with a bitmap of their buckets first, when it is large:
    most hashes looked up are in no bucket of the set, and a bitmap lookup costs a tenth of a binary search."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.buckets: np.ndarray | None = None
        if len(values) > 4096:
            self.buckets = np.zeros(1 << _BUCKET_BITS, dtype=bool)
            self.buckets[_bucket_of(values)] = True

    def contains(self, probes: np.ndarray) -> np.ndarray:
        if self.buckets is None:
            return _within(probes, self.values)
        found = np.zeros(len(probes), dtype=bool)
        maybe = np.flatnonzero(self.buckets[_bucket_of(probes)])
        found[maybe] = _within(probes[maybe], self.values)
        return found


def _mostly_fresh(positions: np.ndarray, common: np.ndarray, k: int) -> np.ndarray:
    """Which k-grams starting at ``positions`` have fewer than half their tokens inside common text."""
    covered = np.concatenate([[0], np.cumsum(common, dtype=np.int64)])
    return (covered[positions + k] - covered[positions]) * 2 < k


def common_mask(
    kgrams: np.ndarray, n_tokens: int, common_hashes: np.ndarray, k: int, positions: np.ndarray | None = None
) -> np.ndarray:
    """Bool per token of a text: inside one of its k-grams (``kgrams``, by position, or starting at
    ``positions``) that most members share (``common_hashes``, sorted)."""
    hits = np.flatnonzero(_within(kgrams, common_hashes))
    if positions is not None:
        hits = positions[hits]
    return range_mask(n_tokens, np.stack([hits, hits + k], axis=1))


def seed_hashes(fingerprints: Fingerprints, common: np.ndarray, common_hashes: np.ndarray, k: int) -> np.ndarray:
    """The distinct winnowing hashes by which a text can pair with another member's (``find_candidates``): taken
    where the text's k-gram is mostly outside boilerplate (``common``, per token), and not boilerplate itself."""
    hashes = fingerprints.winnow_hashes[_mostly_fresh(fingerprints.winnow_positions, common, k)]
    return np.unique(hashes[~_within(hashes, common_hashes)])


def range_mask(size: int, ranges: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Boolean mask of length ``size``, True inside any of the half-open ``ranges`` (pairs, or an (n, 2) array)."""
    bounds = np.asarray(ranges if isinstance(ranges, np.ndarray) else list(ranges), dtype=np.int64).reshape(-1, 2)
    if len(bounds) == 0:
        return np.zeros(size, dtype=bool)
    bounds = np.clip(bounds, 0, size)
    opened = np.bincount(bounds[:, 0], minlength=size + 1) - np.bincount(bounds[:, 1], minlength=size + 1)
    return np.cumsum(opened[:-1]) > 0


def _repeated(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values that occur more than once in ``keys``."""
    return count_users([keys])[0]


def _group_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``keys`` that occur twice or more, ordered by key (stably), and the bounds of each group of
    equal keys in that order: group g is ``order[bounds[g]:bounds[g + 1]]``."""
    # Most keys occur once: find the repeated ones by a plain sort, then order only those, stably.
    at = np.flatnonzero(_within(keys, _repeated(keys)))
    order = at[np.argsort(keys[at], kind="stable")]
    if len(order) == 0:
        return order, np.zeros(1, dtype=np.int64)
    breaks = np.flatnonzero(keys[order][1:] != keys[order][:-1]) + 1
    return order, np.concatenate([[0], breaks, [len(order)]]).astype(np.int64)


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of ``keys`` grouped by equal value, keeping only groups of two or more."""
    order, bounds = _group_bounds(keys)
    return [order[start:stop] for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def _pairs_within(order: np.ndarray, bounds: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (earlier, later in ``order``) of members of the chosen ``groups`` (see ``_group_bounds``)."""
    firsts, seconds = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    sizes = bounds[groups + 1] - bounds[groups]
    for size in np.unique(sizes).tolist():
        starts = bounds[groups[sizes == size]]
        x, y = np.triu_indices(size, 1)
        firsts.append(order[(starts[:, None] + x).ravel()])
        seconds.append(order[(starts[:, None] + y).ravel()])
    return np.concatenate(firsts), np.concatenate(seconds)


def _band_keys(entries: Sequence[Entry], settings: FingerprintSettings, chunk: int = 1000) -> list[np.ndarray]:
    """Per LSH band, the key (``band_keys``) of every window of every entry, in entry order; signatures are
    gathered a chunk of entries at a time, so the corpus's signatures are never copied whole."""
    parts: list[list[np.ndarray]] = [[] for _ in range(settings.bands)]
    for first in range(0, len(entries), chunk):
        signatures = np.concatenate([e.fingerprints.signatures for e in entries[first : first + chunk]])
        keys = band_keys(signatures, settings).reshape(len(signatures), settings.bands)
        for band in range(settings.bands):
            parts[band].append(keys[:, band])
    return [np.concatenate(p) if p else np.zeros(0, np.uint64) for p in parts]


@dataclass(frozen=True)
class _Texts:
    """Per entry, what decides whether two texts are compared."""

    members: np.ndarray
    templates: np.ndarray
    references: np.ndarray
    counted: np.ndarray  # a current report: boilerplate is counted over these
    focused: np.ndarray

    @classmethod
    def of(cls, entries: Sequence[Entry], focus: Collection[int] | None) -> _Texts:
        templates = np.array([e.is_template for e in entries], dtype=bool)
        references = np.array([e.is_reference for e in entries], dtype=bool)
        focused = np.zeros(len(entries), dtype=bool)
        focused[list(focus) if focus is not None else slice(None)] = True
        return cls(
            members=np.array([e.member for e in entries], dtype=np.int64),
            templates=templates,
            references=references,
            counted=~(templates | references),
            focused=focused,
        )

    def related(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Only a current report is compared, with anything but itself: two texts of one member only when one
        is from an earlier round (the same text year after year); two templates or earlier texts never."""
        ok = (self.counted[i] | self.counted[j]) & (self.focused[i] | self.focused[j])
        return ok & ((self.members[i] != self.members[j]) | (self.references[i] != self.references[j]))

    def template_and_member(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        ok = (self.templates[i] != self.templates[j]) & (self.counted[i] | self.counted[j])
        return ok & (self.focused[i] | self.focused[j])


@dataclass(frozen=True)
class _Bands:
    """What pairing windows band by band reads."""

    keys: list[np.ndarray]  # per band, the key of every window
    window_doc: np.ndarray  # the entry of every window
    texts: _Texts
    common_members: int
    focused_only: bool  # only windows whose key a focused text's window has


def _band_pairs(state: _Bands, band: int) -> np.ndarray:
    """Window pairs ``p * n_windows + q`` (``p``'s text before ``q``'s) that band ``band`` puts in one bucket."""
    keys, window_doc, texts = state.keys[band], state.window_doc, state.texts
    candidates_at = np.arange(len(keys))
    if state.focused_only:
        candidates_at = np.flatnonzero(_within(keys, np.unique(keys[texts.focused[window_doc]])))
    order, bounds = _group_bounds(keys[candidates_at])
    order = candidates_at[order]
    n_groups = len(bounds) - 1
    # A passage most members share is boilerplate, labelled from the k-grams: its bucket pairs nothing.
    group_of = np.repeat(np.arange(n_groups), np.diff(bounds))
    docs = window_doc[order]
    held = np.unique(np.stack([group_of, texts.members[docs]])[:, texts.counted[docs]], axis=1)
    users = np.bincount(held[0], minlength=n_groups)
    p, q = _pairs_within(order, bounds, np.flatnonzero(users < state.common_members))
    i, j = window_doc[p], window_doc[q]
    ok = texts.related(i, j)
    p, q, swap = p[ok], q[ok], (i > j)[ok]
    return np.where(swap, q, p) * len(window_doc) + np.where(swap, p, q)


def _agreement(
    entries: Sequence[Entry],
    window_doc: np.ndarray,
    window_idx: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    chunk: int = 1 << 16,
) -> np.ndarray:
    """How many signature rows windows ``p[n]`` and ``q[n]`` (numbered over all entries) agree on."""
    needed = np.unique(np.concatenate([p, q]))
    if len(needed) == 0:
        return np.zeros(0, dtype=np.int64)
    docs, idx = window_doc[needed], window_idx[needed]
    breaks = np.flatnonzero(np.diff(docs)) + 1  # windows are numbered entry by entry
    rows = np.concatenate(
        [
            entries[int(d[0])].fingerprints.signatures[i]
            for d, i in zip(np.split(docs, breaks), np.split(idx, breaks), strict=True)
        ]
    )
    at_p, at_q = np.searchsorted(needed, p), np.searchsorted(needed, q)
    agree = np.empty(len(p), dtype=np.int64)
    for first in range(0, len(p), chunk):
        part = slice(first, first + chunk)
        agree[part] = np.count_nonzero(rows[at_p[part]] == rows[at_q[part]], axis=1)
    return agree


def find_candidates(
    entries: Sequence[Entry],
    settings: FingerprintSettings,
    *,
    common_members: int,
    min_window_similarity: float = 0.2,
    focus: Collection[int] | None = None,
    common_hashes: np.ndarray | None = None,
    workers: int | None = None,
) -> Candidates:
    """Candidate pairs among ``entries`` (see the module docstring).

    ``common_members``: a k-gram used by this many members is boilerplate. ``min_window_similarity``: window
    pairs whose estimated Jaccard similarity is below this are dropped before alignment. ``focus``: only
    pairs with one of these entries (a draft checked against a corpus); every entry still counts towards
    boilerplate. ``common_hashes``: the k-grams most members use (sorted), when they were counted over more
    texts than ``entries`` (an index that hands out only the texts a draft may share something with).
    ``workers``: processes for the passes over a large corpus (default: one per core).
    """
    if common_members < 2:
        raise ValueError(f"boilerplate needs at least 2 members, got {common_members}")
    if not entries:
        return Candidates(pairs={}, common=[], common_members=common_members)
    k = settings.winnow_k
    workers = workers_for(len(entries), workers)
    parts = _chunks(len(entries), workers)
    # With a focus, only what the focused texts hold can make a pair, so everything else is left out early.
    focus_list = sorted(set(focus)) if focus is not None else None
    if common_hashes is not None:  # counted over a whole index: every k-gram of these texts is looked up
        found = [f for part in fork_map(_hot_kgrams, _Pass(entries, k), parts, workers) for f in part]
    else:
        focus_kgrams = (
            np.unique(np.concatenate([entries[i].kgrams(k) for i in focus_list] or [np.zeros(0, np.uint64)]))
            if focus_list is not None
            else None
        )
        hot = _hot_buckets(entries, k, common_members, focus_kgrams, workers)
        if hot is None:  # fewer members than make a k-gram common
            found = [(np.zeros(0, np.int64), np.zeros(0, np.uint64))] * len(entries)
        else:
            found = [f for part in fork_map(_hot_kgrams, _Pass(entries, k, hot=hot), parts, workers) for f in part]
        kgrams_used = [h if focus_kgrams is None else h[_within(h, focus_kgrams)] for _, h in found]
        common_hashes = _common_hashes(entries, kgrams_used, common_members)

    # Only a winnowing hash two texts hold (with a focus: one a focused text holds) can pair texts; in a large
    # corpus such hashes are a few per cent, so everything after this works on them alone.
    winnow_hashes = [e.fingerprints.winnow_hashes for e in entries]
    wanted = (
        np.unique(np.concatenate([winnow_hashes[i] for i in focus_list] or [np.zeros(0, np.uint64)]))
        if focus_list is not None
        else _repeated(np.concatenate(winnow_hashes))
    )
    state = _Pass(entries, k, found=found, common_hashes=common_hashes, wanted=_HashSet(wanted))
    prepared = [f for part in fork_map(_common_and_winnowed, state, parts, workers) for f in part]
    del found, state
    common = [mask for mask, _, _ in prepared]

    texts = _Texts.of(entries, focus)
    pairs: dict[tuple[int, int], PairCandidates] = defaultdict(PairCandidates)

    # Winnowing layer: texts holding one hash, pair by pair. A common hash pairs only a template with a member.
    doc_of = np.repeat(np.arange(len(entries), dtype=np.int64), [len(h) for _, _, h in prepared])
    pos_of = np.concatenate([positions for _, positions, _ in prepared])
    hashes = np.concatenate([h for _, _, h in prepared])
    del prepared
    order, bounds = _group_bounds(hashes)
    starts = bounds[:-1]
    common_group = _within(hashes[order[starts]], common_hashes) if len(starts) else np.zeros(0, bool)
    p, q = _pairs_within(order, bounds, np.flatnonzero(~common_group))
    seeds = [(p, q, texts.related(doc_of[p], doc_of[q]))]
    for group in np.flatnonzero(common_group).tolist():
        members_of = order[bounds[group] : bounds[group + 1]]
        is_template = texts.templates[doc_of[members_of]]
        if is_template.any():
            p, q = (m.ravel() for m in np.meshgrid(members_of[is_template], members_of[~is_template], indexing="ij"))
            seeds.append((p, q, texts.template_and_member(doc_of[p], doc_of[q])))
    for p, q, ok in seeds:
        p, q = p[ok], q[ok]
        swap = doc_of[p] > doc_of[q]
        p, q = np.where(swap, q, p), np.where(swap, p, q)
        for i, j, a, b in zip(
            doc_of[p].tolist(), doc_of[q].tolist(), pos_of[p].tolist(), pos_of[q].tolist(), strict=True
        ):
            pairs[(i, j)].seeds.append((a, b))

    # MinHash LSH layer: windows whose signatures agree on a whole band, band by band on the workers.
    sizes = [len(e.fingerprints.signatures) for e in entries]
    window_doc = np.repeat(np.arange(len(entries), dtype=np.int64), sizes)
    window_idx = np.arange(len(window_doc)) - np.repeat(np.cumsum([0, *sizes[:-1]]), sizes)
    bands = _Bands(_band_keys(entries, settings), window_doc, texts, common_members, focus is not None)
    found_pairs = fork_map(_band_pairs, bands, range(settings.bands), workers)
    window_pairs = np.unique(np.concatenate([np.zeros(0, np.int64), *found_pairs]))
    p, q = window_pairs // max(1, len(window_doc)), window_pairs % max(1, len(window_doc))
    agree = _agreement(entries, window_doc, window_idx, p, q)
    similar = agree >= min_window_similarity * settings.num_perm  # the estimated Jaccard similarity, times num_perm
    for i, x, j, y in zip(
        window_doc[p[similar]].tolist(),
        window_idx[p[similar]].tolist(),
        window_doc[q[similar]].tolist(),
        window_idx[q[similar]].tolist(),
        strict=True,
    ):
        pairs[(i, j)].windows.append((x, y))
    return Candidates(pairs=dict(pairs), common=common, common_members=common_members)
