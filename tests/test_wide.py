"""Cost linear in what is shared: a passage many members share is one group, never all its pairs; repetition
inside one text is collapsed before it is aligned. Counts, not timings."""

from __future__ import annotations

import numpy as np
import pytest
from test_scan import prose, write

from dupcheck.alignment import AlignSettings, seed_regions
from dupcheck.boilerplate import find_boilerplate
from dupcheck.candidates import MAX_REPEATS, find_candidates
from dupcheck.fingerprints import FingerprintSettings, fingerprint
from dupcheck.model import Entry, ScanSettings
from dupcheck.normalise import normalise
from dupcheck.scan import scan

FS = FingerprintSettings()
SHARED = prose(424_242, 60)  # a passage from an outside source
SHARED_SPAN = SHARED.rstrip("。")


def short_report(seed: int, insert: str = "") -> str:
    return f"对照检查材料{seed}\n" + prose(seed * 7 + 1, 150) + insert + prose(seed * 7 + 2, 150)


def _corpus(tmp_path, n: int, holders: int):
    return write(tmp_path / "c", {f"m{i:03d}.txt": short_report(i, SHARED if i < holders else "") for i in range(n)})


def test_passage_25_of_100_members_share_is_one_group_and_no_pairs(tmp_path):
    """25 of 100 members (under the 30 % that makes boilerplate) hold one passage: one group of those 25, each
    side on the passage, labelled reuse in each — and not the 300 pairs and matches that listing them would be."""
    report = scan(_corpus(tmp_path, 100, 25))
    assert report.pairs == [] and report.matches == []
    (group,) = report.groups
    assert group.members == tuple(f"m{i:03d}" for i in range(25))
    assert [side.doc for side in group.passages] == [f"m{i:03d}.txt" for i in range(25)]
    assert all(report.texts[s.doc][s.start : s.end] == SHARED_SPAN for s in group.passages)
    shares = {d.member: d.shares for d in report.documents}
    assert all(shares[f"m{i:03d}"].reuse > 0.1 for i in range(25))
    assert all(shares[f"m{i:03d}"].originality == 1.0 for i in range(25, 100))


def test_a_passage_few_members_share_is_still_compared_pair_by_pair(tmp_path):
    """Held by max_pair_members members (8), the passage is every pair of them, as before; raising the setting
    turns the 25-member passage back into its 300 pairs, so the limit is the setting and nothing else."""
    report = scan(_corpus(tmp_path, 100, 8))
    assert len(report.pairs) == 28 and len(report.matches) == 28
    assert [g.members for g in report.groups] == [tuple(f"m{i:03d}" for i in range(8))]
    wide = scan(_corpus(tmp_path / "w", 100, 25), settings=ScanSettings(max_pair_members=30))
    assert len(wide.pairs) == 300


def _entries(texts: list[str]) -> list[Entry]:
    return [
        Entry(member=i, is_template=False, tokens=(n := normalise(t)).tokens, fingerprints=fingerprint(n.codes(), FS))
        for i, t in enumerate(texts)
    ]


def test_widely_shared_fingerprints_expand_into_no_pairs():
    """The candidates themselves: 40 of 200 texts hold a passage and nothing else in common; with a limit of 8
    members its fingerprints seed no pair (780 pairs without the limit), and only the odd LSH bucket that a few
    windows around it fall in by chance still pairs two texts."""
    entries = _entries([short_report(i, SHARED if i < 40 else "") for i in range(200)])
    boilerplate = find_boilerplate(entries, FS.winnow_k, 60, wide_members=9)
    assert len(boilerplate.wide) > 0
    limited = find_candidates(entries, FS, boilerplate, max_pair_members=8)
    assert not any(found.seeds for found in limited.pairs.values())
    assert len(limited.pairs) < 40
    assert len(find_candidates(entries, FS, find_boilerplate(entries, FS.winnow_k, 60)).pairs) == 40 * 39 // 2


SENTENCE = "我们要坚持不懈地把理论学习引向深入做到学思用贯通知信行统一。"


def test_seeds_and_regions_of_a_text_repeating_a_sentence_are_bounded():
    """A sentence pasted 5,000 times, against a text holding it once: at most MAX_REPEATS seeds per fingerprint
    of the sentence, so a handful of regions to align, not 5,000."""
    once = short_report(1, SENTENCE)
    entries = _entries([SENTENCE * 5000, once, short_report(2)])
    found = find_candidates(entries, FS, find_boilerplate(entries, FS.winnow_k, 99)).pairs
    distinct = len(np.unique(fingerprint(normalise(SENTENCE).codes(), FS).winnow_hashes))
    seeds = found[(0, 1)].seeds
    assert 0 < len(seeds) <= MAX_REPEATS * distinct <= 8 * distinct  # uncapped: 5,000 per fingerprint
    assert len(seed_regions(seeds, FS.winnow_k, AlignSettings())) <= 8 * distinct
    assert len(found[(0, 1)].windows) <= 8


@pytest.mark.parametrize("repeated", [SENTENCE, "啊"], ids=["sentence", "one-character"])
def test_report_of_200k_repeated_characters_among_normal_ones(tmp_path, repeated):
    """A 200,000-character report repeating one sentence (or one character), that also copied a paragraph of a
    colleague: the scan finishes, the copy is found, and so is the copy between two other members."""
    copied, other = prose(77_001, 200), prose(77_002, 200)
    inserts = [copied, other, other, "", ""]
    files = {f"m{i}.txt": short_report(i, insert) for i, insert in enumerate(inserts)}
    files["r.txt"] = "对照检查材料\n" + repeated * (200_000 // len(repeated)) + copied
    report = scan(write(tmp_path / "c", files))
    pairs = {(m.a.doc, m.b.doc) for m in report.matches}
    assert ("m0.txt", "r.txt") in pairs or ("r.txt", "m0.txt") in pairs
    assert ("m1.txt", "m2.txt") in pairs or ("m2.txt", "m1.txt") in pairs
    r = next(d for d in report.documents if d.id == "r.txt")
    assert 0 < r.shares.reuse < 0.01  # the copied paragraph, not the repetition


def test_merged_groups_list_their_passages_in_one_order_whatever_the_order_found():
    """Two passages of one text starting at one place (one cut longer): the longer second, in whichever order they
    were found — a merged group's passages come from a set, and a report must not change from run to run."""
    from dupcheck.report import GroupResult, Side
    from dupcheck.wide import merged

    short, long = Side("甲.txt", 10, 30), Side("甲.txt", 10, 60)
    other = Side("乙.txt", 0, 50)
    members = ("甲", "乙", "丙")
    for passages in [(long, short, other), (short, other, long), (other, long, short)]:
        (group,) = merged([GroupResult(members, passages)])
        assert group.passages == (other, short, long)  # by document name, then start, then end
