"""One report handed in by several members: groups of members' current reports that are the same text, whole
or nearly (at least ``SAME_SHARE`` of the shorter one's fingerprints are in the other).

Found before boilerplate is counted, because it changes what boilerplate is: a text 200 members hand in is
shared by most members, but it is one text copied, not wording most members write. Boilerplate counts each
group as one *source* (``SameReports.sources``), so the group's text stays a finding: a passage the group shares
(labelled reuse, reported as one group) and a whole-report copy that lists every member.

Candidates come from bottom-k sketches of each text's fingerprint set, in bands (two texts that are nearly one
agree on the smallest few hashes under some of the mixings), and each is verified exactly. A band bucket is
verified as a star around its first text, and texts already in one group are not verified again, so the cost
grows with the number of texts, not with the square of a group's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dupcheck.model import Entry

SAME_SHARE = 0.8  # of the shorter text's fingerprints found in the other: the same report (see WHOLE_COPY_SHARE)
MIN_TOKENS = 100  # a text shorter than this is no whole report to hand in twice
_BANDS = 16
_ROWS = 3  # texts with 80 % of their fingerprints in common agree on a band half the time: 16 bands miss 1 in 100,000
# Odd 64-bit multipliers and offsets that mix the fingerprint hashes into a different order per band.
_MIX = np.random.default_rng(20261202).integers(1, 2**63, size=(_BANDS, 2), dtype=np.uint64) | np.uint64(1)


@dataclass(frozen=True)
class SameReports:
    """Which texts are one report handed in by several members."""

    groups: tuple[tuple[int, ...], ...]  # entry indices, each group sorted, two or more members in each
    shares: tuple[tuple[float, ...], ...]  # per group, per text: share of its fingerprints in another of the group
    sources: tuple[int, ...]  # per entry, the id boilerplate counts it under: its member's, or its group's
    collapsed: int = 0  # how many fewer sources than members the current reports have: each group counts once


def find_same_reports(entries: Sequence[Entry]) -> SameReports:
    """Groups of the members' current reports (``Entry.counts``) that are the same text, two or more members in
    each (a member's own two files join a group, never make one)."""
    sets = [_fingerprint_set(e) if e.counts and e.fingerprints.n_tokens >= MIN_TOKENS else None for e in entries]
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, values in enumerate(sets):
        if values is not None:
            for key in _band_keys(values):
                buckets[key].append(i)
    for bucket in buckets.values():
        first = bucket[0]
        for i in bucket[1:]:
            if root(i) == root(first):
                continue
            if _share_of_shorter(sets[first], sets[i]) >= SAME_SHARE:
                parent[root(i)] = root(first)

    by_root: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        if sets[i] is not None:
            by_root[root(i)].append(i)
    groups = sorted(tuple(g) for g in by_root.values() if len({entries[i].member for i in g}) >= 2)
    shares = tuple(_shares(group, sets) for group in groups)
    # A member whose report is in a group counts as the group; the group's id is its smallest member id.
    source_of_member = {e.member: e.member for e in entries}
    for group in groups:
        in_group = {entries[i].member for i in group}
        for m in in_group:
            source_of_member[m] = min(in_group)
    members = {e.member for e in entries if e.counts}
    return SameReports(
        groups=tuple(groups),
        shares=shares,
        sources=tuple(source_of_member[e.member] for e in entries),
        collapsed=len(members) - len({source_of_member[m] for m in members}),
    )


def _fingerprint_set(entry: Entry) -> np.ndarray:
    return np.unique(entry.fingerprints.winnow_hashes)


def _band_keys(values: np.ndarray) -> list[tuple[int, ...]]:
    """One key per band: the band and the ``_ROWS`` smallest of the text's fingerprints as that band mixes them
    (all bands mixed in one array: a corpus of 10,000 texts has 160,000 bands)."""
    with np.errstate(over="ignore"):  # the mixing is arithmetic modulo 2**64 on purpose
        mixed = values[np.newaxis, :] * _MIX[:, :1] + _MIX[:, 1:]
    if mixed.shape[1] > _ROWS:
        mixed = np.partition(mixed, _ROWS - 1, axis=1)[:, :_ROWS]
    return [(band, *row) for band, row in enumerate(np.sort(mixed, axis=1).tolist())]


def _share_of_shorter(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None or not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / min(len(a), len(b))


def _shares(group: tuple[int, ...], sets: Sequence[np.ndarray | None]) -> tuple[float, ...]:
    """Per text of a group: the share of its fingerprints in another text of the group (the first text is
    measured against the second, every other one against the first: linear in the group's size)."""
    out = []
    for n, i in enumerate(group):
        other = sets[group[1] if n == 0 else group[0]]
        mine = sets[i]
        assert mine is not None and other is not None
        out.append(len(np.intersect1d(mine, other, assume_unique=True)) / len(mine))
    return tuple(out)
