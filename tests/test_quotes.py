"""Quotations with a citation: which quotation marks quote a speech or a document, and which quote nothing."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.normalise import normalise
from dupcheck.quotes import LEAD_CHARS, MAX_QUOTE_CHARS, find_quotes, quote_mask

SENTENCE = "打铁必须自身硬，全面从严治党永远在路上"


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, cue",
    [
        (f"总书记在讲话中指出：“{SENTENCE}”。我深受触动。", "指出"),
        (f"会上强调，“{SENTENCE}”，要牢记。", "强调"),
        (f"他说:“{SENTENCE}”", "说"),
        (f"正如总书记所说的“{SENTENCE}”，", "所说的"),
        (f"《准则》：“{SENTENCE}”。", "《准则》"),
        (f"《论语》中：“{SENTENCE}”。", "《论语》中"),
        (f"“{SENTENCE}”（《习近平谈治国理政》）", "《习近平谈治国理政》"),
        (f'讲话指出："{SENTENCE}"', "指出"),
        (f"指出：「{SENTENCE}」", "指出"),
    ],
)
def test_a_citation_right_before_the_marks_or_a_title_after_them_makes_a_quotation(text: str, cue: str) -> None:
    """Each form of citation the genre uses introduces one quotation: the marks and what they hold, and the cue
    that made it one (so a reader can see why)."""
    (quote,) = find_quotes(text)
    assert text[quote.start + 1 : quote.end - 1] == SENTENCE
    assert text[quote.start] in '“"「' and text[quote.end - 1] in '”"」'
    assert quote.cue == cue


@pytest.mark.parametrize(
    "text",
    [
        "按照通知要求，支部确定了“一人一表”的查摆方式。",  # a noun (the notice's requirements), then a term
        "没有及时指出，批评和自我批评“辣味”不足，有时当了“老好人”。",  # the citing word ends an earlier clause
        f"我理解“{SENTENCE}”的含义。",  # marks after no citation
        f"总书记指出：“{SENTENCE}",  # never closed
        f"总书记指出：“{SENTENCE}\n下一段”",  # closed only in the next paragraph
        "总书记指出：“" + "字" * (MAX_QUOTE_CHARS + 1) + "”",  # a block wrapped in marks, not a quotation
        "总书记指出：“　”",  # nothing inside
    ],
)
def test_marks_after_no_citation_quote_nothing(text: str) -> None:
    """A term, a slogan, an ironic word in marks, an unclosed mark or a whole block in marks is no quotation."""
    assert find_quotes(text) == []


def test_the_citation_must_stand_right_before_the_opening_mark() -> None:
    """A citing word and colon an arbitrary distance before the mark, with words between, cite nothing: the
    quotation must follow the citation directly."""
    assert quoted(f"指出：{'我' * 5}“{SENTENCE}”") == []
    assert quoted(f"{'我' * (LEAD_CHARS + 10)}指出：“{SENTENCE}”") == [f"“{SENTENCE}”"]


def test_an_unclosed_mark_does_not_hide_a_later_quotation() -> None:
    text = f"他写了一个“错字\n会上强调：“{SENTENCE}”"
    assert quoted(text) == [f"“{SENTENCE}”"]


def test_several_quotations_in_one_text_in_order() -> None:
    text = f"指出：“{SENTENCE}”；还强调：“{SENTENCE[:7]}”。又讲到“老好人”。"
    assert quoted(text) == [f"“{SENTENCE}”", f"“{SENTENCE[:7]}”"]


@given(st.text(alphabet=st.sampled_from(list('指出强调说：，。“”"《》准则文字\n 中')), max_size=120))
def test_quotations_lie_in_the_text_in_order_within_one_paragraph(text: str) -> None:
    """Whatever the text: quotations are sorted and disjoint, start at an opening mark, end after its closing mark,
    hold no paragraph break, and carry a cue found in the text."""
    quotes = find_quotes(text)
    reach = 0
    for q in quotes:
        assert reach <= q.start < q.end <= len(text)
        assert text[q.start] in '“"' and text[q.end - 1] == {"“": "”", '"': '"'}[text[q.start]]
        assert "\n" not in text[q.start : q.end]
        assert q.cue and q.cue in text
        reach = q.end


def test_quote_mask_marks_the_tokens_inside_the_marks() -> None:
    """The mask is per token of the normalised text (punctuation has no token), True exactly inside a quotation."""
    text = f"我们学习。总书记指出：“{SENTENCE}”。我认为要落实。"
    normalised = normalise(text)
    mask = quote_mask(normalised, find_quotes(text))
    inside = "".join(t for t, m in zip(normalised.tokens, mask, strict=True) if m)
    assert inside == normalise(SENTENCE).tokens
    assert mask.dtype == np.bool_ and len(mask) == len(normalised)
    assert not quote_mask(normalised, []).any()
