"""Quotations with a citation: text a report quotes from a speech or a named document, and says so.

Reports of this genre quote the leadership's speeches and the Party's documents all the time, and every member
quotes the same sentences. Such a quotation is no copy — CNKI's reports take it out (去除引用) — so its text is
labelled ``quote``, whoever else holds it. A quotation is text between quotation marks (“…”, 「…」, 『…』 or a pair
of ``"``) within one paragraph that a citation introduces right before the opening mark:

* a citing word and a colon or comma: 指出：“…”, 强调，“…”, 讲话中指出：“…”, 他说：“…”;
* a relative clause on a citing word: 正如总书记所说的“…”, 强调的“…”;
* a document's title in 《》 and a colon: 《准则》：“…”, 《论语》中：“…”;

or a title in 《》 right after the closing mark (“……”（《…》）).

Only the marked text is a quotation: the words around it are the member's own, or copied, as anywhere else.
Quotation marks after no citation quote nothing and mark nothing: a term the notice names (通知要求“一人一表”), a
slogan, an ironic word (当了“老好人”).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from dupcheck.normalise import Normalised

# Words that introduce a quotation of a speech, a letter or a document when a colon or comma follows them.
CITING_WORDS = (
    "指出",
    "强调",
    "要求",
    "讲话",
    "提出",
    "说",
    "写道",
    "号召",
    "告诫",
    "指示",
    "批示",
    "寄语",
    "嘱托",
    "规定",
    "阐明",
    "论述",
    "重申",
    "宣告",
)
RELATIVE_CITING = ("所说的", "说过的", "指出的", "强调的")  # 正如总书记所说的“…”
LEAD_CHARS = 80  # how much before the opening mark a citation is looked for in
MAX_QUOTE_CHARS = 400  # longer than this between two marks is no quotation but a block of text wrapped in marks

_PAIRS = {"“": "”", "「": "」", "『": "』", '"': '"'}
_MARKS = re.compile('[“”「」『』"\n]')
_CUE = re.compile(
    "(?:"
    + "|".join(map(re.escape, CITING_WORDS))
    + r")\s*[：:，,]\s*$|(?:"
    + "|".join(map(re.escape, RELATIVE_CITING))
    + r")\s*$|《[^《》\n]{1,60}》(?:中|里)?\s*[：:]\s*$"
)
_TITLE_AFTER = re.compile(r"\s*[（(]?\s*《[^《》\n]{1,60}》")


@dataclass(frozen=True)
class Quote:
    """A quotation: ``text[start:end]`` is what is quoted, marks included; ``cue`` is the citation that introduces
    it (the citing word or the document's title), so a reader can see why it counts as one."""

    start: int
    end: int
    cue: str


def find_quotes(text: str) -> list[Quote]:
    """The quotations of ``text`` with a citation, in order; they never overlap."""
    out: list[Quote] = []
    # Every mark and line break found once, so that each opening costs a binary search, not a search of the rest of
    # the text (a report of 2,000,000 characters can hold 100,000 marks).
    found: dict[str, list[int]] = {mark: [] for mark in {*_PAIRS, *_PAIRS.values(), "\n"}}
    for m in _MARKS.finditer(text):
        found[m.group()].append(m.start())
    openings = sorted(at for mark in _PAIRS for at in found[mark])
    newlines = found["\n"]
    reach = 0  # the first character a quotation may start at
    for opening in openings:
        if opening < reach:
            continue
        closes = found[_PAIRS[text[opening]]]
        at = bisect_right(closes, opening)
        line_end = bisect_right(newlines, opening)
        if at == len(closes) or (line_end < len(newlines) and newlines[line_end] < closes[at]):
            continue  # a mark never closed in its paragraph quotes nothing; the text after it is read again
        end = closes[at]
        reach = end + 1
        inside = text[opening + 1 : end]
        if not inside.strip() or len(inside) > MAX_QUOTE_CHARS:
            continue
        cue = _cue_before(text, opening) or _cue_after(text, end + 1)
        if cue:
            out.append(Quote(opening, end + 1, cue))
    return out


def _cue_before(text: str, opening: int) -> str:
    m = _CUE.search(text, max(0, opening - LEAD_CHARS), opening)
    return m.group().strip(" \t：:，,") if m else ""


def _cue_after(text: str, after: int) -> str:
    m = _TITLE_AFTER.match(text, after)
    return m.group().strip(" \t（(") if m else ""


def quote_mask(normalised: Normalised, quotes: list[Quote]) -> np.ndarray:
    """Per token of ``normalised``: True where the token stands inside one of the ``quotes``."""
    mask = np.zeros(len(normalised), dtype=bool)
    if not quotes:
        return mask
    starts = np.asarray(normalised.starts)
    for q in quotes:
        mask[np.searchsorted(starts, q.start) : np.searchsorted(starts, q.end)] = True
    return mask
