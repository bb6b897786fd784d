"""Array helpers against plain numpy."""

import numpy as np

from dupcheck.arrays import HashSet


def test_a_large_hash_set_answers_as_a_binary_search_does():
    """Past 4,096 hashes the set looks at a bitmap of buckets first; members, strangers and strangers sharing
    a member's bucket are answered as ``np.isin`` answers."""
    rng = np.random.default_rng(3)
    values = np.unique(rng.integers(0, 2**64 - 1, size=20_000, dtype=np.uint64))
    same_bucket = values[:500] ^ np.uint64(1)  # differs in the lowest bit only: the same bucket, not a member
    probes = np.concatenate([values[::7], rng.integers(0, 2**64 - 1, size=5_000, dtype=np.uint64), same_bucket])
    hash_set = HashSet(values)
    assert hash_set.buckets is not None
    np.testing.assert_array_equal(hash_set.contains(probes), np.isin(probes, values))
