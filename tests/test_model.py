"""The data types: settings refuse what cannot work; a document fingerprints itself once."""

import numpy as np
import pytest

from dupcheck.alignment import AlignSettings
from dupcheck.fingerprints import FingerprintSettings, fingerprint, kgram_hashes
from dupcheck.model import Entry, ScanSettings
from dupcheck.normalise import normalise


def test_min_chars_below_the_winnowing_guarantee_is_refused():
    """Winnowing k-grams of 8 in windows of 6 find every shared run of 13 tokens: shorter passages would be found
    by chance, so a smaller min_chars is refused; 13 is accepted."""
    with pytest.raises(ValueError, match=r"min_chars must be at least 13 .* got 12"):
        ScanSettings(alignment=AlignSettings(min_chars=12))
    assert ScanSettings(alignment=AlignSettings(min_chars=13)).shortest_guaranteed == 13


def test_the_guarantee_follows_the_fingerprint_settings():
    fingerprints = FingerprintSettings(winnow_k=10, winnow_w=8)
    with pytest.raises(ValueError, match="at least 17"):
        ScanSettings(fingerprints=fingerprints, alignment=AlignSettings(min_chars=16))
    ScanSettings(fingerprints=fingerprints, alignment=AlignSettings(min_chars=17))


@pytest.mark.parametrize("share", [0.0, 1.5])
def test_a_boilerplate_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match="boilerplate share"):
        ScanSettings(boilerplate_share=share)


def test_entry_kgrams_are_the_kgram_hashes_of_its_tokens():
    tokens = normalise("深入学习贯彻党的创新理论 and words").tokens
    codes = np.array([ord(c) for c in tokens], dtype=np.uint32)
    entry = Entry(member=0, is_template=False, tokens=tokens, fingerprints=fingerprint(codes, FingerprintSettings()))
    np.testing.assert_array_equal(entry.kgrams(5), kgram_hashes(codes, 5))
