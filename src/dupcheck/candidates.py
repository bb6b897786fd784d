"""Candidate passage pairs between texts, from shared fingerprints — never from comparing all pairs.

Two sources, as in ``fingerprints``:

* texts sharing a winnowing fingerprint give a *seed*: the k-gram at token ``pos_a`` of one text equals the
  one at ``pos_b`` of the other;
* passage windows whose MinHash signatures agree on every row of at least one LSH band (datasketch's
  ``MinHashLSH`` semantics: band ``i`` is rows ``i*r .. i*r+r-1``) give a *window pair*.

Boilerplate (``boilerplate``) is an input: a boilerplate fingerprint or band bucket is never expanded into all
its pairs, except between a template and a member, since template text is what a reviewer asks about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from dupcheck.arrays import EMPTY_HASHES, HashSet, repeated_counts, within
from dupcheck.boilerplate import Boilerplate, mostly_fresh
from dupcheck.fingerprints import FingerprintSettings, band_keys
from dupcheck.model import Entry
from dupcheck.parallel import chunks, fork_map, workers_for


@dataclass
class PairCandidates:
    """Evidence that two texts may share a passage; texts are ``a`` < ``b`` by index."""

    seeds: list[tuple[int, int]] = field(default_factory=list)  # (token pos in a, token pos in b)
    windows: list[tuple[int, int]] = field(default_factory=list)  # (window index in a, window index in b)


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
    template with a member)."""
    out = []
    for i in part:
        fingerprints = state.entries[i].fingerprints
        at = np.flatnonzero(state.wanted.contains(fingerprints.winnow_hashes))
        winnow_hashes, winnow_positions = fingerprints.winnow_hashes[at], fingerprints.winnow_positions[at]
        keep = mostly_fresh(winnow_positions, state.boilerplate.masks[i], state.k) | within(
            winnow_hashes, state.boilerplate.hashes
        )
        out.append((winnow_positions[keep], winnow_hashes[keep]))
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


def _band_pairs(state: _Bands, band: int) -> np.ndarray:
    """Window pairs ``p * n_windows + q`` (``p``'s text before ``q``'s) that band ``band`` puts in one bucket."""
    keys, window_doc, texts = state.keys[band], state.window_doc, state.texts
    candidates_at = np.arange(len(keys))
    if state.focused_only:
        candidates_at = np.flatnonzero(within(keys, np.unique(keys[texts.focused[window_doc]])))
    order, bounds = _group_bounds(keys[candidates_at])
    order = candidates_at[order]
    n_groups = len(bounds) - 1
    # A passage most members share is boilerplate, labelled from the k-grams: its bucket pairs nothing.
    group_of = np.repeat(np.arange(n_groups), np.diff(bounds))
    docs = window_doc[order]
    held = np.unique(np.stack([group_of, texts.members[docs]])[:, texts.counted[docs]], axis=1)
    users = np.bincount(held[0], minlength=n_groups)
    p, q = _pairs_within(order, bounds, np.flatnonzero(users < state.boilerplate_members))
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
    boilerplate: Boilerplate,
    *,
    min_window_similarity: float = 0.2,
    focus: Collection[int] | None = None,
    workers: int | None = None,
) -> dict[tuple[int, int], PairCandidates]:
    """Candidate pairs among ``entries`` (see the module docstring), by pair of entry indices (lower first).

    ``boilerplate``: what is boilerplate among the entries (``find_boilerplate``). ``min_window_similarity``:
    window pairs whose estimated Jaccard similarity is below this are dropped before alignment. ``focus``: only
    pairs with one of these entries (a draft checked against a corpus). ``workers``: processes for the passes
    over a large corpus (default: one per core).
    """
    if len(boilerplate.masks) != len(entries):
        raise ValueError(f"boilerplate of {len(boilerplate.masks)} texts given for {len(entries)} entries")
    if not entries:
        return {}
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

    # Winnowing layer: texts holding one hash, pair by pair. A boilerplate hash pairs only a template with a member.
    doc_of = np.repeat(np.arange(len(entries), dtype=np.int64), [len(h) for _, h in prepared])
    pos_of = np.concatenate([positions for positions, _ in prepared])
    hashes = np.concatenate([h for _, h in prepared])
    del prepared
    order, bounds = _group_bounds(hashes)
    starts = bounds[:-1]
    boilerplate_group = within(hashes[order[starts]], boilerplate.hashes) if len(starts) else np.zeros(0, bool)
    p, q = _pairs_within(order, bounds, np.flatnonzero(~boilerplate_group))
    seeds = [(p, q, texts.related(doc_of[p], doc_of[q]))]
    for group in np.flatnonzero(boilerplate_group).tolist():
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
    bands = _Bands(tuple(_band_keys(entries, settings)), window_doc, texts, boilerplate.members, focus is not None)
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
    return dict(pairs)
