"""Candidates: the grouping of keys against a plain reference, and what a text's entry computes."""

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.candidates import _groups
from dupcheck.fingerprints import FingerprintSettings, fingerprint, kgram_hashes
from dupcheck.model import Entry
from dupcheck.normalise import normalise

FS = FingerprintSettings(winnow_k=3, winnow_w=2)
TEXT = st.text(alphabet="甲乙丙丁戊", min_size=0, max_size=40)  # five characters: texts share many 3-grams


def _entries(texts: list[str], members: list[int], kinds: list[str]) -> list[Entry]:
    out = []
    for text, member, kind in zip(texts, members, kinds, strict=True):
        tokens = normalise(text).tokens
        codes = np.array([ord(c) for c in tokens], dtype=np.uint32)
        out.append(
            Entry(
                member=member,
                is_template=kind == "template",
                tokens=tokens,
                fingerprints=fingerprint(codes, FS),
                is_reference=kind == "earlier",
            )
        )
    return out


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


def test_entry_kgrams_are_the_kgram_hashes_of_its_tokens():
    tokens = normalise("深入学习贯彻党的创新理论 and words").tokens
    entry = _entries([tokens], [0], ["current"])[0]
    codes = np.array([ord(c) for c in entry.tokens], dtype=np.uint32)
    np.testing.assert_array_equal(entry.kgrams(5), kgram_hashes(codes, 5))
