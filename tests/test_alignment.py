"""Alignment: copies are found with exact extents, reordered copies too, one passage per copied paragraph."""

import difflib
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.alignment import BLANKS, AlignSettings, Passage, align, seed_regions
from dupcheck.boilerplate import find_boilerplate
from dupcheck.candidates import find_candidates
from dupcheck.fingerprints import FingerprintSettings, fingerprint
from dupcheck.model import Entry

FS = FingerprintSettings()
AS = AlignSettings()


def random_text(seed: int, n: int) -> str:
    """Random hanzi from the whole block: two such texts share no run of three by chance."""
    rng = np.random.default_rng(seed)
    return "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=n))


def candidates_of(a: str, b: str) -> tuple[list[Entry], list[tuple[int, int]], list[tuple[int, int]]]:
    """The entries of two texts, and the seeds and window pairs that pair them."""
    entries = [
        Entry(
            member=i,
            is_template=False,
            tokens=t,
            fingerprints=fingerprint(np.array([ord(c) for c in t], np.uint32), FS),
        )
        for i, t in enumerate((a, b))
    ]
    found = find_candidates(entries, FS, find_boilerplate(entries, FS.winnow_k, 99)).pairs.get((0, 1))
    return entries, (found.seeds if found else []), (found.windows if found else [])


def shared_passages(a: str, b: str) -> list[Passage]:
    """What the scan finds between two texts (``scan._align_pair``)."""
    entries, seeds, windows = candidates_of(a, b)
    regions = seed_regions(seeds, FS.winnow_k, AS)
    wa, wb = entries[0].fingerprints.windows, entries[1].fingerprints.windows
    regions += [(*wa[x], *wb[y]) for x, y in windows]
    return align(a, b, regions, AS)


def edit(text: str, rate: float, seed: int) -> str:
    """Substitute, insert or delete about ``rate`` of the characters."""
    rng = np.random.default_rng(seed)
    out = []
    for ch in text:
        r = rng.random()
        if r < rate / 3:
            out.append(chr(int(rng.integers(0x4E00, 0x9FFF))))
        elif r < 2 * rate / 3:
            out += [ch, chr(int(rng.integers(0x4E00, 0x9FFF)))]
        elif r >= rate:
            out.append(ch)
    return "".join(out)


def test_verbatim_copy_is_one_passage_with_exact_extents():
    """A 200-character copy is found exactly where it stands in both texts."""
    copy = random_text(1, 200)
    a = random_text(2, 300) + copy + random_text(3, 300)
    b = random_text(4, 500) + copy + random_text(5, 100)
    assert shared_passages(a, b) == [Passage(300, 500, 500, 700, 200)]


def test_short_copy_of_thirteen_characters_is_found():
    """The shortest reported copy (13 characters) is still found."""
    copy = random_text(6, 13)
    a = random_text(7, 100) + copy + random_text(8, 100)
    b = random_text(9, 50) + copy + random_text(10, 100)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in shared_passages(a, b)] == [(100, 113, 50, 63)]


def test_twelve_shared_characters_are_not_reported():
    """Below --min-chars nothing is reported."""
    copy = random_text(11, 12)
    assert shared_passages(random_text(12, 80) + copy, copy + random_text(13, 80)) == []


def test_disguised_copy_with_only_short_identical_runs_is_found():
    """Every 11th character of a copy replaced: no identical run reaches 13 characters, but its seeds are
    several on one diagonal, so the copy is aligned and found from them (without the window pairs)."""
    original = random_text(80, 220)
    copied = "".join(random_text(81 + i, 1) if i % 11 == 10 else ch for i, ch in enumerate(original))
    a = random_text(82, 150) + original + random_text(83, 150)
    b = random_text(84, 100) + copied + random_text(85, 200)
    _, seeds, _ = candidates_of(a, b)
    assert len(seeds) >= 2
    assert all(a[x : x + 13] != b[y : y + 13] for x in range(len(a)) for y in range(100, 100 + len(copied)))
    (p,) = align(a, b, seed_regions(seeds, FS.winnow_k, AS), AS)
    assert p.a_start <= 150 + 10 and p.a_end >= 370 - 10
    assert p.matched >= 180
    assert len(shared_passages(a, b)) == 1


def test_reordered_copies_are_both_found():
    """Two paragraphs copied in swapped order give two passages, not one half-found one."""
    p, q = random_text(20, 250), random_text(21, 180)
    a = random_text(22, 100) + p + random_text(23, 100) + q + random_text(24, 100)
    b = random_text(25, 60) + q + random_text(26, 60) + p + random_text(27, 60)
    found = sorted((x.a_start, x.a_end, x.b_start, x.b_end) for x in shared_passages(a, b))
    assert found == [(100, 350, 300, 550), (450, 630, 60, 240)]


def test_copy_with_clauses_moved_within_it_is_one_passage_covering_all_of_it():
    """A copier swaps the clauses of a sentence: one LCS keeps only one order, the moved clause is found too."""
    clauses = [random_text(60 + i, n) for i, n in enumerate((40, 25, 35))]
    a = random_text(70, 50) + "".join(clauses) + random_text(71, 50)
    b = random_text(72, 30) + clauses[1] + clauses[0] + clauses[2] + random_text(73, 30)
    (p,) = shared_passages(a, b)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 150, 30, 130)
    assert p.matched == 100


def test_edited_copy_is_one_passage_covering_the_copy():
    """A copy with 8 % of its characters edited is one passage covering nearly all of it on both sides."""
    original = random_text(30, 400)
    copied = edit(original, 0.08, seed=31)
    a = random_text(32, 200) + original + random_text(33, 200)
    b = random_text(34, 150) + copied + random_text(35, 150)
    found = shared_passages(a, b)
    assert len(found) == 1
    p = found[0]
    assert p.a_start <= 200 + 10 and p.a_end >= 600 - 10
    assert p.b_start <= 150 + 10 and p.b_end >= 150 + len(copied) - 10
    assert p.similarity > 0.85


def test_passage_matches_the_difflib_oracle():
    """The matched count equals the longest common subsequence difflib finds over the same ranges."""
    original = random_text(40, 300)
    a = random_text(41, 100) + original + random_text(42, 100)
    b = random_text(43, 80) + edit(original, 0.05, seed=44) + random_text(45, 80)
    (p,) = shared_passages(a, b)
    sm = difflib.SequenceMatcher(None, a[p.a_start : p.a_end], b[p.b_start : p.b_end], autojunk=False)
    oracle = sum(block.size for block in sm.get_matching_blocks())
    assert p.matched >= oracle  # LCS is optimal; difflib's greedy blocks are a lower bound
    assert p.matched <= min(p.a_end - p.a_start, p.b_end - p.b_start)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(13, 300), st.integers(0, 300), st.integers(0, 300))
def test_passages_lie_in_range_and_do_not_overlap(seed, length, before, after):
    """Passages stay inside both texts and are disjoint and sorted in the first text."""
    copy = random_text(seed, length)
    a = random_text(seed + 1, before) + copy + random_text(seed + 2, after)
    b = random_text(seed + 3, after) + edit(copy, 0.05, seed) + random_text(seed + 4, before)
    found = shared_passages(a, b)
    for p in found:
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
        assert p.matched >= AS.min_chars and 0 < p.similarity <= 1
    assert all(x.a_end <= y.a_start for x, y in itertools.pairwise(found))


def test_a_passage_less_similar_than_half_is_dropped():
    """Three runs of 6 shared characters, 12 different ones between them on both sides: 18 tokens in common
    over 42 on each side (similarity 0.43) are chance agreement, under ``min_similarity`` (0.5), not a copy —
    though a threshold of 0.3 would take them for one."""
    shared = [random_text(seed, 6) for seed in (1, 2, 3)]
    a = shared[0] + random_text(11, 12) + shared[1] + random_text(12, 12) + shared[2]
    b = shared[0] + random_text(21, 12) + shared[1] + random_text(22, 12) + shared[2]
    region = [(0, len(a), 0, len(b))]
    assert align(a, b, region, AS) == []
    (loose,) = align(a, b, region, AlignSettings(min_similarity=0.3))
    assert (loose.a_start, loose.a_end, loose.matched) == (0, len(a), 18)
    assert 0.4 < loose.similarity < 0.5


@pytest.mark.parametrize(("gap", "reported"), [(8, True), (9, True), (10, False)])
def test_the_default_similarity_cut_off_is_one_half(gap, reported):
    """Three runs of 6 shared characters with ``gap`` different ones between them on both sides: 18 tokens in
    common over 34, 36 or 38 on each side (similarity 0.53, exactly 0.5, 0.47). The default settings report the
    first two whole and drop the third: a passage at least half similar is a copy, a looser default would take
    chance agreement for one and a stricter one would lose lightly edited copies."""
    shared = [random_text(seed, 6) for seed in (1, 2, 3)]
    a = shared[0] + random_text(31, gap) + shared[1] + random_text(32, gap) + shared[2]
    b = shared[0] + random_text(41, gap) + shared[1] + random_text(42, gap) + shared[2]
    found = align(a, b, [(0, len(a), 0, len(b))], AlignSettings())
    assert found == ([Passage(0, len(a), 0, len(b), 18)] if reported else [])


def test_common_seeds_extend_a_region_of_own_seeds_but_make_none_alone():
    """Seeds of a phrase many members share join the region of the pair's own seeds next to them (a copy running
    through a common phrase stays whole); far from any own seed they are no region: a passage shared with a group
    is labelled from the k-gram counts, not aligned pair by pair."""
    own = [(100, 300), (106, 306)]
    near = [(120, 320), (130, 330)]  # the same diagonal, right after the own seeds
    far = [(900, 50), (906, 56)]
    (region,) = seed_regions(own, FS.winnow_k, AS, near + far)
    assert region == (100, 130 + FS.winnow_k, 300, 330 + FS.winnow_k)
    assert seed_regions([], FS.winnow_k, AS, near + far) == []
    assert len(seed_regions(own + far, FS.winnow_k, AS)) == 2  # own seeds far apart: two regions


def replace_every(text: str, k: int, seed: int) -> str:
    """Every ``k``-th character replaced by a random one: no identical run longer than ``k - 1``."""
    rng = np.random.default_rng(seed)
    return "".join(chr(int(rng.integers(0x4E00, 0x9FFF))) if i % k == k - 1 else ch for i, ch in enumerate(text))


@pytest.mark.parametrize("k", [4, 5, 6])
def test_a_copy_with_every_kth_character_replaced_is_one_passage(k):
    """Identical runs of 3 to 5 characters, one edit apart, all shorter than a passage's edge (6): the whole copy is
    one passage, not trimmed away run by run from its ends."""
    original = random_text(90 + k, 300)
    a = random_text(91, 120) + original + random_text(92, 120)
    b = random_text(93, 80) + replace_every(original, k, seed=k) + random_text(94, 80)
    (p,) = align(a, b, [(120, 420, 80, 380)], AS)
    assert (p.a_start, p.b_start) == (120, 80)
    assert p.a_end >= 420 - k and p.b_end >= 380 - k
    assert p.matched >= 300 - 300 // k - 1


@pytest.mark.parametrize(("gap", "kept"), [(3, True), (4, False), (6, False)])
def test_a_short_run_after_a_copy_is_kept_only_an_edit_away(gap, kept):
    """A copy, then ``gap`` different characters in one text (a word inserted), then 4 more shared ones: three
    characters away the 4 are the copy's end; four or more away they are a chance agreement beside it."""
    copy, tail = random_text(100, 60), random_text(101, 4)
    a = random_text(102, 40) + copy + tail + random_text(103, 40)
    b = random_text(104, 40) + copy + random_text(105, gap) + tail + random_text(106, 40)
    (p,) = align(a, b, [(40, 104, 40, 104 + gap)], AS)
    assert (p.a_start, p.a_end) == (40, 104 if kept else 100)


@pytest.mark.parametrize(("tail", "kept"), [(3, False), (4, True)])
def test_three_tokens_after_a_long_block_are_not_a_copys_end(tail, kept):
    """One token different after a copy, then ``tail`` shared ones: three beside a long block are mostly a short
    word and the numeral of the next heading, which both texts have; four are the copy's last words."""
    copy, end = random_text(107, 60), random_text(108, tail)
    a = random_text(102, 40) + copy + random_text(109, 1) + end + random_text(103, 40)
    b = random_text(104, 40) + copy + random_text(110, 1) + end + random_text(106, 40)
    (p,) = align(a, b, [(40, 101 + tail, 40, 101 + tail)], AS)
    assert p.a_end == (101 + tail if kept else 100)


def test_a_region_that_covers_part_of_a_copy_grows_to_all_of_it():
    """A pair of MinHash windows holds 200 characters of a 700-character copy with a character inserted every 8
    (so no run of 13 and few seeds): the aligned window grows along the copy, both ways, to its ends, and no
    further."""
    original = random_text(110, 700)
    inserted = random_text(111, 700)
    copied = "".join(ch + (inserted[i] if i % 8 == 7 else "") for i, ch in enumerate(original))
    a = random_text(112, 500) + original + random_text(113, 500)
    b = random_text(114, 300) + copied + random_text(115, 300)
    (p,) = align(a, b, [(750, 950, 300 + 281, 300 + 506)], AS)
    assert (p.a_start, p.a_end) == (500, 1200)
    assert (p.b_start, p.b_end) == (300, 300 + len(copied))
    assert p.matched == 700


def test_a_region_grows_only_while_both_texts_go_on():
    """A copy at the very start of one text and the end of the other: nothing is beyond it, so the window does not
    grow into the rest of the longer text (where an LCS over more text could pick another order), and the
    passage is the copy."""
    copy = random_text(120, 150)
    a = copy + random_text(121, 3000) + copy
    b = random_text(122, 100) + copy
    (p,) = align(a, b, [(0, 150, 100, 250)], AS)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (0, 150, 100, 250)


@pytest.mark.parametrize("field", ["max_gap", "merge_gap", "margin", "max_drift", "reorder_passes", "edit_gap"])
def test_negative_settings_are_refused_when_made(field):
    with pytest.raises(ValueError, match=field):
        AlignSettings(**{field: -1})
    AlignSettings(**{field: 0})  # zero is a setting: no gap, no margin, no second pass


@pytest.mark.parametrize(("own", "one"), [(0, True), (AS.max_gap, True), (AS.max_gap + 1, False)])
def test_boilerplate_blanked_inside_a_copy_is_no_gap(own, one):
    """A copied paragraph holding a 20-token set phrase, which the scan blanks out (``BLANKS``), one character per
    text: the blanks are no edit, so the copy is one passage across them; ``own`` tokens of each member's own
    writing beside the set phrase are edits, and more than ``max_gap`` of them split it."""
    first, second = random_text(130, 60), random_text(131, 60)
    a = random_text(132, 50) + first + BLANKS[0] * 20 + random_text(133, own) + second + random_text(134, 50)
    b = random_text(135, 50) + first + BLANKS[1] * 20 + random_text(143, own) + second + random_text(136, 50)
    passages = align(a, b, [(50, len(a) - 50, 50, len(b) - 50)], AS)
    if one:
        (p,) = passages
        assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 190 + own, 50, 190 + own)
        assert p.matched == 120
    else:
        assert [(p.a_start, p.a_end) for p in passages] == [(50, 110), (130 + own, 190 + own)]


@pytest.mark.parametrize(
    ("dropped", "one"), [(AS.merge_gap + 1, True), (AS.max_drift, True), (AS.max_drift + 1, False)]
)
def test_a_clause_dropped_from_a_copy_leaves_it_one_passage(dropped, one):
    """The copy left out a clause of the source: the two pieces touch in the copy and stand ``dropped`` tokens
    apart in the source, as far as a region's diagonals may drift; further apart they are two passages."""
    first, second = random_text(144, 60), random_text(145, 60)
    a = random_text(146, 50) + first + second + random_text(147, 50)
    b = random_text(148, 50) + first + random_text(149, dropped) + second + random_text(150, 50)
    passages = align(a, b, [(50, 110, 50, 110), (110, 170, 110 + dropped, 170 + dropped)], AS)
    if one:
        (p,) = passages
        assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 170, 50, 170 + dropped)
    else:
        assert [(p.a_start, p.b_start) for p in passages] == [(50, 50), (110, 110 + dropped)]


def test_a_gap_of_blanks_in_one_text_only_is_no_gap_either():
    """The copier dropped the set phrase (or added one): blanks on one side only, nothing on the other."""
    first, second = random_text(137, 60), random_text(138, 60)
    a = random_text(139, 50) + first + BLANKS[0] * 30 + second + random_text(140, 50)
    b = random_text(141, 50) + first + second + random_text(142, 50)
    (p,) = align(a, b, [(50, 200, 50, 170)], AS)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 200, 50, 170)


def test_a_clause_moved_is_no_clause_dropped():
    """The copy holds two pieces in one order, the source in the other with its own sentence between: they are
    two passages, and the sentence between them is no part of either."""
    first, second, own = random_text(151, 60), random_text(152, 60), random_text(153, 30)
    a = random_text(154, 50) + first + second + random_text(155, 50)
    b = random_text(156, 50) + second + own + first + random_text(157, 50)
    passages = align(a, b, [(50, 110, 140, 200), (110, 170, 50, 110)], AS)
    assert sorted((p.a_start, p.a_end, p.b_start, p.b_end) for p in passages) == [
        (50, 110, 140, 200),
        (110, 170, 50, 110),
    ]


def test_a_heading_between_two_pieces_is_no_clause_dropped():
    """Two pieces with a (blanked) heading between them in one text and the member's own 20 tokens between them
    in the other: they do not touch in either text, so they are two passages."""
    first, second = random_text(158, 60), random_text(159, 60)
    a = random_text(160, 50) + first + BLANKS[0] * 18 + second + random_text(161, 50)
    b = random_text(162, 50) + first + random_text(163, 20) + second + random_text(164, 50)
    passages = align(a, b, [(50, 110, 50, 110), (128, 188, 130, 190)], AS)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages] == [(50, 110, 50, 110), (128, 188, 130, 190)]


def test_a_few_tokens_a_clause_away_do_not_join_a_passage():
    """Four tokens that agree by chance right after a copy in one text and a clause away in the other are too
    short to be its end, however often overlapping regions list them."""
    copy, chance = random_text(165, 60), random_text(166, 4)
    a = random_text(167, 50) + copy + chance + random_text(168, 50)
    b = random_text(169, 50) + copy + random_text(170, 30) + chance + random_text(171, 50)
    regions = [(50, 110, 50, 110), (110, 114, 140, 144), (110, 114, 140, 144)]
    (p,) = align(a, b, regions, AS)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 110, 50, 110)
