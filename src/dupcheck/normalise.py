"""Normalise text for matching, keeping a map from every matching unit back to the original text.

A report is matched as a sequence of *tokens*: one token per Chinese character, one per Latin word
(letters and digits, lower-cased, with any combining accents). Everything else — punctuation, whitespace,
control characters — separates tokens but is not part of them, so re-punctuating or re-spacing a copy does
not hide it. Characters Unicode marks as default-ignorable (zero-width spaces and joiners, soft hyphens,
bidi controls, variation selectors, Hangul fillers, tags …) are invisible: they neither make a token nor
split a word. Full-width Latin and digits, compatibility ideographs and enclosed numerals are folded with
NFKC first. ``interleaving`` counts the invisible and look-alike characters a text holds, for its integrity flag.

A Chinese character is folded to Simplified, one character at a time, with OpenCC's tables (``s2t`` then
``t2s``, so that rare Simplified forms meet their usual ones too) and a few variants they leave (著 → 着,
覆 → 复, 衞 → 卫 …), so a copy converted to Traditional (Mainland, Taiwan or Hong Kong forms) matches its
original. The fold looks at one character only, never at the phrase around it (OpenCC's phrase tables can
change a text's length), so the same character always gives the same token, offsets stay those of the
original text, and a token's slice of the text normalises to that token alone.

Each token becomes exactly one character of ``Normalised.tokens`` (a Latin word is folded to a private-use
code point by a stable hash), so that the fast string tools — numpy over code points, rapidfuzz's
alignment — work on it directly, and token ``i`` maps back to ``text[starts[i]:ends[i]]``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable
from functools import lru_cache

import numpy as np

# Ideographs: the unified blocks, the compatibility ideographs and the whole of planes 2 and 3 (extensions B
# to I and whatever Unicode adds there), so a newer Python's Unicode tables do not change what is a token.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003fffd"
# Unicode's Default_Ignorable_Code_Point: characters that show as nothing, which people slip into words to
# break matching. They make no token and, inside a Latin word, are skipped.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Combining marks that accent a letter (é written as e + U+0301): part of the word they follow, so that
# NFKC composes them as it does for the precomposed letter.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"
_LETTER = rf"[^\W_{_CJK}{_INVISIBLE}]"
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}])"
    rf"|(?P<word>{_LETTER}(?:[{_INVISIBLE}{_MARKS}]*{_LETTER})*(?:[{_INVISIBLE}{_MARKS}]*[{_MARKS}])?)"
    rf"|(?P<other>[^\s{_INVISIBLE}])"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Ideographs with a look-alike twin NFKC folds onto them: Kangxi radicals (⼀ for 一) and compatibility ideographs
# (U+F900…, U+2F800…); most of those blocks fold, the few unified ideographs among them do not and are not counted.
_LOOK_ALIKE_RE = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
# A report flagged for interleaving holds at least this many invisible or look-alike characters, and at least one
# in _INTERLEAVED_PER characters of its text. A BOM, a soft hyphen or the zero-width space a web page leaves in
# pasted text come in ones and twos (the 146 real reports of ../shared/corpus-real hold at most 10); hiding a copy
# takes one every few characters, dozens even in one paragraph (300 characters with one after every 6 hold 50).
_MIN_INTERLEAVED = 20
_INTERLEAVED_PER = 1000
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFD))  # _CJK, as numbers

# Folds after t2s. First, Traditional characters t2s leaves as they are, because they are also Simplified
# characters or regional (Taiwan, Hong Kong) variants, to the Simplified character a converted copy has them
# for: 反覆/反复, 瞭解/了解, 顯著/显着, 藉口/借口 … Measured on 146 real reports converted with OpenCC's s2t, s2tw
# and s2hk: with these 2 of their 225,000 converted characters stay unmatched (座 for 坐), without them 218–403.
_VARIANTS = {
    "覆": "复",
    "瞭": "了",
    "著": "着",
    "藉": "借",
    "甦": "苏",
    "枱": "台",
    "敍": "叙",
    "粧": "妆",
    "糭": "粽",
    "衞": "卫",
    "衹": "只",
    "痺": "痹",
    "睪": "睾",
    "簷": "檐",
    "暱": "昵",
    "苧": "苎",
    "潀": "潨",
    "么": "幺",  # Taiwan writes 幺 as 么, the Simplified form of 麼: all three are one token
    "颚": "腭",
    "鲶": "鲇",
}
# Then rare Simplified forms that OpenCC's s2t converts to a Traditional character whose t2s is another
# Simplified form (谘 → 諮 → 咨): to that form, so that a copy converted with s2t still matches. These are all
# such characters of OpenCC 1.4's tables (tests/test_evasion.py checks every ideograph against s2t); loading
# s2t to find them at run time would cost 70 ms, its phrase table being large.
_VARIANTS |= dict(
    zip(
        "㓰㳽䌽䙓䦆䩄侭渖稆縆缐讬谘迳钜锺镟馀麹麺𢧐𢭏𧹒𧹔𩨂𪠽𪨧𪪏𫍝𫍿𫔀𫔭𫔮𫖕𫖸𫗫𫗭𫗯𫛲𫜩𫫇𬞟",
        "划弥彩摆镢腼尽沈穞緪线托咨径巨钟旋余曲面战捣买账骢当仑庐谏谫炼开闲鞲愿糊喂糇雕啮恶苹",
        strict=True,
    )
)

# Latin words are folded into the supplementary private-use planes (15 and 16), which real text
# never uses, so a word token cannot collide with a character token.
_PUA_A, _PUA_A_SIZE = 0xF0000, 0xFFFE
_PUA_B = 0x100000
FIRST_WORD_TOKEN = chr(_PUA_A)  # every token at or above this stands for a Latin word
_WORD_CODES = 2 * _PUA_A_SIZE


class Normalised:
    """The matching form of a text: one character per token, and where each token stands in the text.

    ``starts[i]`` is the offset of token i in the original text and ``ends[i]`` its exclusive end (int32:
    reports are far below 2**31 characters). Ends are kept as token widths in the smallest type that holds
    them (one byte for a Chinese text): a scan of 10,000 reports holds one of these per report.
    """

    __slots__ = ("_widths", "starts", "tokens")

    def __init__(self, tokens: str, starts: np.ndarray, ends: np.ndarray) -> None:
        if not len(tokens) == len(starts) == len(ends):
            raise ValueError(f"{len(tokens)} tokens, {len(starts)} starts and {len(ends)} ends")
        self.tokens = tokens
        self.starts = np.asarray(starts, dtype=np.int32)
        widths = np.asarray(ends, dtype=np.int64) - self.starts
        self._widths = widths.astype(np.min_scalar_type(int(widths.max(initial=0))))

    @property
    def ends(self) -> np.ndarray:
        return self.starts + self._widths.astype(np.int32)

    @property
    def widths(self) -> np.ndarray:
        """Characters of the original text each token stands for."""
        return self._widths

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"Normalised({self.tokens!r})"

    def codes(self) -> np.ndarray:
        """The tokens as uint32 code points, for vectorised hashing."""
        return token_codes(self.tokens)

    def original_span(self, first: int, stop: int) -> tuple[int, int]:
        """Offsets in the original text covering tokens ``first .. stop-1``."""
        if not 0 <= first < stop <= len(self.tokens):
            raise ValueError(f"token range {first}:{stop} outside 0:{len(self.tokens)}")
        return int(self.starts[first]), int(self.starts[stop - 1]) + int(self._widths[stop - 1])


def token_codes(tokens: str) -> np.ndarray:
    """A token string (``Normalised.tokens``) as uint32 code points."""
    return np.frombuffer(tokens.encode("utf-32-le"), dtype="<u4").astype(np.uint32)


def word_code(word: str) -> str:
    """The single private-use character standing for a (lower-cased, NFKC) Latin word."""
    code = zlib.crc32(word.encode("utf-8")) % _WORD_CODES
    return chr(_PUA_A + code if code < _PUA_A_SIZE else _PUA_B + code - _PUA_A_SIZE)


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    """OpenCC's Traditional-to-Simplified conversion (loaded on first use, in about 6 ms: its tables ship in the
    wheel)."""
    import opencc

    return opencc.OpenCC("t2s").convert


_CJK_FOLDS: dict[str, str] = {}  # character -> its token; at most one entry per ideograph


def _fold_cjk(char: str) -> str:
    """The token of one ideograph: compatibility forms unified, Traditional and variant forms Simplified."""
    token = _CJK_FOLDS.get(char)
    if token is None:
        token = char
        # OpenCC's t2s also unifies every compatibility ideograph (tests/test_normalise.py checks all 1,014).
        simplified = _t2s()(token)
        # t2s maps a character to one character; anything else (it never happens) keeps the character.
        if len(simplified) == 1 and _CJK_CHAR.match(simplified):
            token = simplified
        token = _VARIANTS.get(token, token)
        _CJK_FOLDS[char] = token
    return token


@lru_cache(maxsize=4096)
def _fold_other(char: str) -> str:
    """Tokens hidden in a compatibility character (①, ㈠, ⼀ …), as a token string; '' for punctuation."""
    folded = unicodedata.normalize("NFKC", char)
    if folded == char:
        return ""
    return "".join(_tokens_of_plain(folded))


def _tokens_of_plain(text: str) -> list[str]:
    out = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "cjk":
            out.append(_fold_cjk(m.group()))
        elif m.lastgroup == "word":
            out.append(word_code(m.group().lower()))
    return out


def interleaving(text: str) -> int:
    """How many characters of ``text`` normalisation drops as invisible or folds as look-alike ideographs, when
    there are too many for chance (see _MIN_INTERLEAVED); else 0."""
    count = len(_INVISIBLE_RE.findall(text))
    count += sum(unicodedata.normalize("NFKC", m.group()) != m.group() for m in _LOOK_ALIKE_RE.finditer(text))
    return count if count >= max(_MIN_INTERLEAVED, len(text) // _INTERLEAVED_PER) else 0


def normalise(text: str) -> Normalised:
    """Tokenise ``text`` for matching; see the module docstring for what is folded and what is dropped.

    The same tokens as ``normalise_reference`` (a test compares the two), found faster: the ideographs, most
    of a Chinese report, are folded with numpy, one lookup per distinct character, and only the stretches
    between them (punctuation, Latin words, numbers) go through the tokenising expression.
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    is_cjk = np.zeros(len(codes), dtype=bool)
    for low, high in _CJK_RANGES:
        is_cjk |= (codes >= low) & (codes <= high)
    cjk_at = np.flatnonzero(is_cjk)
    folded = _fold_codes(codes[cjk_at])
    if folded is None:  # never seen: every fold is one character; the reference copes anyway
        return normalise_reference(text)
    parts_codes, parts_starts, parts_ends = [folded], [cjk_at], [cjk_at + 1]
    # Stretches between ideographs: a word never holds an ideograph, so each stretch tokenises on its own.
    edges = np.flatnonzero(np.diff(np.concatenate([[True], is_cjk, [True]]).astype(np.int8)))
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        stretch = text[start:end]
        if stretch.isspace():
            continue
        if end - start == 1 and not stretch.isalnum() and not _fold_other(stretch):
            continue  # one punctuation mark between two ideographs, the commonest stretch: no token
        found = _tokens_in(stretch, start)
        if found[0]:
            parts_codes.append(np.array([ord(t) for t in found[0]], dtype=np.uint32))
            parts_starts.append(np.array(found[1], dtype=np.int32))
            parts_ends.append(np.array(found[2], dtype=np.int32))
    starts = np.concatenate(parts_starts).astype(np.int32)
    order = np.argsort(starts, kind="stable")  # tokens of one character (an NFKC expansion) keep their order
    token_codes = np.concatenate(parts_codes)[order]
    return Normalised(
        tokens=token_codes.astype("<u4").tobytes().decode("utf-32-le"),
        starts=starts[order],
        ends=np.concatenate(parts_ends).astype(np.int32)[order],
    )


_FOLD_BMP = np.zeros(0x10000, dtype=np.uint32)  # folded code of each ideograph of the BMP met so far; 0: not yet


def _fold_codes(codes: np.ndarray) -> np.ndarray | None:
    """The tokens (as code points) of ideographs ``codes``; None if a fold were not one character."""
    out = np.empty(len(codes), dtype=np.uint32)
    bmp = codes < 0x10000
    known = _FOLD_BMP[codes[bmp]]
    for code in np.unique(codes[bmp][known == 0]).tolist():
        token = _fold_cjk(chr(code))
        if len(token) != 1:
            return None
        _FOLD_BMP[code] = ord(token)
    out[bmp] = _FOLD_BMP[codes[bmp]]
    for i in np.flatnonzero(~bmp).tolist():
        token = _fold_cjk(chr(int(codes[i])))
        if len(token) != 1:
            return None
        out[i] = ord(token)
    return out


def normalise_reference(text: str) -> Normalised:
    """``normalise`` by the tokenising expression alone, character by character: the reference it is tested
    against."""
    tokens, starts, ends = _tokens_in(text, 0)
    return Normalised(
        tokens="".join(tokens),
        starts=np.asarray(starts, dtype=np.int32),
        ends=np.asarray(ends, dtype=np.int32),
    )


def _tokens_in(text: str, base: int) -> tuple[list[str], list[int], list[int]]:
    """Tokens of ``text`` with their offsets, counted from ``base``."""
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "cjk":
            folded = [_fold_cjk(m.group())]
        elif kind == "word":
            # NFKC can turn a "word" into several tokens ('½' -> '1⁄2', '㈠' -> '(一)'): tokenise again.
            folded = _tokens_of_plain(unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", m.group())))
        else:
            folded = list(_fold_other(m.group()))
        for token in folded:
            tokens.append(token)
            starts.append(base + start)
            ends.append(base + end)
    return tokens, starts, ends
