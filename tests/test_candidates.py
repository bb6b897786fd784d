"""Candidates: the grouping of keys against a plain reference."""

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dupcheck import parallel
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


def _entries_with(pieces_by_text, seed=11, words=False):
    """Entries of texts made of random characters around the given pieces (each text: its list of pieces)."""
    from dupcheck.boilerplate import find_boilerplate
    from dupcheck.fingerprints import FingerprintSettings, fingerprint
    from dupcheck.model import Entry

    fs = FingerprintSettings()
    rng = np.random.default_rng(seed)

    def filler(n):
        return "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=n))

    entries = []
    for member, pieces in enumerate(pieces_by_text):
        tokens = filler(150) + "".join(p + filler(150) for p in pieces)
        codes = np.array([ord(c) for c in tokens])
        entries.append(Entry(member=member, is_template=False, tokens=tokens, fingerprints=fingerprint(codes, fs)))
    return entries, fs, find_boilerplate(entries, fs.winnow_k, 99, wide_members=9)


def _pairs(pieces_by_text, set_phrase_chars=30):
    from dupcheck.candidates import find_candidates

    entries, fs, boilerplate = _entries_with(pieces_by_text)
    found = find_candidates(entries, fs, boilerplate, max_pair_members=8, set_phrase_chars=set_phrase_chars)
    return set(found.pairs)


PHRASE16 = "坚决反对形式主义官僚主义切实减负"  # 16 characters


def test_members_whose_only_evidence_is_a_phrase_three_hold_are_not_compared():
    """A 16-character phrase three members hold, nothing else shared: no pair (with the rule off: all three)."""
    texts = [[PHRASE16], [PHRASE16], [PHRASE16]]
    assert _pairs(texts) == set()
    assert _pairs(texts, set_phrase_chars=0) == {(0, 1), (0, 2), (1, 2)}


def test_a_phrase_a_member_repeats_far_apart_is_a_set_phrase_whichever_text_comes_first():
    """One member writes the phrase three holds twice, 150 characters apart: the stretch of their seeds is long in
    that text but short in the other's, and a passage is no longer than its shorter side. No pair, in either order
    of the texts."""
    texts = [[PHRASE16, PHRASE16], [PHRASE16], [PHRASE16]]
    assert _pairs(texts) == set()
    assert _pairs(texts[::-1]) == set()
    assert _pairs(texts, set_phrase_chars=0) == {(0, 1), (0, 2), (1, 2)}


def test_a_phrase_only_two_members_hold_pairs_them():
    """Held by two members alone, the same phrase may be a copied sentence: they are compared."""
    assert _pairs([[PHRASE16], [PHRASE16], []]) == {(0, 1)}


def test_a_longer_passage_three_hold_pairs_them():
    """A 40-character passage is no set phrase, however many hold it."""
    passage = PHRASE16 + "严格落实中央八项规定精神持续纠治四风问题不断提升工作质"  # 16 + 24
    assert _pairs([[passage], [passage], [passage]]) == {(0, 1), (0, 2), (1, 2)}


def test_a_phrase_beside_evidence_of_their_own_still_pairs_them():
    """Two members sharing the phrase three hold and a sentence only they hold are compared."""
    own = "我们两个人共同写下的这一句话只有我们自己才有"
    assert _pairs([[PHRASE16, own], [PHRASE16, own], [PHRASE16]]) == {(0, 1)}


def test_a_phrase_with_a_number_in_it_is_measured_in_characters_so_still_compared():
    """A number is one token of several characters: a stretch holding one is not known to be short, and the three
    members holding it are compared (the labels then measure the passage in characters)."""
    from dupcheck.normalise import normalise

    with_number = normalise("坚决反对形式主义20260131切实减负").tokens  # the number is one token
    assert _pairs([[with_number], [with_number], [with_number]]) == {(0, 1), (0, 2), (1, 2)}


def _wide_candidates(held):
    """Candidates without pairs whose entries hold the widely shared fingerprints ``held`` ((hash, position) each)."""
    from dupcheck.candidates import Candidates

    wide = []
    for fingerprints in held:
        ordered = sorted(fingerprints)
        wide.append(
            (np.array([h for h, _ in ordered], dtype=np.uint64), np.array([x for _, x in ordered], dtype=np.int64))
        )
    return Candidates({}, tuple(wide))


@settings(max_examples=200, deadline=None)
@given(
    held=st.lists(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 300)), max_size=25),
        min_size=2,
        max_size=4,
    )
)
def test_wide_seeds_are_every_pair_of_occurrences_of_a_hash_both_entries_hold(held) -> None:
    """Against a double loop: for each two entries, every (position in one, position in the other) of each
    widely shared hash both hold, whichever holds more, asked in either order and again (the positions are kept
    per entry once made)."""
    found = _wide_candidates(held)
    for i, j in [(i, j) for i in range(len(held)) for j in range(len(held)) if i != j] * 2:
        expected = sorted((x, y) for h, x in held[i] for g, y in held[j] if h == g)
        assert sorted(found.wide_seeds(i, j)) == expected
    assert _wide_candidates([]).wide_seeds(0, 1) == []  # no widely shared fingerprints at all


def _near_reference(held_i: list[tuple[int, int]], near: list[int], reach: int) -> set[int]:
    """Positions of ``held_i`` (hash, position) in a run of positions at most ``reach`` apart that comes within
    ``reach`` of a position in ``near``: grown from the near ones one position at a time."""
    positions = sorted({x for _, x in held_i})
    picked = {x for x in positions if any(abs(x - a) <= reach for a in near)}
    grown = True
    while grown:
        grown = False
        for x in positions:
            if x not in picked and any(abs(x - y) <= reach for y in picked):
                picked.add(x)
                grown = True
    return picked


@settings(max_examples=200, deadline=None)
@given(
    held=st.lists(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 300)), max_size=25),
        min_size=2,
        max_size=3,
    ),
    near=st.lists(st.integers(0, 300), max_size=4),
    reach=st.integers(0, 40),
)
@example(held=[[(0, 5), (1, 10)], [(0, 0), (1, 0)]], near=[0], reach=5)  # a gap of exactly ``reach`` joins a run
@example(held=[[(0, 0), (1, 10), (2, 20)], [(0, 0), (1, 0), (2, 0)]], near=[10], reach=10)  # a range over two runs
def test_wide_seeds_near_own_seeds_are_those_of_the_runs_that_reach_them(held, near, reach) -> None:
    """Against a reference that grows runs one position at a time: with ``near``, only the seeds whose position in
    the first entry lies in a run of its widely shared positions (gaps at most ``reach``) that comes within
    ``reach`` of a near position; none without a near position."""
    found = _wide_candidates(held)
    for i, j in [(i, j) for i in range(len(held)) for j in range(len(held)) if i != j]:
        kept = _near_reference(held[i], near, reach)
        expected = sorted((x, y) for h, x in held[i] for g, y in held[j] if h == g and x in kept)
        assert sorted(found.wide_seeds(i, j, near, reach)) == expected


@settings(max_examples=300, deadline=None)
@given(
    own=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=6),
    common=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=40),
)
def test_common_seeds_far_from_the_own_ones_change_no_region(own, common) -> None:
    """``seed_regions`` gives the same regions from all common seeds as from those ``wide_seeds`` keeps near the own
    seeds: what it drops could only have made regions of common seeds alone, which are not aligned."""
    from dupcheck.alignment import AlignSettings, seed_regions

    settings_, k = AlignSettings(), 8
    reach = settings_.max_gap + k
    held_i = [(n, a) for n, (a, _) in enumerate(common)]  # each common seed its own hash, held once by each side
    held_j = [(n, b) for n, (_, b) in enumerate(common)]
    kept = _wide_candidates([held_i, held_j]).wide_seeds(0, 1, [a for a, _ in own], reach)
    assert seed_regions(own, k, settings_, kept) == seed_regions(own, k, settings_, common)


@pytest.mark.parametrize("batch", [1, 3, 256])
def test_a_focused_text_gets_the_pairs_it_has_among_all(batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check (one focused text, all LSH bands bucketed in one pass) finds the focused text's window pairs and
    seeds exactly as a scan of all the texts (a pass a band) finds them: texts sharing passages of several
    lengths with it and with each other, one a template; texts seeded in batches of one, three or all."""
    from dupcheck.boilerplate import find_boilerplate
    from dupcheck.candidates import find_candidates
    from dupcheck.fingerprints import FingerprintSettings, fingerprint
    from dupcheck.model import Entry

    fs = FingerprintSettings()
    rng = np.random.default_rng(5)

    def hanzi(n):
        return "".join(chr(c) for c in rng.integers(0x4E00, 0x4E60, size=n))  # 96 characters: chance agreements

    passages = [hanzi(n) for n in (40, 120, 400, 700)]
    texts = [hanzi(200).join(rng.permutation(passages)[: 2 + i % 3]) + hanzi(100) for i in range(7)]
    entries = [
        Entry(member=i, is_template=i == 3, tokens=t, fingerprints=fingerprint(np.array([ord(c) for c in t]), fs))
        for i, t in enumerate(texts)
    ]
    boilerplate = find_boilerplate(entries, fs.winnow_k, 4)  # a passage four members hold
    assert 0 < sum(int(m.sum()) for m in boilerplate.masks) < sum(len(m) for m in boilerplate.masks) // 2
    everything = find_candidates(entries, fs, boilerplate, max_pair_members=8, workers=1).pairs
    monkeypatch.setattr(parallel, "BATCH_TEXTS", batch)
    focused = find_candidates(entries, fs, boilerplate, focus={5}, max_pair_members=8, workers=1).pairs
    with_five = {pair: found for pair, found in everything.items() if 5 in pair}
    assert sum(bool(found.windows) for found in with_five.values()) >= 3
    assert {p: (sorted(f.windows), sorted(f.seeds)) for p, f in focused.items()} == {
        p: (sorted(f.windows), sorted(f.seeds)) for p, f in with_five.items()
    }


def test_seeds_taken_in_batches_are_each_texts_own():
    """A batch of texts is seeded as one array: every text keeps exactly the fingerprints a pass over it alone
    keeps (held by another text; mostly outside boilerplate, or boilerplate itself), in batches of any size."""
    from dupcheck.arrays import HashSet
    from dupcheck.boilerplate import find_boilerplate, mostly_fresh
    from dupcheck.candidates import _Seeding, _seeds_of
    from dupcheck.fingerprints import FingerprintSettings, fingerprint
    from dupcheck.model import Entry

    fs = FingerprintSettings()
    rng = np.random.default_rng(9)
    common, shared = "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=80)), []
    texts = []
    for i in range(7):
        filler = "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=300 + 40 * i))
        texts.append(filler[: 50 * i] + common + filler[50 * i :] + "".join(shared))
        shared.append(filler[:60])  # what the next texts copy of this one
    entries = [
        Entry(member=i, is_template=False, tokens=t, fingerprints=fingerprint(np.array([ord(c) for c in t]), fs))
        for i, t in enumerate(texts)
    ]
    boilerplate = find_boilerplate(entries, fs.winnow_k, 4)
    assert any(m.any() for m in boilerplate.masks)
    wanted = np.unique(np.concatenate([e.fingerprints.winnow_hashes for e in entries]))
    state = _Seeding(entries, fs.winnow_k, boilerplate, HashSet(wanted[::2]))
    expected = []
    for i, e in enumerate(entries):
        fp = e.fingerprints
        at = np.isin(fp.winnow_hashes, wanted[::2])
        fresh = mostly_fresh(fp.winnow_positions, boilerplate.masks[i], fs.winnow_k)
        keep = at & (fresh | np.isin(fp.winnow_hashes, boilerplate.hashes))
        expected.append((fp.winnow_positions[keep].tolist(), fp.winnow_hashes[keep].tolist()))
    for batch in (1, 3, 256):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(parallel, "BATCH_TEXTS", batch)
            found = _seeds_of(state, range(len(entries)))
        assert [(p.tolist(), h.tolist()) for p, h in found] == expected, batch
