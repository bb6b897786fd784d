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

from dupcheck.fingerprints import Fingerprints, FingerprintSettings


@dataclass(frozen=True)
class Entry:
    """One text taking part in the comparison."""

    member: int  # texts of one member share this id; every template has an id of its own
    is_template: bool
    fingerprints: Fingerprints
    is_reference: bool = False  # an earlier round's text: compared with the others, even the same member's

    @property
    def counts(self) -> bool:
        """Whether the text is one of the members' current reports, the ones boilerplate is counted over."""
        return not (self.is_template or self.is_reference)


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


def _common_hashes(entries: Sequence[Entry], threshold: int, among: np.ndarray | None = None) -> np.ndarray:
    """Sorted k-gram hashes that at least ``threshold`` distinct members use (templates not counted); only
    those in the sorted array ``among``, when given."""
    per_member: dict[int, list[np.ndarray]] = defaultdict(list)
    for entry in entries:
        if entry.counts:
            kgrams = entry.fingerprints.kgrams
            per_member[entry.member].append(kgrams if among is None else kgrams[_within(kgrams, among)])
    if len(per_member) < threshold:
        return np.zeros(0, dtype=np.uint64)
    distinct = [np.unique(np.concatenate(arrays)) for arrays in per_member.values()]
    values, counts = np.unique(np.concatenate(distinct), return_counts=True)
    return values[counts >= threshold]


def _within(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in ``sorted_set``: a binary search each, cheaper than ``np.isin`` here."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _mostly_fresh(positions: np.ndarray, common: np.ndarray, k: int) -> np.ndarray:
    """Which k-grams starting at ``positions`` have fewer than half their tokens inside common text."""
    covered = np.concatenate([[0], np.cumsum(common, dtype=np.int64)])
    return (covered[positions + k] - covered[positions]) * 2 < k


def common_mask(kgrams: np.ndarray, n_tokens: int, common_hashes: np.ndarray, k: int) -> np.ndarray:
    """Bool per token of a text: inside one of its k-grams (``kgrams``, by position) that most members share
    (``common_hashes``, sorted)."""
    hits = np.flatnonzero(_within(kgrams, common_hashes))
    return range_mask(n_tokens, np.stack([hits, hits + k], axis=1))


def seed_hashes(fingerprints: Fingerprints, common: np.ndarray, common_hashes: np.ndarray, k: int) -> np.ndarray:
    """The distinct winnowing hashes by which a text can pair with another member's (``find_candidates``): taken
    where the text's k-gram is mostly outside boilerplate (``common``, per token), and not boilerplate itself."""
    hashes = fingerprints.winnow_hashes[_mostly_fresh(fingerprints.winnow_positions, common, k)]
    return np.unique(hashes[~_within(hashes, common_hashes)])


def range_mask(size: int, ranges: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Boolean mask of length ``size``, True inside any of the half-open ``ranges``."""
    bounds = np.asarray(ranges if isinstance(ranges, np.ndarray) else list(ranges), dtype=np.int64).reshape(-1, 2)
    delta = np.zeros(size + 1, dtype=np.int32)
    np.add.at(delta, np.clip(bounds[:, 0], 0, size), 1)
    np.add.at(delta, np.clip(bounds[:, 1], 0, size), -1)
    return np.cumsum(delta[:-1]) > 0


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of ``keys`` grouped by equal value, keeping only groups of two or more."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    breaks = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    bounds = np.concatenate([[0], breaks, [len(keys)]])
    sizes = np.diff(bounds)
    return [order[bounds[i] : bounds[i + 1]] for i in np.flatnonzero(sizes >= 2)]


def find_candidates(
    entries: Sequence[Entry],
    settings: FingerprintSettings,
    *,
    common_members: int,
    min_window_similarity: float = 0.2,
    focus: Collection[int] | None = None,
    common_hashes: np.ndarray | None = None,
) -> Candidates:
    """Candidate pairs among ``entries`` (see the module docstring).

    ``common_members``: a k-gram used by this many members is boilerplate. ``min_window_similarity``: window
    pairs whose estimated Jaccard similarity is below this are dropped before alignment. ``focus``: only
    pairs with one of these entries (a draft checked against a corpus); every entry still counts towards
    boilerplate. ``common_hashes``: the k-grams most members use (sorted), when they were counted over more texts than
    ``entries`` (an index that hands out only the texts a draft may share something with).
    """
    if not entries:
        return Candidates(pairs={}, common=[], common_members=common_members)
    k = settings.winnow_k
    # With a focus, only what the focused texts hold can make a pair, so everything else is left out early.
    focus_list = sorted(set(focus)) if focus is not None else None
    focus_kgrams = (
        np.unique(np.concatenate([entries[i].fingerprints.kgrams for i in focus_list] or [np.zeros(0, np.uint64)]))
        if focus_list is not None
        else None
    )
    if common_hashes is None:
        common_hashes = _common_hashes(entries, common_members, among=focus_kgrams)
    common = [common_mask(e.fingerprints.kgrams, e.fingerprints.n_tokens, common_hashes, k) for e in entries]

    members = np.array([e.member for e in entries], dtype=np.int64)
    templates = np.array([e.is_template for e in entries], dtype=bool)
    references = np.array([e.is_reference for e in entries], dtype=bool)
    counted = ~(templates | references)
    focused = np.zeros(len(entries), dtype=bool)
    focused[list(focus) if focus is not None else slice(None)] = True
    pairs: dict[tuple[int, int], PairCandidates] = defaultdict(PairCandidates)

    def related(i: int, j: int) -> bool:
        # Only a current report is compared, with anything but itself: two texts of one member only when one
        # is from an earlier round (the same text year after year); two templates or earlier texts never.
        if not (counted[i] or counted[j]) or not (focused[i] or focused[j]):
            return False
        return members[i] != members[j] or references[i] != references[j]

    def template_and_member(i: int, j: int) -> bool:
        return bool(templates[i] != templates[j]) and bool(counted[i] or counted[j]) and bool(focused[i] or focused[j])

    # Winnowing layer.
    doc_of = np.concatenate([np.full(len(e.fingerprints.winnow_hashes), i) for i, e in enumerate(entries)])
    pos_of = np.concatenate([e.fingerprints.winnow_positions for e in entries])
    hashes = np.concatenate([e.fingerprints.winnow_hashes for e in entries])
    # A k-gram that is mostly boilerplate (a heading and the first characters after it) is shared by chance
    # by every member whose next words happen to agree: no evidence of a copy, and, in a large corpus, a
    # quadratic number of pairs. A copy long enough to report holds k-grams of its own.
    fresh = np.concatenate(
        [_mostly_fresh(e.fingerprints.winnow_positions, mask, k) for e, mask in zip(entries, common, strict=True)]
    )
    is_common_kgram = _within(hashes, common_hashes)
    keep = fresh | is_common_kgram
    doc_of, pos_of, hashes = doc_of[keep], pos_of[keep], hashes[keep]
    if focus_list is not None:
        focus_hashes = [entries[i].fingerprints.winnow_hashes for i in focus_list] or [np.zeros(0, np.uint64)]
        keep = _within(hashes, np.unique(np.concatenate(focus_hashes)))
        doc_of, pos_of, hashes = doc_of[keep], pos_of[keep], hashes[keep]
    is_common = _within(hashes, common_hashes)
    for group in _groups(hashes):
        docs, positions = doc_of[group], pos_of[group]
        pair_filter = related
        if is_common[group[0]]:
            if not templates[docs].any():
                continue
            pair_filter = template_and_member
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                i, j = int(docs[x]), int(docs[y])
                if not pair_filter(i, j):
                    continue
                if i < j:
                    pairs[(i, j)].seeds.append((int(positions[x]), int(positions[y])))
                else:
                    pairs[(j, i)].seeds.append((int(positions[y]), int(positions[x])))

    # MinHash LSH layer.
    window_doc = np.concatenate([np.full(len(e.fingerprints.signatures), i) for i, e in enumerate(entries)]).astype(
        np.int64
    )
    window_idx = np.concatenate([np.arange(len(e.fingerprints.signatures)) for e in entries]).astype(np.int64)
    sigs = np.concatenate([e.fingerprints.signatures for e in entries] or [np.zeros((0, settings.num_perm), np.uint32)])
    r = settings.rows
    window_pairs: set[tuple[int, int]] = set()
    for band in range(settings.bands):
        block = np.ascontiguousarray(sigs[:, band * r : (band + 1) * r])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * r))).ravel()
        candidates_at = np.arange(len(keys))
        if focus_list is not None:
            candidates_at = np.flatnonzero(np.isin(keys, keys[focused[window_doc]]))
        for local in _groups(keys[candidates_at]):
            group = candidates_at[local]
            group_members = set(members[window_doc[group]][counted[window_doc[group]]].tolist())
            if len(group_members) >= common_members:
                continue  # a passage most members share: boilerplate, labelled from the k-grams
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    p, q = int(group[x]), int(group[y])
                    if related(int(window_doc[p]), int(window_doc[q])):
                        window_pairs.add((p, q) if window_doc[p] < window_doc[q] else (q, p))
    for p, q in sorted(window_pairs):
        if np.mean(sigs[p] == sigs[q]) < min_window_similarity:
            continue
        pairs[(int(window_doc[p]), int(window_doc[q]))].windows.append((int(window_idx[p]), int(window_idx[q])))
    return Candidates(pairs=dict(pairs), common=common, common_members=common_members)
