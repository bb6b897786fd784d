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
