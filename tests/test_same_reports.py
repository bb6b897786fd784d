"""One report handed in by several members: groups found from sketches, checked against every pair measured."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.fingerprints import FingerprintSettings, fingerprint
from dupcheck.model import Entry
from dupcheck.normalise import normalise
from dupcheck.same_reports import _MIX, _ROWS, MIN_TOKENS, SAME_SHARE, _band_keys, find_same_reports

FS = FingerprintSettings()


def prose(seed: int, n: int) -> str:
    rng = np.random.default_rng(seed)
    return "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=n))


def entry(text: str, member: int, kind: str = "current") -> Entry:
    tokens = normalise(text).tokens
    codes = np.array([ord(c) for c in tokens], dtype=np.uint32)
    return Entry(
        member=member,
        is_template=kind == "template",
        tokens=tokens,
        fingerprints=fingerprint(codes, FS),
        is_reference=kind == "earlier",
    )


def edited(text: str, seed: int, every: int) -> str:
    """``text`` with one character replaced every ``every`` characters."""
    chars = list(text)
    for n, at in enumerate(range(every // 2, len(chars), every)):
        chars[at] = prose(seed + n, 1)
    return "".join(chars)


def reference_groups(entries: list[Entry]) -> set[frozenset[int]]:
    """Every pair of members' current reports measured: the share of the smaller fingerprint set in the other;
    groups are the connected parts of the pairs at ``SAME_SHARE`` or more, with two members or more."""
    sets = {
        i: set(e.fingerprints.winnow_hashes.tolist())
        for i, e in enumerate(entries)
        if e.counts and e.fingerprints.n_tokens >= MIN_TOKENS
    }
    parent = {i: i for i in sets}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(sets, 2):
        if len(sets[i] & sets[j]) / min(len(sets[i]), len(sets[j])) >= SAME_SHARE:
            parent[root(i)] = root(j)
    parts: dict[int, set[int]] = {}
    for i in sets:
        parts.setdefault(root(i), set()).add(i)
    return {frozenset(p) for p in parts.values() if len({entries[i].member for i in p}) >= 2}


def test_one_text_several_members_handed_in_is_one_group_and_counts_once():
    """Members 0–2 hand in one text (member 2 with a character changed every 80), member 3 writes their own,
    member 4's two files are one text but one member, a template and an earlier round's copy are not members'
    current reports."""
    text = prose(1, 1500)
    entries = [
        entry(text, 0),
        entry(text, 1),
        entry(edited(text, 9, 80), 2),
        entry(prose(2, 1500), 3),
        entry(prose(3, 1500), 4),
        entry(prose(3, 1500), 4),
        entry(text, 5, "template"),
        entry(text, 6, "earlier"),
    ]
    same = find_same_reports(entries)
    assert same.groups == ((0, 1, 2),)
    assert same.shares[0][:2] == (1.0, 1.0) and 0.8 < same.shares[0][2] < 1.0
    assert same.sources[:5] == (0, 0, 0, 3, 4)
    assert same.collapsed == 2  # five members, three sources


def test_a_text_mostly_of_its_own_is_no_copy_and_a_short_one_is_never_grouped():
    text = prose(1, 1500)
    half_own = text[:700] + prose(5, 800)  # under SAME_SHARE of either text is in the other
    short = prose(6, MIN_TOKENS - 1)
    same = find_same_reports([entry(text, 0), entry(half_own, 1), entry(short, 2), entry(short, 3)])
    assert same.groups == () and same.collapsed == 0


def test_a_text_inside_a_longer_one_is_the_same_report():
    """Member 1 hands in member 0's report with a fifth more of their own: all of the shorter is in the other."""
    text = prose(1, 1500)
    same = find_same_reports([entry(text, 0), entry(text + prose(7, 300), 1)])
    assert same.groups == ((0, 1),)


def test_a_group_of_hundreds_is_found_with_a_verification_per_text_and_band(monkeypatch):
    """300 members hand in one text: one group, and the exact checks grow with the texts, not their pairs."""
    from dupcheck import same_reports

    calls = []
    measured = same_reports._share_of_shorter
    monkeypatch.setattr(same_reports, "_share_of_shorter", lambda a, b: calls.append(1) or measured(a, b))
    text = prose(1, 800)
    entries = [entry(text, m) for m in range(300)]
    same = find_same_reports(entries)
    assert same.groups == (tuple(range(300)),) and same.collapsed == 299
    assert len(calls) < 300  # identical texts fall in one bucket per band; once joined they are not measured again


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_groups_equal_every_pair_measured(data):
    """Texts drawn from a few originals, each handed in as is, lightly edited, with an own part added, or written
    anew, by random members: the groups equal those of every pair measured exactly."""
    originals = [prose(seed, 600) for seed in range(3)]
    n = data.draw(st.integers(2, 12))
    entries = []
    for i in range(n):
        how = data.draw(st.sampled_from(["same", "edited", "longer", "own"]))
        base = originals[data.draw(st.integers(0, 2))]
        text = {
            "same": base,
            "edited": edited(base, 100 + i, 60),
            "longer": base + prose(200 + i, 100),
            "own": prose(300 + i, 600),
        }[how]
        entries.append(entry(text, data.draw(st.integers(0, 8))))
    found = {frozenset(g) for g in find_same_reports(entries).groups}
    assert found == reference_groups(entries)


@pytest.mark.parametrize("every", [10, 80])
def test_edits_that_leave_under_the_share_are_not_one_report(every):
    """One character changed every 10 leaves well under 80 % of the fingerprints (k-grams of 8): not one text
    (alignment still finds the copy); every 80, about 90 %: one text."""
    text = prose(1, 1500)
    a, b = (set(entry(t, 0).fingerprints.winnow_hashes.tolist()) for t in (text, edited(text, 9, every)))
    share = len(a & b) / min(len(a), len(b))
    grouped = find_same_reports([entry(text, 0), entry(edited(text, 9, every), 1)]).groups == ((0, 1),)
    assert grouped == (share >= SAME_SHARE)
    assert grouped == (every == 80)


@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=40, unique=True))
def test_band_keys_are_each_bands_smallest_mixed_hashes(values):
    """All bands mixed at once give what mixing band by band gives: the band and its ``_ROWS`` smallest."""
    hashes = np.array(sorted(values), dtype=np.uint64)
    expected = []
    for band, (multiplier, offset) in enumerate(_MIX.tolist()):
        mixed = sorted((int(v) * multiplier + offset) % 2**64 for v in hashes.tolist())
        expected.append((band, *mixed[:_ROWS]))
    assert _band_keys(hashes) == expected
