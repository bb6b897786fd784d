"""The report's parts: passage cuts and the runs several partners share against plain references, the top partner of
a document."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.labels import Label
from dupcheck.report import DocumentResult, Shares
from dupcheck.results import LabelCuts, cut_ranges, partner_runs, with_partners


@given(
    st.lists(st.sampled_from([int(label) for label in Label]), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(list(Label)),
)
def test_a_cut_runs_from_the_first_to_the_last_token_with_the_label(values, start, end, label):
    """The cut of ``start:end`` is its first to its last token with the label and how many have it, as a scan of
    the slice says; None where no token has it."""
    labels = np.array(values, dtype=np.int8)
    hits = [n for n in range(start, min(end, len(values))) if values[n] == label]
    expected = (hits[0], hits[-1] + 1, len(hits)) if hits else None
    cut = LabelCuts({7: labels})
    assert cut(7, label, start, end) == expected
    assert cut(7, label, start, end) == expected  # from the listed positions the second time


@given(
    st.lists(st.sampled_from([int(label) for label in Label]), min_size=1, max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted), max_size=8),
    st.integers(min_value=0, max_value=5),
)
def test_cuts_of_many_ranges_are_the_cuts_of_each(values, ranges, min_count):
    """``cut_ranges`` keeps the ranges whose ``LabelCuts`` cut holds ``min_count`` tokens or more, cut alike."""
    labels = np.array(values, dtype=np.int8)
    cut = LabelCuts({0: labels})
    each = [cut(0, Label.REUSE, start, end) for start, end in ranges]
    expected = [(n, c[:2]) for n, c in enumerate(each) if c is not None and c[2] >= min_count]
    found, kept = cut_ranges(labels, Label.REUSE, np.array(ranges, dtype=np.int64).reshape(-1, 2), min_count)
    assert list(zip(kept.tolist(), map(tuple, found.tolist()), strict=True)) == expected


def unpartnered(chars: int) -> DocumentResult:
    """成员0's result before its partners are known."""
    return DocumentResult("成员0.txt", "成员0", "", chars, Shares(1.0, 0.0, 0.0, 0.0), (), ())


@pytest.mark.parametrize(
    ("partner_chars", "top"),
    [
        ({"成员1": 80, "成员2": 120}, "成员2"),  # more characters win over the earlier name
        ({"成员2": 100, "成员3": 100, "成员1": 100}, "成员1"),  # a tie: the first by name, whatever the order given
        ({"成员3": 150, "成员2": 150, "成员1": 90}, "成员2"),  # a tie for the most: the first of those two
    ],
    ids=["most", "tie", "tie-for-most"],
)
def test_the_top_partner_shares_the_most_characters_and_a_tie_goes_to_the_first_name(partner_chars, top):
    """The top partner is the member whose text a document shares most characters with; between members sharing
    as many the first by name, so the same corpus always names the same partner whatever order it was read in."""
    found = with_partners(unpartnered(400), partner_chars)
    assert (found.top_partner, found.top_partner_share) == (top, partner_chars[top] / 400)


@given(st.dictionaries(st.sampled_from(["成员1", "成员2", "成员3", "成员4"]), st.integers(1, 3), min_size=1))
def test_the_top_partner_is_the_first_by_name_of_those_sharing_the_most(partner_chars):
    """Against a plain reference: of the partners sharing the most characters, the first by name."""
    most = max(partner_chars.values())
    expected = sorted(p for p, n in partner_chars.items() if n == most)[0]
    assert with_partners(unpartnered(10), partner_chars).top_partner == expected


def test_a_document_sharing_nothing_has_no_top_partner():
    """No partner: the result is left as it was, with no top partner and a share of 0."""
    assert with_partners(unpartnered(400), {}) == unpartnered(400)


def runs_token_by_token(partners, reuse, min_chars):
    """Reference for ``partner_runs``: a row of bits per partner and token, runs where the column stays the same."""
    names, n = sorted(partners), len(reuse)
    covered = np.zeros((len(names), n), dtype=bool)
    for row, name in enumerate(names):
        for start, end in partners[name]:
            covered[row, start:end] = True
    covered &= reuse
    out, start = [], 0
    for stop in range(1, n + 1):
        if stop == n or not np.array_equal(covered[:, stop], covered[:, start]):
            on = tuple(name for name, bit in zip(names, covered[:, start], strict=True) if bit)
            if len(on) >= 2 and stop - start >= min_chars:
                out.append((start, stop, on))
            start = stop
    return out


@given(
    st.integers(min_value=1, max_value=80).flatmap(
        lambda n: st.tuples(
            st.dictionaries(
                st.sampled_from(["甲", "乙", "丙", "丁"]),
                st.lists(
                    st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted).map(tuple), min_size=1, max_size=5
                ),
                max_size=4,
            ),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    ),
    st.integers(min_value=1, max_value=12),
)
def test_runs_shared_with_partners_are_those_a_token_by_token_pass_finds(case, min_chars):
    """Overlapping, touching and empty ranges, runs cut by the reuse label: the same runs and partners."""
    partners, reuse = case
    reuse = np.array(reuse, dtype=bool)
    assert partner_runs(partners, reuse, min_chars) == runs_token_by_token(partners, reuse, min_chars)


def test_partner_runs_split_where_a_partner_joins_or_a_label_changes():
    reuse = np.ones(40, dtype=bool)
    reuse[30:32] = False  # a heading both share with everyone
    partners = {"乙": [(0, 20), (18, 40)], "甲": [(5, 40)], "丙": [(10, 15)]}
    assert partner_runs(partners, reuse, 3) == [
        (5, 10, ("乙", "甲")),
        (10, 15, ("丙", "乙", "甲")),
        (15, 30, ("乙", "甲")),
        (32, 40, ("乙", "甲")),
    ]
