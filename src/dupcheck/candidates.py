"""Candidate passage pairs between texts, from shared fingerprints — never from comparing all pairs.

Two sources, as in ``fingerprints``:

* texts sharing a winnowing fingerprint give a *seed*: the k-gram at token ``pos_a`` of one text equals the
  one at ``pos_b`` of the other;
* passage windows whose MinHash signatures agree on every row of at least one LSH band (datasketch's
  ``MinHashLSH`` semantics: band ``i`` is rows ``i*r .. i*r+r-1``) give a *window pair*.

Boilerplate (``boilerplate``) is an input: a boilerplate fingerprint or band bucket is never expanded into all
its pairs, except between a template and a member, since template text is what a reviewer asks about.

Cost is linear in what texts share, never in its square:

* a fingerprint whose k-gram more than ``max_pair_members`` members use (``Boilerplate.wide``, counted exactly
  with the boilerplate), or a band bucket that many members hold, is *widely shared*: it is never expanded into
  pairs (``wide`` labels and groups it from the k-gram counts, without alignment); the pairs that rarer evidence
  makes still get its seeds (``Candidates.wide_seeds``), so a copy that runs through a common phrase stays whole
  (far from the pair's own seeds they align nothing: ``alignment.seed_regions``);
* repetition inside one text is collapsed: at most ``MAX_REPEATS`` occurrences of one fingerprint (or band key)
  per text can pair it, so a sentence pasted 9,000 times costs what it costs pasted eight times;
* two members whose only evidence is a set phrase are not compared (``set_phrase_chars``): every fingerprint they
  share is held by a third member too, all of them lie within one stretch of either text shorter than a set
  phrase, and no passage window agrees. Labelling would give such a passage back to each member (``labels``), and
  in real-shaped text most pairs are of this kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from dupcheck.arrays import EMPTY_HASHES, HashSet, repeated_counts, within
from dupcheck.boilerplate import Boilerplate, mostly_fresh
from dupcheck.fingerprints import FingerprintSettings, band_keys
from dupcheck.model import Entry
from dupcheck.normalise import FIRST_WORD_TOKEN
from dupcheck.parallel import batches, chunks, fork_map, workers_for


@dataclass
class PairCandidates:
    """Evidence that two texts may share a passage; texts are ``a`` < ``b`` by index."""

    seeds: list[tuple[int, int]] = field(default_factory=list)  # (token pos in a, token pos in b)
    windows: list[tuple[int, int]] = field(default_factory=list)  # (window index in a, window index in b)


MAX_REPEATS = 8  # occurrences of one fingerprint or band key per text that can pair the text with another


@dataclass
class Candidates:
    """What alignment is asked to compare."""

    pairs: dict[tuple[int, int], PairCandidates]  # by pair of entry indices, lower first
    # Per entry, its widely shared fingerprints (sorted hashes, and the token position of each): two entries that
    # are a pair by other evidence are seeded by the ones they have in common too (``wide_seeds``).
    wide: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    # Per (entry, reach): its widely shared fingerprints in position order, and each one's run (``_near``).
    _by_position: dict[tuple[int, int], tuple[np.ndarray, ...]] = field(default_factory=dict, repr=False, compare=False)

    def wide_seeds(self, i: int, j: int, near: Sequence[int] | None = None, reach: int = 0) -> list[tuple[int, int]]:
        """Seeds (token pos in ``i``, token pos in ``j``) of the widely shared fingerprints both entries hold.

        With ``near`` (token positions in ``i``, the pair's own seeds): only those of ``i``'s widely shared
        fingerprints in a run (consecutive positions at most ``reach`` apart) that comes within ``reach`` of one of
        them. No other can join a region of own seeds (``alignment.seed_regions`` joins a seed to a region whose
        last seed is at most ``reach`` before it), so the regions are the same, and a pair with one or two seeds of
        its own costs what lies near them, not every common phrase of two long reports."""
        if not self.wide:
            return []
        (hashes_i, positions_i), (hashes_j, positions_j) = self.wide[i], self.wide[j]
        if not len(hashes_i) or not len(hashes_j):
            return []
        if near is not None:
            if not len(near):
                return []
            picked = self._near(i, np.asarray(near, dtype=np.int64), reach)
            if not len(picked):
                return []
            hashes_i, positions_i = hashes_i[picked], positions_i[picked]
        # Both are sorted by hash: every (occurrence in i, occurrence in j) of a hash both hold, by binary search.
        first = np.searchsorted(hashes_j, hashes_i, side="left")
        count = np.searchsorted(hashes_j, hashes_i, side="right") - first
        held = np.flatnonzero(count)
        if not len(held):
            return []
        first, count = first[held], count[held]
        # Occurrence n of i's hash pairs with j's occurrences first .. first + count - 1.
        offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        a = np.repeat(positions_i[held], count)
        b = positions_j[np.repeat(first, count) + offsets]
        return list(zip(a.tolist(), b.tolist(), strict=True))

    def _near(self, i: int, near: np.ndarray, reach: int) -> np.ndarray:
        """Indices (into ``wide[i]``) of the runs of ``i``'s widely shared fingerprints that come within ``reach`` of
        a position in ``near``."""
        key = (i, reach)
        layout = self._by_position.get(key)
        if layout is None:
            positions = self.wide[i][1]
            order = np.argsort(positions, kind="stable").astype(np.int32)
            ordered = positions[order]
            # The runs (no gap wider than ``reach`` inside) by their first and last index, and each index's run.
            gap = np.flatnonzero(np.diff(ordered) > reach)
            firsts = np.concatenate([[0], gap + 1]).astype(np.int32)
            lasts = np.concatenate([gap, [len(ordered) - 1]]).astype(np.int32)
            run_of = np.repeat(np.arange(len(firsts), dtype=np.int32), lasts - firsts + 1)
            layout = self._by_position[key] = (order, ordered, run_of, firsts, lasts)
        order, ordered, run_of, firsts, lasts = layout
        # A pair has a few own seeds: a few binary searches, and the touched runs merged in Python.
        low = ordered.searchsorted(near - reach, side="left").tolist()
        high = ordered.searchsorted(near + reach, side="right").tolist()
        spans = sorted(
            (int(firsts[run_of[lo]]), int(lasts[run_of[hi - 1]]) + 1)
            for lo, hi in zip(low, high, strict=True)
            if hi > lo
        )
        if not spans:
            return np.zeros(0, dtype=np.int64)
        merged = [list(spans[0])]
        for lo, hi in spans[1:]:
            if lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        if len(merged) == 1:
            return order[merged[0][0] : merged[0][1]]
        return np.concatenate([order[lo:hi] for lo, hi in merged])


@dataclass(frozen=True)
class _Seeding:
    """What choosing each text's seeds reads (in worker processes forked for a large corpus)."""

    entries: Sequence[Entry]
    k: int
    boilerplate: Boilerplate
    wanted: HashSet  # winnowing hashes that can pair texts


def _seeds_of(state: _Seeding, part: range) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text of ``part``: the positions and hashes of its winnowing fingerprints that can pair it with
    another text: held by another text, and mostly outside boilerplate unless boilerplate itself (which pairs a
    template with a member). The texts of a batch are looked at as one array (a k-gram lies within its text)."""
    boilerplate = HashSet(state.boilerplate.hashes)
    out = []
    for batch in batches(part):
        prints = [state.entries[i].fingerprints for i in batch]
        hashes = np.concatenate([EMPTY_HASHES, *(f.winnow_hashes for f in prints)])
        offsets = np.cumsum([0, *(f.n_tokens for f in prints)])
        counts = [len(f.winnow_hashes) for f in prints]
        positions = np.concatenate([np.zeros(0, np.int64), *(f.winnow_positions for f in prints)])
        positions = positions + np.repeat(offsets[:-1], counts)  # among the batch's tokens
        masks = np.concatenate([np.zeros(0, bool), *(state.boilerplate.masks[i] for i in batch)])
        fresh = mostly_fresh(positions, masks, state.k)
        keep = state.wanted.contains(hashes) & (fresh | boilerplate.contains(hashes))
        bounds = np.cumsum([0, *counts]).tolist()
        for n, f in enumerate(prints):
            kept = keep[bounds[n] : bounds[n + 1]]
            out.append((f.winnow_positions[kept], f.winnow_hashes[kept]))
    return out


def _repeated(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values that occur more than once in ``keys``."""
    return repeated_counts([keys])[0]


def _group_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``keys`` that occur twice or more, ordered by key (stably), and the bounds of each group of
    equal keys in that order: group g is ``order[bounds[g]:bounds[g + 1]]``."""
    # Most keys occur once: find the repeated ones by a plain sort, then order only those, stably.
    at = np.flatnonzero(within(keys, _repeated(keys)))
    order = at[np.argsort(keys[at], kind="stable")]
    if len(order) == 0:
        return order, np.zeros(1, dtype=np.int64)
    breaks = np.flatnonzero(keys[order][1:] != keys[order][:-1]) + 1
    return order, np.concatenate([[0], breaks, [len(order)]]).astype(np.int64)


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of ``keys`` grouped by equal value, keeping only groups of two or more."""
    order, bounds = _group_bounds(keys)
    return [order[start:stop] for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def _capped(order: np.ndarray, bounds: np.ndarray, doc_of: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """The groups of ``_group_bounds`` keeping at most ``cap`` elements of one text (``doc_of``, per element) in
    each: a text repeating a sentence holds its fingerprints thousands of times, and every occurrence would pair
    with every other. Elements of a group are in index order, hence text by text."""
    if len(order) == 0:
        return order, bounds
    group_of = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    docs = doc_of[order]
    at = np.arange(len(order))
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (group_of[1:] != group_of[:-1]) | (docs[1:] != docs[:-1])
    keep = at - np.maximum.accumulate(np.where(new_run, at, 0)) < cap
    if keep.all():
        return order, bounds
    sizes = np.bincount(group_of[keep], minlength=len(bounds) - 1)
    return order[keep], np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def _spread(bounds: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per group, how many distinct members hold it (``members``: per element in group order, negative for a
    template, which is no member)."""
    n_groups = len(bounds) - 1
    group_of = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(bounds))
    held = members >= 0
    if not held.any():
        return np.zeros(n_groups, dtype=np.int64)
    width = int(members.max()) + 1
    keys = np.unique(group_of[held] * width + members[held])
    return np.bincount(keys // width, minlength=n_groups)


def _template_pairs(
    order: np.ndarray, bounds: np.ndarray, groups: np.ndarray, is_template: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (template element, other element) of the chosen ``groups`` (``is_template``: per element in group
    order) that hold a template: a template is what a reviewer asks about, however common its text."""
    firsts, seconds = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    if len(groups):
        has_template = np.add.reduceat(is_template.astype(np.int64), bounds[:-1]) > 0
        for group in groups[has_template[groups]].tolist():
            members_of = order[bounds[group] : bounds[group + 1]]
            marked = is_template[bounds[group] : bounds[group + 1]]
            p, q = (m.ravel() for m in np.meshgrid(members_of[marked], members_of[~marked], indexing="ij"))
            firsts.append(p)
            seconds.append(q)
    return np.concatenate(firsts), np.concatenate(seconds)


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

    keys: tuple[np.ndarray, ...]  # per band, the key of every window
    window_doc: np.ndarray  # the entry of every window
    texts: _Texts
    boilerplate_members: int
    focused_only: bool  # only windows whose key a focused text's window has
    max_pair_members: int | None = None  # a bucket more members hold pairs only templates with members
    # Buckets known, over more texts than ``entries``, to be boilerplate or widely shared (sorted keys).
    common_bands: np.ndarray = field(default_factory=lambda: EMPTY_HASHES)
    wide_bands: np.ndarray = field(default_factory=lambda: EMPTY_HASHES)


def _band_pairs(state: _Bands, bands: range) -> np.ndarray:
    """Window pairs ``p * n_windows + q`` (``p``'s text before ``q``'s) that a band of ``bands`` puts in one bucket.

    A key is made with its band's number, so the buckets of several bands are found in one pass over their keys
    together: a check's hundred reports hold a few thousand windows, and a pass a band cost more in numpy's calls
    than in its work."""
    n_windows = len(state.window_doc)
    keys = state.keys[bands[0]] if len(bands) == 1 else np.concatenate([EMPTY_HASHES, *(state.keys[b] for b in bands)])
    window_doc = state.window_doc if len(bands) == 1 else np.tile(state.window_doc, len(bands))  # per key
    texts = state.texts
    candidates_at = np.arange(len(keys))
    if state.focused_only:
        candidates_at = np.flatnonzero(within(keys, np.unique(keys[texts.focused[window_doc]])))
    order, bounds = _group_bounds(keys[candidates_at])
    order, bounds = _capped(candidates_at[order], bounds, window_doc, MAX_REPEATS)
    n_groups = len(bounds) - 1
    # A passage most members share is boilerplate, labelled from the k-grams: its bucket pairs nothing.
    group_of = np.repeat(np.arange(n_groups), np.diff(bounds))
    docs = window_doc[order]
    held = np.unique(np.stack([group_of, texts.members[docs]])[:, texts.counted[docs]], axis=1)
    users = np.bincount(held[0], minlength=n_groups)
    common = users >= state.boilerplate_members
    wide = np.zeros(n_groups, dtype=bool)
    if state.max_pair_members is not None:
        wide = ~common & (_spread(bounds, texts.members[docs]) > state.max_pair_members)
    if len(state.common_bands) or len(state.wide_bands):
        group_keys = keys[order[bounds[:-1]]]
        common |= within(group_keys, state.common_bands)
        if state.max_pair_members is not None:
            wide = (wide | within(group_keys, state.wide_bands)) & ~common
    p, q = _pairs_within(order, bounds, np.flatnonzero(~common & ~wide))
    tp, tq = _template_pairs(order, bounds, np.flatnonzero(wide), texts.templates[docs])
    p, q = np.concatenate([p, tp]), np.concatenate([q, tq])
    i, j = window_doc[p], window_doc[q]
    ok = texts.related(i, j)
    p, q, swap = p[ok] % n_windows, q[ok] % n_windows, (i > j)[ok]
    return np.where(swap, q, p) * n_windows + np.where(swap, p, q)


def _collect(
    into: dict[tuple[int, int], PairCandidates],
    field_name: str,
    i: np.ndarray,
    j: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
) -> None:
    """Append ``(x[n], y[n])`` to ``into[(i[n], j[n])]``'s ``field_name`` list, a pair at a time (not a seed at a
    time: a large corpus has millions of seeds)."""
    if not len(i):
        return
    order = np.lexsort((y, x, j, i))
    i, j, x, y = i[order], j[order], x[order], y[order]
    breaks = np.flatnonzero((i[1:] != i[:-1]) | (j[1:] != j[:-1])) + 1
    starts = np.concatenate([[0], breaks]).tolist()
    stops = np.concatenate([breaks, [len(i)]]).tolist()
    xs, ys = x.tolist(), y.tolist()
    for start, stop, a, b in zip(starts, stops, i[starts].tolist(), j[starts].tolist(), strict=True):
        getattr(into[(a, b)], field_name).extend(zip(xs[start:stop], ys[start:stop], strict=True))


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
    boilerplate: Boilerplate,
    *,
    min_window_similarity: float = 0.2,
    focus: Collection[int] | None = None,
    workers: int | None = None,
    max_pair_members: int | None = None,
    common_bands: np.ndarray | None = None,
    wide_bands: np.ndarray | None = None,
    set_phrase_chars: int = 0,
    kgram_users: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Candidates:
    """Candidate pairs among ``entries`` (see the module docstring).

    ``boilerplate``: what is boilerplate among the entries (``find_boilerplate``). ``min_window_similarity``:
    window pairs whose estimated Jaccard similarity is below this are dropped before alignment. ``focus``: only
    pairs with one of these entries (a draft checked against a corpus). ``workers``: processes for the passes
    over a large corpus (default: one per core). ``max_pair_members``: a band bucket more members hold is widely
    shared, never expanded into pairs but between templates and members (None: always expanded); fingerprints are
    widely shared when ``boilerplate.wide`` holds them. ``common_bands``, ``wide_bands``: band keys (sorted) whose
    buckets are boilerplate or widely shared among more texts than ``entries`` (``Population``: an index's): so
    classed, whatever the few entries holding them here. ``set_phrase_chars``: pairs of two members whose only
    evidence is one set phrase shorter than this are left out (0: none). ``kgram_users``: how many members use each
    of some k-grams of the focused texts, counted over more texts than ``entries`` (``Population.users_of``):
    whether a k-gram is one only two members use is then told from it.
    """
    if len(boilerplate.masks) != len(entries):
        raise ValueError(f"boilerplate of {len(boilerplate.masks)} texts given for {len(entries)} entries")
    if not entries:
        return Candidates({})
    if max_pair_members is not None and max_pair_members < 2:
        raise ValueError(f"max_pair_members must be at least 2, got {max_pair_members}")
    k = settings.winnow_k
    workers = workers_for(len(entries), workers)
    # With a focus, only what the focused texts hold can make a pair, so everything else is left out early.
    focus_list = sorted(set(focus)) if focus is not None else None
    # Only a winnowing hash two texts hold (with a focus: one a focused text holds) can pair texts; in a large
    # corpus such hashes are a few per cent, so everything after this works on them alone.
    winnow_hashes = [e.fingerprints.winnow_hashes for e in entries]
    wanted = (
        np.unique(np.concatenate([winnow_hashes[i] for i in focus_list] or [EMPTY_HASHES]))
        if focus_list is not None
        else _repeated(np.concatenate(winnow_hashes))
    )
    state = _Seeding(entries, k, boilerplate, HashSet(wanted))
    prepared = [f for part in fork_map(_seeds_of, state, chunks(len(entries), workers), workers) for f in part]
    del state

    texts = _Texts.of(entries, focus)
    pairs: dict[tuple[int, int], PairCandidates] = defaultdict(PairCandidates)
    # Winnowing layer: texts holding one hash, pair by pair. A boilerplate or widely shared hash pairs only a
    # template with a member.
    doc_of = np.repeat(np.arange(len(entries), dtype=np.int64), [len(h) for _, h in prepared])
    pos_of = np.concatenate([np.zeros(0, np.int64), *(positions for positions, _ in prepared)])
    hashes = np.concatenate([EMPTY_HASHES, *(h for _, h in prepared)])
    del prepared
    order, bounds = _group_bounds(hashes)
    order, bounds = _capped(order, bounds, doc_of, MAX_REPEATS)
    starts = bounds[:-1]
    boilerplate_group = within(hashes[order[starts]], boilerplate.hashes) if len(starts) else np.zeros(0, bool)
    docs = doc_of[order]
    wide_group = within(hashes[order[starts]], boilerplate.wide) & ~boilerplate_group
    p, q = _pairs_within(order, bounds, np.flatnonzero(~boilerplate_group & ~wide_group))
    tp, tq = _template_pairs(order, bounds, np.flatnonzero(boilerplate_group), texts.templates[docs])
    wp, wq = _template_pairs(order, bounds, np.flatnonzero(wide_group), texts.templates[docs])
    related = texts.related(doc_of[p], doc_of[q])
    p, q = p[related], q[related]
    wide: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    if wide_group.any():
        wide = _wide_by_entry(len(entries), order[np.repeat(wide_group, np.diff(bounds))], doc_of, hashes, pos_of)

    # MinHash LSH layer: windows whose signatures agree on a whole band, band by band on the workers.
    sizes = [len(e.fingerprints.signatures) for e in entries]
    window_doc = np.repeat(np.arange(len(entries), dtype=np.int64), sizes)
    window_idx = np.arange(len(window_doc)) - np.repeat(np.cumsum([0, *sizes[:-1]]), sizes)
    bands = _Bands(
        tuple(_band_keys(entries, settings)),
        window_doc,
        texts,
        boilerplate.members,
        focus is not None,
        max_pair_members,
        EMPTY_HASHES if common_bands is None else common_bands,
        EMPTY_HASHES if wide_bands is None else wide_bands,
    )
    # A large corpus's bands, one a task on the workers; a check's few windows, all bands at once.
    by_band = [range(b, b + 1) for b in range(settings.bands)] if focus is None else [range(settings.bands)]
    found_pairs = fork_map(_band_pairs, bands, by_band, workers)
    window_pairs = np.unique(np.concatenate([np.zeros(0, np.int64), *found_pairs]))
    wa, wb = window_pairs // max(1, len(window_doc)), window_pairs % max(1, len(window_doc))
    agree = _agreement(entries, window_doc, window_idx, wa, wb)
    similar = agree >= min_window_similarity * settings.num_perm  # the estimated Jaccard similarity, times num_perm
    wa, wb = wa[similar], wb[similar]

    if set_phrase_chars and len(p):
        keep = ~_set_phrase_seeds(
            _PhraseCheck(entries, texts, k, settings.winnow_w, set_phrase_chars, workers, kgram_users),
            order,
            bounds,
            hashes,
            doc_of,
            pos_of,
            p,
            q,
            window_doc[wa] * len(entries) + window_doc[wb],
        )
        p, q = p[keep], q[keep]
    with_template = texts.template_and_member(doc_of[tp], doc_of[tq])
    with_wide_template = texts.template_and_member(doc_of[wp], doc_of[wq])
    for first, second in [
        (p, q),
        (tp[with_template], tq[with_template]),
        (wp[with_wide_template], wq[with_wide_template]),
    ]:
        swap = doc_of[first] > doc_of[second]
        first, second = np.where(swap, second, first), np.where(swap, first, second)
        _collect(pairs, "seeds", doc_of[first], doc_of[second], pos_of[first], pos_of[second])
    _collect(pairs, "windows", window_doc[wa], window_doc[wb], window_idx[wa], window_idx[wb])
    return Candidates(dict(pairs), wide)


@dataclass(frozen=True)
class _PhraseCheck:
    """What telling set-phrase pairs reads (``_set_phrase_seeds``)."""

    entries: Sequence[Entry]
    texts: _Texts
    k: int
    w: int
    shorter_than: int
    workers: int
    kgram_users: Callable[[np.ndarray], np.ndarray] | None = None  # counted over more texts than entries


def _set_phrase_seeds(
    check: _PhraseCheck,
    order: np.ndarray,
    bounds: np.ndarray,
    hashes: np.ndarray,
    doc_of: np.ndarray,
    pos_of: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    window_keys: np.ndarray,
) -> np.ndarray:
    """Which seeds ``p``, ``q`` (elements of ``order``, member pairs) belong to two members whose only evidence
    is one set phrase: no passage window agrees (``window_keys``: ``i * n + j`` of the window pairs, text ``i``
    first), no fingerprint they share is a k-gram only their two members use, every seed lies within a stretch of
    one of the texts too short to be part of a passage as long as ``shorter_than``, and that stretch holds no Latin
    word or number (one token of several characters). Winnowing takes a fingerprint in every ``w`` consecutive
    k-grams, so a passage runs on at most ``w - 1`` tokens past its first and last fingerprint. Either text will
    do: a passage is as short as its shorter side, and a text that repeats the phrase far apart (or whose index
    comes first) must not make the pair a candidate where the other order would not."""
    entries, texts, n = check.entries, check.texts, len(check.entries)
    i, j = doc_of[p], doc_of[q]
    low, high = np.minimum(i, j), np.maximum(i, j)
    key = low * n + high
    position = np.zeros(len(doc_of), dtype=np.int64)
    position[order] = np.arange(len(order))  # where each element stands in group order
    group_of = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    private = _private(check, order, bounds, hashes, doc_of[order], group_of[position[p]])
    low_first = i == low
    by_key = np.argsort(key, kind="stable")
    sorted_key = key[by_key]
    firsts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    pair_key = sorted_key[firsts]
    pair_docs = (pair_key // n, pair_key % n)
    stretches = []  # per side (the lower text, the higher): where each pair's seeds start and stop there
    for side_pos in (np.where(low_first, pos_of[p], pos_of[q]), np.where(low_first, pos_of[q], pos_of[p])):
        start = np.minimum.reduceat(side_pos[by_key], firsts)
        stop = np.maximum.reduceat(side_pos[by_key], firsts) + check.k
        stretches.append((start, stop, too_short(start, stop, check.w, check.shorter_than)))
    any_private = np.maximum.reduceat(private[by_key].astype(np.int8), firsts) > 0
    phrase_only = (
        ~any_private
        & ~within(pair_key, np.unique(window_keys))
        & texts.counted[pair_docs[0]]
        & texts.counted[pair_docs[1]]
        & (stretches[0][2] | stretches[1][2])
    )
    for at in np.flatnonzero(phrase_only).tolist():
        phrase_only[at] = any(
            short[at] and not holds_a_word(entries[int(docs[at])].tokens, int(start[at]), int(stop[at]))
            for docs, (start, stop, short) in zip(pair_docs, stretches, strict=True)
        )
    out = np.zeros(len(p), dtype=bool)
    out[by_key] = np.repeat(phrase_only, np.diff(np.r_[firsts, len(key)]))
    return out


def too_short(start: np.ndarray, stop: np.ndarray, w: int, shorter_than: int) -> np.ndarray:
    """Which stretches of seeds (tokens ``start[n]:stop[n]`` of a text) are too short to be part of a passage as
    long as ``shorter_than``: winnowing takes a fingerprint in every ``w`` consecutive k-grams, so a passage runs on
    at most ``w - 1`` tokens past its first and last fingerprint."""
    return stop - start + 2 * (w - 1) < shorter_than


def holds_a_word(tokens: str, start: int, stop: int) -> bool:
    """Whether ``tokens[start:stop]`` holds a Latin word or a number: one token of several characters, so a stretch
    of tokens says nothing of its length in characters."""
    return max(tokens[start:stop]) >= FIRST_WORD_TOKEN


def _private(
    check: _PhraseCheck,
    order: np.ndarray,
    bounds: np.ndarray,
    hashes: np.ndarray,
    docs: np.ndarray,
    seed_groups: np.ndarray,
) -> np.ndarray:
    """Per seed (of ``seed_groups``): whether its fingerprint's k-gram only two members use.

    Most fingerprints two texts share are held by those two alone; a phrase three members write may still be a
    fingerprint of only two of them (winnowing picks a text's fingerprints by their neighbours), so the k-grams of
    every current report are looked up for the candidates, or counted by ``check.kgram_users``."""
    if check.kgram_users is not None:
        return check.kgram_users(hashes[order[bounds[:-1][seed_groups]]]) <= 2
    sizes = np.diff(bounds)
    members = check.texts.members[docs]  # per element in group order
    counted = check.texts.counted[docs]
    # Members holding a group's fingerprint: two for a group of two elements; counted exactly for larger groups.
    spread = np.where(sizes <= 2, sizes, 0)
    group_of = np.repeat(np.arange(len(sizes)), sizes)
    at = np.flatnonzero((sizes[group_of] > 2) & counted)
    if len(at):
        width = int(members.max()) + 1
        distinct = np.unique(group_of[at] * width + members[at])
        large = np.flatnonzero(sizes > 2)
        spread[large] = np.bincount(distinct // width, minlength=len(sizes))[large]
    few = np.unique(seed_groups[spread[seed_groups] <= 2])
    two = np.unique(hashes[order[bounds[:-1][few]]])
    found = fork_map(
        _holders_of,
        _Holders(check.entries, check.k, HashSet(two)),
        chunks(len(check.entries), check.workers),
        check.workers,
    )
    at_hash = np.concatenate([np.zeros(0, np.int64), *(h for part in found for h, _ in part)])
    by = np.concatenate([np.zeros(0, np.int64), *(m for part in found for _, m in part)])
    users = np.zeros(len(two), dtype=np.int64)
    if len(at_hash):
        width = int(by.max()) + 1
        distinct = np.unique(np.searchsorted(two, at_hash) * width + by)
        users = np.bincount(distinct // width, minlength=len(two))
    private_hashes = two[users <= 2]
    return (spread[seed_groups] <= 2) & within(hashes[order[bounds[:-1][seed_groups]]], private_hashes)


@dataclass(frozen=True)
class _Holders:
    entries: Sequence[Entry]
    k: int
    among: HashSet


def _holders_of(state: _Holders, part: range) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per current report of ``part``: the distinct k-grams of ``state.among`` it holds, and its member."""
    out = []
    for i in part:
        entry = state.entries[i]
        if entry.counts:
            kgrams = entry.kgrams(state.k)
            held = np.unique(kgrams[state.among.contains(kgrams)])
            out.append((held, np.full(len(held), entry.member, dtype=np.int64)))
    return out


def _wide_by_entry(
    n_entries: int, at: np.ndarray, doc_of: np.ndarray, hashes: np.ndarray, pos_of: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per entry, the sorted hashes and positions of its fingerprints at ``at`` (the widely shared ones)."""
    at = at[np.lexsort((pos_of[at], hashes[at], doc_of[at]))]
    bounds = np.searchsorted(doc_of[at], np.arange(n_entries + 1))
    return tuple(
        (hashes[at[start:stop]], pos_of[at[start:stop]])
        for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    )
