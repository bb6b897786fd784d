"""Fingerprints: numpy signatures against datasketch, and winnowing against a plain reference."""

import itertools

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.boilerplate import find_boilerplate
from dupcheck.candidates import find_candidates
from dupcheck.fingerprints import (
    FingerprintSettings,
    fingerprint,
    kgram_hashes,
    kgram_hashes_each,
    permutations,
    shingle_hash32,
    shingle_hashes32,
    window_bounds,
    window_signatures,
    winnow,
)
from dupcheck.model import Entry
from dupcheck.normalise import normalise

HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)  # a small alphabet, so texts share k-grams


def _codes(text: str) -> np.ndarray:
    return normalise(text).codes()


def test_shingle_hashes_equal_the_pure_python_reference():
    """The vectorised shingle hash equals the reference hash given to datasketch."""
    tokens = normalise("深入学习贯彻党的创新理论，切实加强作风建设 with some English words").tokens
    hashes = shingle_hashes32(np.array([ord(c) for c in tokens], dtype=np.uint32), 5)
    assert [shingle_hash32(tokens[i : i + 5]) for i in range(len(tokens) - 4)] == hashes.tolist()


@pytest.mark.parametrize("length", [5, 60, 199, 204, 205, 350, 1000])
def test_window_signatures_are_bit_identical_to_datasketch(length):
    """Each window's signature equals datasketch's MinHash of the same shingles (affine32, same seed)."""
    rng = np.random.default_rng(length)
    tokens = "".join(chr(c) for c in rng.integers(0x4E00, 0x4E00 + 300, size=length))
    fs = FingerprintSettings()
    signatures = window_signatures(np.array([ord(c) for c in tokens], dtype=np.uint32), fs)
    bounds = window_bounds(len(tokens), fs)
    assert len(signatures) == len(bounds) >= 1
    for (start, end), signature in zip(bounds, signatures, strict=True):
        passage = tokens[start:end]
        reference = MinHash(num_perm=fs.num_perm, seed=fs.seed, hashfunc=shingle_hash32)
        reference.update_batch([passage[i : i + fs.shingle_k] for i in range(len(passage) - fs.shingle_k + 1)])
        assert reference.scheme == "affine32"
        np.testing.assert_array_equal(reference.hashvalues, signature)


def test_windows_cover_every_shingle():
    """The windows overlap and together cover the whole text."""
    fs = FingerprintSettings()
    bounds = window_bounds(1234, fs)
    assert bounds[0, 0] == 0 and bounds[-1, 1] == 1234
    assert all(b[0] < a[1] for a, b in itertools.pairwise(bounds))


def test_settings_are_validated_eagerly():
    """Impossible sketch parameters fail at construction with the reason."""
    with pytest.raises(ValueError, match="bands \\* rows"):
        FingerprintSettings(num_perm=64, bands=32, rows=4)
    with pytest.raises(ValueError, match="multiple of stride"):
        FingerprintSettings(window=200, stride=70)


def _winnow_reference(hashes: list[int], w: int) -> list[int]:
    chosen = set()
    for start in range(max(1, len(hashes) - w + 1)):
        window = hashes[start : start + w]
        if window:
            smallest = min(window)
            chosen.add(start + max(i for i, h in enumerate(window) if h == smallest))
    return sorted(chosen)


@given(st.lists(st.integers(0, 20), max_size=60), st.integers(1, 8))
def test_winnowing_matches_the_reference(values, w):
    """Vectorised winnowing picks the rightmost minimum of every window, as the plain loop does."""
    hashes = np.array(values, dtype=np.uint64)
    assert winnow(hashes, w).tolist() == _winnow_reference(values, w)


@settings(max_examples=60)
@given(st.text(HANZI, min_size=13, max_size=40), st.text(HANZI, max_size=50), st.text(HANZI, max_size=50))
def test_a_shared_run_of_k_plus_w_minus_1_tokens_shares_a_fingerprint(shared, before, after):
    """The winnowing guarantee: any common run of k + w - 1 tokens yields a common fingerprint."""
    fs = FingerprintSettings()
    a = fingerprint(_codes(before + shared), fs)
    b = fingerprint(_codes(shared + after), fs)
    assert set(a.winnow_hashes.tolist()) & set(b.winnow_hashes.tolist())


def test_kgram_hashes_are_equal_exactly_for_equal_kgrams():
    """Equal k-grams hash equal wherever they stand; different ones differ."""
    h = kgram_hashes(_codes("甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛"), 8)
    assert h[0] == h[10] and len(set(h[:10].tolist())) == 10


def test_lsh_candidates_equal_datasketch_minhashlsh():
    """Window pairs from the numpy band index are exactly the pairs datasketch's MinHashLSH returns."""
    rng = np.random.default_rng(7)
    base = "".join(chr(c) for c in rng.integers(0x4E00, 0x4E00 + 400, size=3000))
    texts = []
    for n in range(6):
        text = list(base[n * 300 : n * 300 + 900])
        for i in rng.choice(len(text), size=40 * n, replace=False):  # more edits in later texts
            text[i] = chr(int(rng.integers(0x5000, 0x5100)))
        texts.append("".join(text))
    fs = FingerprintSettings()
    entries = [
        Entry(member=i, is_template=False, tokens=normalise(t).tokens, fingerprints=fingerprint(_codes(t), fs))
        for i, t in enumerate(texts)
    ]
    found = find_candidates(entries, fs, find_boilerplate(entries, fs.winnow_k, 99), min_window_similarity=0.0).pairs
    ours = {(i, x, j, y) for (i, j), c in found.items() for x, y in c.windows}

    lsh = MinHashLSH(num_perm=fs.num_perm, params=(fs.bands, fs.rows))
    keyed = {}
    for i, e in enumerate(entries):
        for x, sig in enumerate(e.fingerprints.signatures):
            m = MinHash(num_perm=fs.num_perm, seed=fs.seed, hashvalues=sig, scheme="affine32")
            lsh.insert((i, x), m)
            keyed[(i, x)] = m
    reference = set()
    for (i, x), m in keyed.items():
        for j, y in lsh.query(m):
            if i < j:
                reference.add((i, x, j, y))
    assert reference  # the texts overlap, so the test exercises real candidates
    assert ours == reference


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 12345)])
def test_permutations_are_datasketchs_own(num_perm: int, seed: int) -> None:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    ours = permutations(num_perm, seed)
    assert (ours[0] == a).all() and (ours[1] == b).all()
    assert ours[0].dtype == ours[1].dtype == np.uint32


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), max_size=12), max_size=6), st.integers(1, 5))
def test_kgram_hashes_of_texts_joined_equal_each_texts_own(texts, k):
    """Hashed joined, each text gets the k-grams it has alone: none across the joins, none for a text shorter
    than k."""
    codes = [np.array(t, dtype=np.uint32) for t in texts]
    joined = kgram_hashes_each(codes, k)
    assert [h.tolist() for h in joined] == [kgram_hashes(c, k).tolist() for c in codes]
