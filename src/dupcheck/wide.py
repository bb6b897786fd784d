"""Passages many members share — more than are compared pair by pair (``ScanSettings.max_pair_members``), fewer
than make boilerplate — labelled and grouped from the k-gram counts, never by aligning their pairs: what such a
passage costs grows with its members, not with the square of them.

A widely shared k-gram (``Boilerplate.wide``) is one more members use than that; in a text, a run of consecutive
widely shared k-grams at least ``min_chars`` tokens long is a passage *shared with a group*, labelled reuse.
Runs whose smallest widely shared k-gram hash is the same are one passage (two copies of a passage cut a little
differently still agree on it; a run is in one group only, so common sub-phrases do not chain unrelated
passages into one group): the group lists its members and where the
passage stands in each (cut to its tokens labelled reuse, like a match), and is reported as one finding instead
of hundreds of pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

import numpy as np

from dupcheck.boilerplate import Boilerplate
from dupcheck.labels import Label
from dupcheck.model import Document, ScanSettings
from dupcheck.report import GroupResult, Side
from dupcheck.results import cut_ranges, side_of, side_order

GROUP = "\x00group"  # the partner a passage shared with a group is labelled with (no member is called this)


def shared_runs(positions: np.ndarray, k: int, min_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ranges (an (n, 2) array) of the runs of consecutive widely shared k-grams (starting at ``positions``,
    sorted) at least ``min_chars`` tokens long, and for every k-gram the run it is in (-1: a shorter run)."""
    if not len(positions):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    positions = positions.astype(np.int64)
    run_of = np.concatenate([[0], np.cumsum(np.diff(positions) != 1)])
    firsts = np.flatnonzero(np.concatenate([[True], run_of[1:] != run_of[:-1]]))
    lasts = np.concatenate([firsts[1:] - 1, [len(positions) - 1]])
    ranges = np.stack([positions[firsts], positions[lasts] + k], axis=1)
    long_enough = ranges[:, 1] - ranges[:, 0] >= min_chars
    renumbered = np.where(long_enough, np.cumsum(long_enough) - 1, -1)
    return ranges[long_enough], renumbered[run_of]


def _keyed_runs(positions: np.ndarray, hashes: np.ndarray, k: int, min_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """A text's runs of widely shared k-grams (``shared_runs``), each with its smallest widely shared k-gram hash:
    the key that makes runs of several texts one passage."""
    ranges, run_of = shared_runs(positions, k, min_chars)
    inside = run_of >= 0
    smallest = np.full(len(ranges), np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(smallest, run_of[inside], hashes[inside])
    return ranges, smallest


def group_ranges(boilerplate: Boilerplate, i: int, k: int, min_chars: int) -> list[tuple[int, int]]:
    """The token ranges of text ``i`` shared with a group."""
    if i >= len(boilerplate.wide_kgrams):
        return []
    ranges, _ = shared_runs(boilerplate.wide_kgrams[i][0], k, min_chars)
    return [(int(a), int(b)) for a, b in ranges]


def groups(
    boilerplate: Boilerplate,
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    settings: ScanSettings,
) -> list[GroupResult]:
    """One group per widely shared passage: the current members' texts whose runs have the same smallest widely
    shared k-gram, with three or more members left once each side is cut to its reuse."""
    k, min_chars = settings.fingerprints.winnow_k, settings.alignment.min_chars
    by_component: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for i, (positions, hashes) in enumerate(boilerplate.wide_kgrams):
        if not documents[i].is_current:  # a group is of this round's members
            continue
        ranges, smallest = _keyed_runs(positions, hashes, k, min_chars)
        if not len(ranges):
            continue
        if i in labels:
            ranges, kept = cut_ranges(labels[i], Label.REUSE, ranges, min_chars)
            smallest = smallest[kept]
        for (start, end), c in zip(ranges.tolist(), smallest.tolist(), strict=True):
            held = by_component[c]
            if i in held:  # two runs of one text in one group: the span of both
                start, end = min(start, held[i][0]), max(end, held[i][1])
            held[i] = (start, end)
    out = []
    for held in by_component.values():
        members = {documents[doc].source.member for doc in held}
        if len(members) >= 3:
            passages = sorted((side_of(documents[doc], a, b) for doc, (a, b) in held.items()), key=side_order)
            out.append(GroupResult(members=tuple(sorted(members)), passages=tuple(passages)))
    return out


def counted_groups(
    boilerplate: Boilerplate,
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    settings: ScanSettings,
    focus: Collection[int],
) -> list[GroupResult]:
    """In a check, each widely shared passage of the checked texts (``focus``), as the text's alone, with how many
    members hold it (``GroupResult.holders``: those using its smallest widely shared k-gram, counted with the
    boilerplate, the text's author among them): runs cut to their reuse as in ``groups``, three holders or more."""
    k, min_chars = settings.fingerprints.winnow_k, settings.alignment.min_chars
    out = []
    for i in sorted(focus):
        if i >= len(boilerplate.wide_kgrams) or i not in labels:
            continue
        ranges, smallest = _keyed_runs(*boilerplate.wide_kgrams[i], k, min_chars)
        ranges, kept = cut_ranges(labels[i], Label.REUSE, ranges, min_chars)
        spans: dict[int, tuple[int, int]] = {}
        for (start, end), key in zip(ranges.tolist(), smallest[kept].tolist(), strict=True):
            held = spans.get(key)
            spans[key] = (start, end) if held is None else (min(held[0], start), max(held[1], end))
        holders = boilerplate.users_of(np.array(list(spans), dtype=np.uint64)).tolist()
        member = documents[i].source.member
        for (start, end), n in zip(spans.values(), holders, strict=True):
            if n >= 3:
                out.append(GroupResult((member,), (side_of(documents[i], start, end),), holders=int(n)))
    return sorted(out, key=lambda g: (g.passages[0].doc, g.passages[0].start))


def merged(*found: Sequence[GroupResult]) -> list[GroupResult]:
    """Groups of the same members, one group holding all their passages; largest first, like ``results.groups``."""
    by_members: dict[tuple[str, ...], set[Side]] = defaultdict(set)
    for groups_found in found:
        for group in groups_found:
            by_members[group.members] |= set(group.passages)
    out = [GroupResult(members, tuple(sorted(sides, key=side_order))) for members, sides in by_members.items()]
    return sorted(out, key=lambda g: (-len(g.members), g.members))
