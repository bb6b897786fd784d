"""Boilerplate: the bucket prefilter and the masks, against a plain count with sets."""

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dupcheck import arrays, parallel
from dupcheck.boilerplate import find_boilerplate, mostly_fresh
from dupcheck.candidates import find_candidates
from dupcheck.fingerprints import FingerprintSettings, fingerprint
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


def _reference_masks(entries: list[Entry], threshold: int, sources: list[int] | None = None) -> list[np.ndarray]:
    """Per text, True inside any k-gram that ``threshold`` distinct members' current texts hold (distinct sources,
    when ``sources`` says which source each text counts under): counted with plain sets."""
    k = FS.winnow_k
    users: dict[int, set] = defaultdict(set)
    for n, e in enumerate(entries):
        if e.counts:
            users[e.member if sources is None else sources[n]] |= set(e.kgrams(k).tolist())
    counts = Counter(h for held in users.values() for h in held)
    members = len({e.member for e in entries if e.counts})
    boilerplate = {h for h, n in counts.items() if n >= threshold} if members >= threshold else set()
    masks = []
    for e in entries:
        mask = np.zeros(e.fingerprints.n_tokens, dtype=bool)
        for p, h in enumerate(e.kgrams(k).tolist()):
            if h in boilerplate:
                mask[p : p + k] = True
        masks.append(mask)
    return masks


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(TEXT, min_size=1, max_size=9),
    data=st.data(),
    threshold=st.integers(min_value=2, max_value=4),
    bucket_bits=st.sampled_from([1, 2, 24]),
    batch=st.sampled_from([1, 2, 256]),
)
def test_boilerplate_equals_a_plain_count_whatever_the_buckets(texts, data, threshold, bucket_bits, batch):
    """The bucket prefilter never changes which k-grams are boilerplate: with 2 buckets (everything collides) as
    with 16M, the masks equal a count of distinct members per k-gram; members with two texts, templates and
    earlier rounds' texts included. Texts masked together in batches of one, two or all of them alike."""
    n = len(texts)
    members = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    kinds = data.draw(st.lists(st.sampled_from(["current", "current", "template", "earlier"]), min_size=n, max_size=n))
    entries = _entries(texts, members, kinds)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrays, "BUCKET_BITS", bucket_bits)
        patch.setattr(parallel, "BATCH_TEXTS", batch)
        found = find_boilerplate(entries, FS.winnow_k, threshold)
        # As a check against an index finds it: the boilerplate k-grams given, every k-gram looked up.
        given_hashes = find_boilerplate(entries, FS.winnow_k, threshold, hashes=found.hashes)
    for ours, told, reference in zip(
        found.masks, given_hashes.masks, _reference_masks(entries, threshold), strict=True
    ):
        np.testing.assert_array_equal(ours, reference)
        np.testing.assert_array_equal(told, reference)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=9), data=st.data(), threshold=st.integers(min_value=2, max_value=4))
def test_boilerplate_counts_sources_when_given(texts, data, threshold):
    """With ``sources`` (one report several members handed in counts once), a k-gram is boilerplate when that
    many distinct sources hold it: the masks equal a plain count of sources."""
    n = len(texts)
    members = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    kinds = data.draw(st.lists(st.sampled_from(["current", "current", "template", "earlier"]), min_size=n, max_size=n))
    merged = data.draw(st.lists(st.integers(0, 4), min_size=5, max_size=5))  # member -> the source it counts under
    sources = [merged[m] for m in members]
    entries = _entries(texts, members, kinds)
    found = find_boilerplate(entries, FS.winnow_k, threshold, sources=sources)
    for ours, reference in zip(found.masks, _reference_masks(entries, threshold, sources), strict=True):
        np.testing.assert_array_equal(ours, reference)


def test_a_phrase_every_member_holds_is_boilerplate_and_a_pair_of_copies_is_not():
    phrase = "根据组织生活会的通知要求"
    texts = [phrase + own for own in ("甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未", "天地玄黄宇宙洪荒", "甲乙丙丁戊己庚辛")]
    entries = _entries(texts, [0, 1, 2, 3], ["current"] * 4)
    found = find_boilerplate(entries, FS.winnow_k, 3)
    for mask in found.masks:
        assert mask[: len(phrase)].all() and not mask[len(phrase) + 1 :].any()
    assert (0, 3) in find_candidates(entries, FS, found).pairs  # the copied own text


def test_a_k_gram_half_in_boilerplate_is_no_evidence_of_a_copy():
    """Of 8-grams starting at 0..8 over a mask whose tokens 0..3 are boilerplate, those with fewer than half
    (4) of their tokens inside it are fresh: the one starting at 0 (4 of 8, half) is not, nor any with more."""
    mask = np.zeros(20, dtype=bool)
    mask[:4] = True
    positions = np.arange(9)
    # Boilerplate tokens per 8-gram: 4, 3, 2, 1, 0, 0, …
    assert mostly_fresh(positions, mask, 8).tolist() == [False, True, True, True, True, True, True, True, True]
    mask[:5] = True  # the 8-gram at 0 holds 5, the one at 1 holds 4: neither is fresh
    assert mostly_fresh(positions, mask, 8).tolist()[:3] == [False, False, True]


@st.composite
def k_grams_over_a_mask(draw: st.DrawFn) -> tuple[list[bool], list[int], int]:
    """A mask of boilerplate tokens, starts of k-grams inside it (any order, repeats allowed) and k."""
    k = draw(st.integers(min_value=1, max_value=10))
    mask = draw(st.lists(st.booleans(), min_size=k, max_size=30))
    return mask, draw(st.lists(st.integers(0, len(mask) - k), max_size=30)), k


@settings(max_examples=200, deadline=None)
@given(k_grams_over_a_mask())
@example(([True, False, False], [0, 1], 2))  # the shortest k-gram exactly half in boilerplate, and a fresh one
def test_a_k_gram_is_fresh_when_fewer_than_half_its_tokens_are_boilerplate(case):
    """``mostly_fresh`` agrees with counting each k-gram's boilerplate tokens one by one: fresh when fewer than
    half are covered, not fresh from exactly half on (half a heading is as much chance agreement as all of it)."""
    mask, positions, k = case
    expected = [sum(mask[p : p + k]) < k / 2 for p in positions]
    assert mostly_fresh(np.array(positions, dtype=np.int64), np.array(mask), k).tolist() == expected
