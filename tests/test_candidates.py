"""Candidates: the grouping of keys against a plain reference."""

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.candidates import _groups


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), max_size=60))
def test_groups_equal_a_grouping_by_dictionary(values):
    """Indices grouped by equal key, in index order, groups of two or more only."""
    keys = np.array(values, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # spread over the 64 bits
    by_key: dict[int, list[int]] = defaultdict(list)
    for i, key in enumerate(keys.tolist()):
        by_key[key].append(i)
    reference = sorted(group for group in by_key.values() if len(group) >= 2)
    assert sorted(g.tolist() for g in _groups(keys)) == reference


def test_band_buckets_known_wide_or_common_elsewhere_pair_nobody_here():
    """Two texts share a 600-character passage: its windows pair them. Told (as an index tells a check) that
    those band buckets are widely shared or boilerplate over more texts than these two, they pair no windows."""
    from dupcheck.boilerplate import find_boilerplate
    from dupcheck.candidates import find_candidates
    from dupcheck.fingerprints import FingerprintSettings, band_keys, fingerprint
    from dupcheck.model import Entry

    fs = FingerprintSettings()
    rng = np.random.default_rng(7)

    def hanzi(n):
        return "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=n))

    passage = hanzi(600)
    texts = [hanzi(300) + passage + hanzi(300), hanzi(300) + passage + hanzi(300)]
    entries = [
        Entry(member=i, is_template=False, tokens=t, fingerprints=fingerprint(np.array([ord(c) for c in t]), fs))
        for i, t in enumerate(texts)
    ]
    boilerplate = find_boilerplate(entries, fs.winnow_k, 99)
    found = find_candidates(entries, fs, boilerplate, focus={1}, max_pair_members=8).pairs[(0, 1)]
    assert found.windows
    known = np.unique(band_keys(entries[1].fingerprints.signatures, fs))
    for told in ({"wide_bands": known}, {"common_bands": known}):
        pair = find_candidates(entries, fs, boilerplate, focus={1}, max_pair_members=8, **told).pairs.get((0, 1))
        assert pair is not None and not pair.windows and pair.seeds  # the seeds are the two's alone: still a pair
