"""Candidates: the bucket prefilter for common k-grams and the grouping of keys, against plain references."""

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck import candidates
from dupcheck.candidates import Entry, _groups, find_candidates
from dupcheck.fingerprints import FingerprintSettings, fingerprint, kgram_hashes
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


def _reference_common(entries: list[Entry], threshold: int) -> list[np.ndarray]:
    """Per text, True inside any k-gram that ``threshold`` distinct members' current texts hold: counted with
    plain sets."""
    k = FS.winnow_k
    users: dict[int, set] = defaultdict(set)
    for e in entries:
        if e.counts:
            users[e.member] |= set(e.kgrams(k).tolist())
    counts = Counter(h for held in users.values() for h in held)
    common = {h for h, n in counts.items() if n >= threshold} if len(users) >= threshold else set()
    masks = []
    for e in entries:
        mask = np.zeros(e.fingerprints.n_tokens, dtype=bool)
        for p, h in enumerate(e.kgrams(k).tolist()):
            if h in common:
                mask[p : p + k] = True
        masks.append(mask)
    return masks


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(TEXT, min_size=1, max_size=9),
    data=st.data(),
    threshold=st.integers(min_value=2, max_value=4),
    bucket_bits=st.sampled_from([1, 2, 24]),
)
def test_common_kgrams_equal_a_plain_count_whatever_the_buckets(texts, data, threshold, bucket_bits):
    """The bucket prefilter never changes which k-grams are common: with 2 buckets (everything collides) as
    with 16M, the masks equal a count of distinct members per k-gram; members with two texts, templates and
    earlier rounds' texts included."""
    n = len(texts)
    members = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    kinds = data.draw(st.lists(st.sampled_from(["current", "current", "template", "earlier"]), min_size=n, max_size=n))
    entries = _entries(texts, members, kinds)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(candidates, "_BUCKET_BITS", bucket_bits)
        found = find_candidates(entries, FS, common_members=threshold)
    for ours, reference in zip(found.common, _reference_common(entries, threshold), strict=True):
        np.testing.assert_array_equal(ours, reference)


def test_a_phrase_every_member_holds_is_common_and_a_pair_of_copies_is_not():
    phrase = "根据组织生活会的通知要求"
    texts = [phrase + own for own in ("甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未", "天地玄黄宇宙洪荒", "甲乙丙丁戊己庚辛")]
    entries = _entries(texts, [0, 1, 2, 3], ["current"] * 4)
    found = find_candidates(entries, FS, common_members=3)
    for mask in found.common:
        assert mask[: len(phrase)].all() and not mask[len(phrase) + 1 :].any()
    assert (0, 3) in found.pairs  # the copied own text


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


def test_a_large_hash_set_answers_as_a_binary_search_does():
    """Past 4,096 hashes the set looks at a bitmap of buckets first; members, strangers and strangers sharing
    a member's bucket are answered as ``np.isin`` answers."""
    rng = np.random.default_rng(3)
    values = np.unique(rng.integers(0, 2**64 - 1, size=20_000, dtype=np.uint64))
    same_bucket = values[:500] ^ np.uint64(1)  # differs in the lowest bit only: the same bucket, not a member
    probes = np.concatenate([values[::7], rng.integers(0, 2**64 - 1, size=5_000, dtype=np.uint64), same_bucket])
    hash_set = candidates._HashSet(values)
    assert hash_set.buckets is not None
    np.testing.assert_array_equal(hash_set.contains(probes), np.isin(probes, values))
