"""Array helpers against plain numpy."""

import numpy as np

from dupcheck.arrays import HashSet, coverage, range_mask, within


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


def test_within_answers_as_isin_for_every_size_and_kind_of_key():
    """Many hashes against a small set go through a bitmap of the set's buckets first (members, strangers, and
    strangers in a member's bucket); few values, or keys that are not hashes (signed pair keys), are searched
    directly. Every way answers as ``np.isin``."""
    rng = np.random.default_rng(5)
    for set_size in (1, 3, 90, 1_400, 70_000):
        values = np.unique(rng.integers(0, 2**64 - 1, size=set_size, dtype=np.uint64))
        for n_probes in (0, 5, 63, 64, 5_000):
            strangers = rng.integers(0, 2**64 - 1, size=n_probes, dtype=np.uint64)
            probes = np.concatenate([values[rng.integers(0, len(values), n_probes // 3)], strangers, values[:9] ^ 1])
            rng.shuffle(probes)
            np.testing.assert_array_equal(within(probes, values), np.isin(probes, values))
            signed = probes.astype(np.int64) >> 8
            np.testing.assert_array_equal(
                within(signed, np.unique(values.astype(np.int64) >> 8)), np.isin(signed, values.astype(np.int64) >> 8)
            )
    assert not within(np.arange(100, dtype=np.uint64), np.zeros(0, dtype=np.uint64)).any()


def test_coverage_counts_the_sets_covering_each_position_as_their_masks_do():
    """``coverage`` equals the sum of each set's ``range_mask``: overlapping ranges of one set count once,
    ranges past either end are cut."""
    rng = np.random.default_rng(3)
    for _ in range(500):
        size = int(rng.integers(0, 60))
        sets = [
            [(int(s), int(s + rng.integers(0, 20))) for s in rng.integers(-5, size + 5, int(rng.integers(0, 5)))]
            for _ in range(int(rng.integers(0, 6)))
        ]
        expected = sum((range_mask(size, r).astype(np.int32) for r in sets), np.zeros(size, dtype=np.int32))
        assert coverage(size, sets).tolist() == expected.tolist()
    assert coverage(10, [[(0, 5), (3, 8)], [(4, 20)]]).tolist() == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1]
