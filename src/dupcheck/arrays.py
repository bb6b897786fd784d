"""Helpers over numpy arrays of hashes and token positions that several stages use.

Hash arrays are uint64 and sorted where a name says so; these helpers exist because ``np.unique`` and
``np.isin`` are several times slower on them than a plain sort or a binary search.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

EMPTY_HASHES = np.zeros(0, dtype=np.uint64)
BUCKET_BITS = 24  # 16M buckets of a hash's top bits: a 64 MB count table; 3 k-grams a bucket at 10,000 reports


def distinct(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted distinct values of uint64 arrays."""
    values = np.concatenate([EMPTY_HASHES, *arrays])
    values.sort()  # in place: a round's k-grams take hundreds of megabytes
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def within(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in ``sorted_set``: a binary search each, or, for many values, only for those
    whose bucket (top bits) the set uses. Most values looked up are in no bucket of the set (a report's k-grams
    against the boilerplate ones), and a bitmap lookup costs a fraction of a binary search: a check's 1,400
    lookups of a report's 5,000 k-grams into a set of a few hundred took 0.2 s by binary search alone. A set
    searched many times is better made a ``HashSet`` once."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    bits = _bucket_bits(len(sorted_set))
    hashed = values.dtype == np.uint64 and sorted_set.dtype == np.uint64  # keys of other kinds are not spread out
    # The bitmap only where it costs less to clear than the values cost to search.
    if not hashed or len(values) < 64 or (1 << bits) > 64 * len(values):
        return _searched(values, sorted_set)
    shift = np.uint64(64 - bits)
    used = np.zeros(1 << bits, dtype=bool)
    used[sorted_set >> shift] = True
    return _in_used_buckets(values, sorted_set, used, shift)


def _bucket_bits(size: int) -> int:
    """Bits of a hash that bucket a set of ``size``: about 32 buckets a member, so that a value outside the set
    falls in a used bucket 3 % of the time."""
    return min(BUCKET_BITS, size.bit_length() + 5)


def _in_used_buckets(values: np.ndarray, sorted_set: np.ndarray, used: np.ndarray, shift: np.uint64) -> np.ndarray:
    """``within``, searching only the values whose bucket (``value >> shift``) ``used`` marks."""
    found = np.zeros(len(values), dtype=bool)
    maybe = np.flatnonzero(used[values >> shift])
    found[maybe] = _searched(values[maybe], sorted_set)
    return found


def _searched(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def lookup(sorted_keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``query``: whether ``sorted_keys`` holds it, and its value there (0 where not)."""
    if not len(sorted_keys):
        return np.zeros(len(query), dtype=bool), np.zeros(len(query), dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_keys, query), len(sorted_keys) - 1)
    found = sorted_keys[at] == query
    return found, np.where(found, values[at], 0).astype(np.int64)


def bucket_count() -> int:
    """How many buckets ``bucket_of`` sorts hashes into."""
    return 1 << BUCKET_BITS


def bucket_of(hashes: np.ndarray) -> np.ndarray:
    """The bucket of each hash: its top ``BUCKET_BITS`` bits."""
    return hashes >> np.uint64(64 - BUCKET_BITS)


class HashSet:
    """A sorted set of hashes searched many times: the bitmap of its buckets (``within``) is made once, not once
    a search (a check masks the boilerplate of each of a hundred reports against one set)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.shift = np.uint64(64 - _bucket_bits(len(values)))
        self.buckets: np.ndarray | None = None
        if len(values) and values.dtype == np.uint64:
            self.buckets = np.zeros(1 << (64 - int(self.shift)), dtype=bool)
            self.buckets[values >> self.shift] = True

    def contains(self, probes: np.ndarray) -> np.ndarray:
        """Mask of ``probes`` in the set, as ``within`` answers."""
        if self.buckets is None or probes.dtype != np.uint64 or len(probes) < 64:
            return within(probes, self.values)
        return _in_used_buckets(probes, self.values, self.buckets, self.shift)


def range_mask(size: int, ranges: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Boolean mask of length ``size``, True inside any of the half-open ``ranges`` (pairs, or an (n, 2) array)."""
    bounds = np.asarray(ranges if isinstance(ranges, np.ndarray) else list(ranges), dtype=np.int64).reshape(-1, 2)
    if len(bounds) == 0:
        return np.zeros(size, dtype=bool)
    bounds = np.clip(bounds, 0, size)
    opened = np.bincount(bounds[:, 0], minlength=size + 1) - np.bincount(bounds[:, 1], minlength=size + 1)
    return np.cumsum(opened[:-1]) > 0


def coverage(size: int, range_sets: Iterable[Iterable[tuple[int, int]]]) -> np.ndarray:
    """Per position of ``range(size)``, in how many of ``range_sets`` (each some half-open ranges) it lies:
    the sum of their ``range_mask``, from one pass over the merged ranges of them all."""
    starts: list[int] = []
    ends: list[int] = []
    for ranges in range_sets:
        reach = -1
        for start, end in sorted((min(max(s, 0), size), min(max(e, 0), size)) for s, e in ranges):
            if end <= start:
                continue
            if start <= reach:  # overlaps or touches the previous range of this set: one range
                if end > reach:
                    ends[-1] = reach = end
                continue
            starts.append(start)
            ends.append(end)
            reach = end
    opened = np.bincount(np.asarray(starts, dtype=np.int64), minlength=size + 1) - np.bincount(
        np.asarray(ends, dtype=np.int64), minlength=size + 1
    )
    return np.cumsum(opened[:-1]).astype(np.int32)


def repeated_counts(arrays: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted values that occur in two or more of ``arrays`` (each without repeats of its own), and in how
    many each occurs."""
    values = np.concatenate([EMPTY_HASHES, *arrays])
    values.sort()
    repeats = values[1:][values[1:] == values[:-1]]  # a value in n arrays, n - 1 times
    if not len(repeats):
        return EMPTY_HASHES, np.zeros(0, dtype=np.int64)
    first = np.empty(len(repeats), dtype=bool)
    first[0] = True
    np.not_equal(repeats[1:], repeats[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return repeats[starts], np.diff(np.append(starts, len(repeats))) + 1
