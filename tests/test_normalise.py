"""The normaliser: what is folded, what is dropped, and the map back to the original text."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.normalise import normalise, normalise_reference, word_code


def test_chinese_characters_are_tokens_and_punctuation_is_not():
    """Each hanzi is a token; punctuation and whitespace only separate tokens."""
    n = normalise("加强，理论 学习。")
    assert n.tokens == "加强理论学习"


def test_repunctuated_and_respaced_copies_normalise_alike():
    """Re-punctuating or re-spacing a copy does not change its tokens."""
    assert normalise("一是加强学习，二是改进作风。").tokens == normalise("一是加强学习 ； 二是 改进作风").tokens


def test_full_width_digits_and_latin_fold_to_ascii_words():
    """２０２５ and 2025 are one token; ＡＢＣ and abc are one token."""
    assert normalise("２０２５年ＡＢＣ").tokens == normalise("2025年abc").tokens
    assert normalise("2025年").tokens == word_code("2025") + "年"


def test_zero_width_characters_are_dropped_inside_chinese_and_latin_words():
    """A zero-width space inside a word hides nothing."""
    assert normalise("学\u200b习").tokens == "学习"
    assert normalise("wo\u200brd").tokens == normalise("word").tokens


def test_compatibility_characters_fold_to_their_tokens():
    """Enclosed numerals and compatibility ideographs are folded with NFKC."""
    assert normalise("㈠").tokens == "一"
    # U+F900 is 豈 (Traditional) by NFKC, and then 岂 like any Traditional character; U+2F800 is 丽.
    assert normalise("\uf900").tokens == normalise(unicodedata.normalize("NFKC", "\uf900")).tokens == "岂"
    assert normalise("\U0002f800").tokens == unicodedata.normalize("NFKC", "\U0002f800") == "丽"


def test_token_offsets_point_at_the_original_characters():
    """Token i maps back to the characters it came from in the original text."""
    text = "按照《通知》，２０２５年 Word"
    n = normalise(text)
    pieces = [text[s:e] for s, e in zip(n.starts, n.ends, strict=True)]
    assert pieces == ["按", "照", "通", "知", "２０２５", "年", "Word"]
    assert n.original_span(0, 4) == (0, text.index("》"))


@given(st.text())
def test_offsets_are_in_range_and_ordered(text):
    """For any text, token spans lie inside it, are non-empty and do not go backwards."""
    n = normalise(text)
    assert len(n.starts) == len(n.ends) == len(n.tokens)
    for s, e in zip(n.starts.tolist(), n.ends.tolist(), strict=True):
        assert 0 <= s < e <= len(text)
    assert all(a <= b for a, b in zip(n.starts.tolist(), n.starts.tolist()[1:], strict=False))


@given(st.lists(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1), st.data())
def test_cjk_text_keeps_its_tokens_under_inserted_separators(chars, data):
    """Inserting punctuation, spaces and zero-width characters between hanzi leaves the tokens unchanged."""
    noise = st.sampled_from(["", " ", "，", "。", "\u200b", "\n", "、", "  "])
    text = "".join(c + data.draw(noise) for c in chars)
    n = normalise(text)
    assert n.tokens == normalise("".join(chars)).tokens  # Traditional characters among them become Simplified
    assert [text[s:e] for s, e in zip(n.starts, n.ends, strict=True)] == chars


_MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            "对照检查材料學習著覆衞①㈠½ﬁ㍿，。；：「」 \t\n\u3000\u200b\u2060\ufeff\u0301\u3164abcXYZ0１２ＡéØ㏾"
        ),
        st.characters(min_codepoint=0x20, max_codepoint=0x3FFFD, blacklist_categories=("Cs",)),
    ),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_fast_normalise_equals_the_reference(text: str) -> None:
    fast, reference = normalise(text), normalise_reference(text)
    assert fast.tokens == reference.tokens
    assert fast.starts.tolist() == reference.starts.tolist()
    assert fast.ends.tolist() == reference.ends.tolist()


def test_every_compatibility_ideograph_is_the_token_of_its_unified_form():
    """OpenCC's t2s folds compatibility ideographs (U+F900–FAFF, U+2F800–2FA1F) as NFKC does; normalise relies
    on it instead of an NFKC step of its own."""
    import unicodedata

    checked = 0
    for low, high in ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for code in range(low, high + 1):
            char = chr(code)
            if unicodedata.category(char) == "Cn":
                continue
            checked += 1
            assert normalise(char).tokens == normalise(unicodedata.normalize("NFKC", char)).tokens, hex(code)
    assert checked > 1000
