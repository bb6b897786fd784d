"""Normalise text for matching, keeping a map from every matching unit back to the original text.

A report is matched as a sequence of *tokens*: one token per Chinese character, one per Latin word
(letters and digits, lower-cased). Everything else — punctuation, whitespace, zero-width and control
characters — separates tokens but is not part of them, so re-punctuating or re-spacing a copy does not
hide it. Full-width Latin and digits, compatibility ideographs and enclosed numerals are folded with
NFKC first.

Each token becomes exactly one character of ``Normalised.tokens`` (a Latin word is folded to a private-use
code point by a stable hash), so that the fast string tools — numpy over code points, rapidfuzz's
alignment — work on it directly, and token ``i`` maps back to ``text[starts[i]:ends[i]]``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Format characters people slip into words to break matching; inside a Latin word they are skipped.
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}])"
    rf"|(?P<word>[^\W_{_CJK}](?:[{_INVISIBLE}]*[^\W_{_CJK}])*)"
    rf"|(?P<other>[^\s{_INVISIBLE}])"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")

# Latin words are folded into the supplementary private-use planes (15 and 16), which real text
# never uses, so a word token cannot collide with a character token.
_PUA_A, _PUA_A_SIZE = 0xF0000, 0xFFFE
_PUA_B = 0x100000
_WORD_CODES = 2 * _PUA_A_SIZE


@dataclass(frozen=True)
class Normalised:
    """The matching form of a text: one character per token, and where each token stands in the text."""

    tokens: str
    starts: np.ndarray  # int64, offset of token i in the original text
    ends: np.ndarray  # int64, exclusive end of token i in the original text

    def __len__(self) -> int:
        return len(self.tokens)

    def codes(self) -> np.ndarray:
        """The tokens as uint32 code points, for vectorised hashing."""
        return np.frombuffer(self.tokens.encode("utf-32-le"), dtype="<u4").astype(np.uint32)

    def original_span(self, first: int, stop: int) -> tuple[int, int]:
        """Offsets in the original text covering tokens ``first .. stop-1``."""
        if not 0 <= first < stop <= len(self.tokens):
            raise ValueError(f"token range {first}:{stop} outside 0:{len(self.tokens)}")
        return int(self.starts[first]), int(self.ends[stop - 1])


def word_code(word: str) -> str:
    """The single private-use character standing for a (lower-cased, NFKC) Latin word."""
    code = zlib.crc32(word.encode("utf-8")) % _WORD_CODES
    return chr(_PUA_A + code if code < _PUA_A_SIZE else _PUA_B + code - _PUA_A_SIZE)


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
            out.append(m.group())
        elif m.lastgroup == "word":
            out.append(word_code(m.group().lower()))
    return out


def normalise(text: str) -> Normalised:
    """Tokenise ``text`` for matching; see the module docstring for what is folded and what is dropped."""
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "cjk":
            char = m.group()
            if "\uf900" <= char <= "\ufaff":
                char = unicodedata.normalize("NFKC", char)
            folded = [char]
        elif kind == "word":
            # NFKC can turn a "word" into several tokens ('½' -> '1⁄2', '㈠' -> '(一)'): tokenise again.
            folded = _tokens_of_plain(unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", m.group())))
        else:
            folded = list(_fold_other(m.group()))
        for token in folded:
            tokens.append(token)
            starts.append(start)
            ends.append(end)
    return Normalised(
        tokens="".join(tokens),
        starts=np.asarray(starts, dtype=np.int64),
        ends=np.asarray(ends, dtype=np.int64),
    )
