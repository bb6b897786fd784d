"""Labels: priorities, fragments, spans in the original text, and shares that sum to one."""

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.labels import Label, LabelCounts, label_spans, label_tokens
from dupcheck.normalise import normalise


def labels_for(n, *, boilerplate=(), template=(), partners=None, boilerplate_members=4, min_reuse=3):
    mask = np.zeros(n, dtype=bool)
    for s, e in boilerplate:
        mask[s:e] = True
    return label_tokens(
        n,
        boilerplate=mask,
        template_ranges=template,
        partner_ranges=partners or {},
        boilerplate_members=boilerplate_members,
        min_reuse=min_reuse,
    ).tolist()


def test_template_wins_over_boilerplate_and_reuse():
    """Text taken from a template is template even where members also share it."""
    got = labels_for(10, boilerplate=[(0, 10)], template=[(2, 5)], partners={"乙": [(0, 10)]})
    assert got[2:5] == [Label.TEMPLATE] * 3 and got[0] == Label.BOILERPLATE


def test_text_shared_with_few_members_is_reuse_and_with_many_is_boilerplate():
    """Below the member count it is reuse; at the count, boilerplate."""
    few = labels_for(20, partners={"乙": [(0, 20)], "丙": [(0, 20)]})
    many = labels_for(20, partners={"乙": [(0, 20)], "丙": [(0, 20)], "丁": [(0, 20)]})
    assert set(few) == {Label.REUSE} and set(many) == {Label.BOILERPLATE}


def test_short_reuse_fragment_at_the_edge_of_boilerplate_joins_it():
    """Two characters after a set phrase are not a copy of their own."""
    got = labels_for(20, boilerplate=[(0, 10)], partners={"乙": [(0, 12)]}, min_reuse=5)
    assert got[:12] == [Label.BOILERPLATE] * 12 and got[12:] == [Label.ORIGINAL] * 8


def test_spans_cover_punctuation_inside_a_run_and_map_to_the_original():
    """A span runs from its first token to its last, punctuation between them included."""
    text = "我的：一是加强学习，二是改进。结尾"
    n = normalise(text)
    labels = np.zeros(len(n), dtype=np.int8)
    labels[2:12] = Label.REUSE
    (span,) = label_spans(n, labels)
    assert text[span.start : span.end] == "一是加强学习，二是改进"
    assert span.label is Label.REUSE


def test_shares_count_non_whitespace_characters():
    """Whitespace and zero-width characters are not counted; punctuation is."""
    text = "甲乙 丙，\u200b丁\n"
    shares = LabelCounts(text, [])
    assert shares.chars() == 5


@given(st.text(alphabet="甲乙丙丁戊，。 \n", max_size=60), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60))))
def test_shares_of_any_range_sum_to_one(text, cuts):
    """For any labelling and any range, the four shares sum to 1."""
    n = normalise(text)
    rng = np.random.default_rng(len(text))
    labels = rng.integers(0, 4, size=len(n)).astype(np.int8)
    spans = label_spans(n, labels)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    shares = LabelCounts(text, spans)
    for start, end in [(0, len(text)), *cuts]:
        start, end = sorted((min(start, len(text)), min(end, len(text))))
        assert abs(sum(shares.of(start, end).values()) - 1) < 1e-9
