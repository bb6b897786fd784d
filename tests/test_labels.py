"""Labels: priorities, fragments, spans in the original text, and shares that sum to one."""

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.labels import Label, LabelCounts, label_spans, label_tokens
from dupcheck.normalise import normalise
from dupcheck.wide import GROUP


def labels_for(
    n,
    *,
    boilerplate=(),
    template=(),
    partners=None,
    boilerplate_members=4,
    min_reuse=3,
    set_phrase=0,
    widths=None,
    quotes=None,
):
    mask = np.zeros(n, dtype=bool)
    for s, e in boilerplate:
        mask[s:e] = True
    quoted = None
    if quotes is not None:
        quoted = np.zeros(n, dtype=bool)
        for s, e in quotes:
            quoted[s:e] = True
    return label_tokens(
        n,
        boilerplate=mask,
        template_ranges=template,
        partner_ranges=partners or {},
        boilerplate_members=boilerplate_members,
        min_reuse=min_reuse,
        token_chars=np.ones(n, dtype=np.int64) if widths is None else np.asarray(widths),
        set_phrase_chars=set_phrase,
        group=GROUP,
        quotes=quoted,
    ).tolist()


def phrase_labels(n, partners, **kw):
    """Labels of a 60-token text with set phrases under 30 characters, boilerplate only at 10 members."""
    return labels_for(n, partners=partners, boilerplate_members=10, min_reuse=13, set_phrase=30, **kw)


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


def test_a_short_passage_two_other_members_use_is_a_set_phrase_and_stays_the_members_own():
    """Twenty characters shared with two other members, nothing around them: the genre's wording, not a copy;
    with set phrases switched off (0) they are reuse."""
    shared = {"乙": [(20, 40)], "丙": [(20, 40)]}
    assert set(phrase_labels(60, shared)) == {Label.ORIGINAL}
    assert labels_for(60, partners=shared, boilerplate_members=10, min_reuse=13)[20:40] == [Label.REUSE] * 20


def test_a_short_passage_shared_with_one_member_alone_is_reuse():
    """One partner: it may be a copied sentence, and it is reported."""
    assert phrase_labels(60, {"乙": [(20, 40)]})[20:40] == [Label.REUSE] * 20


def test_a_set_phrase_is_shorter_than_the_limit():
    """29 characters shared with two others are a set phrase; 30 are a passage (the limit is exclusive)."""
    assert set(phrase_labels(60, {"乙": [(10, 39)], "丙": [(10, 39)]})) == {Label.ORIGINAL}
    assert phrase_labels(60, {"乙": [(10, 40)], "丙": [(10, 40)]})[10:40] == [Label.REUSE] * 30


def test_characters_not_tokens_measure_a_set_phrase():
    """Five Latin words of eight letters are 40 characters: no set phrase, although they are five tokens."""
    widths = [8] * 10
    assert (
        labels_for(
            10,
            partners={"乙": [(2, 7)], "丙": [(2, 7)]},
            boilerplate_members=10,
            min_reuse=3,
            set_phrase=30,
            widths=widths,
        )[2:7]
        == [Label.REUSE] * 5
    )


def test_a_copy_that_holds_a_set_phrase_stays_reuse_whole():
    """乙's 40 copied characters hold a phrase 丙 and 丁 use too: the copy is 乙's evidence, phrase included."""
    got = phrase_labels(60, {"乙": [(10, 50)], "丙": [(20, 35)], "丁": [(20, 35)]})
    assert got[10:50] == [Label.REUSE] * 40


def test_a_phrase_with_a_few_characters_more_shared_with_one_of_them_is_still_a_set_phrase():
    """Fewer than ``min_reuse`` (13) characters beside the phrase shared with one partner alone do not make a
    copy; 13 do."""
    few = phrase_labels(60, {"乙": [(10, 32)], "丙": [(20, 32)], "丁": [(20, 32)]})  # 10 of 乙's own
    enough = phrase_labels(60, {"乙": [(7, 32)], "丙": [(20, 32)], "丁": [(20, 32)]})  # 13 of 乙's own
    assert set(few) == {Label.ORIGINAL}
    assert enough[7:32] == [Label.REUSE] * 25


def test_a_short_passage_shared_with_a_group_is_a_set_phrase():
    """A group (more members than are compared pair by pair) is more than two others."""
    assert set(phrase_labels(60, {GROUP: [(20, 40)]})) == {Label.ORIGINAL}
    assert phrase_labels(60, {GROUP: [(10, 45)]})[10:45] == [Label.REUSE] * 35


Q, OWN, R, B, T = Label.QUOTE, Label.ORIGINAL, Label.REUSE, Label.BOILERPLATE, Label.TEMPLATE


def test_a_quotation_is_quote_whoever_else_shares_it():
    """Quoted with a citation, text is quote even where one member, many members or a template share it: a
    quotation is no copy."""
    assert labels_for(12, partners={"乙": [(0, 12)]}, quotes=[(3, 9)]) == [R] * 3 + [Q] * 6 + [R] * 3
    assert labels_for(10, boilerplate=[(0, 10)], quotes=[(0, 10)]) == [Q] * 10
    assert labels_for(10, template=[(0, 10)], quotes=[(0, 5)]) == [Q] * 5 + [T] * 5
    assert labels_for(10, quotes=[(3, 6)]) == [OWN] * 3 + [Q] * 3 + [OWN] * 4


def test_the_words_that_introduce_a_shared_quotation_stay_the_members_own():
    """A short stretch of reuse left between a quotation and the member's own text (总书记指出： both wrote before
    it) is the member's own; a copy of the member's words around the quotation as long as a passage stays reuse."""
    short = labels_for(30, partners={"乙": [(5, 20)]}, quotes=[(10, 20)], min_reuse=13)
    assert short == [OWN] * 10 + [Q] * 10 + [OWN] * 10
    padded = labels_for(40, partners={"乙": [(0, 30)]}, quotes=[(15, 30)], min_reuse=13)
    assert padded == [R] * 15 + [Q] * 15 + [OWN] * 10
    beside_boilerplate = labels_for(
        30, boilerplate=[(0, 5)], partners={"乙": [(5, 20)]}, quotes=[(10, 20)], min_reuse=13
    )
    assert beside_boilerplate == [B] * 10 + [Q] * 10 + [OWN] * 10  # boilerplate next to it takes it, as before
