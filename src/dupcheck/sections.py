"""Split a report into an outline of sections so originality can be reported per section.

The genre (对照检查材料) numbers its headings by convention (一、 / （一） / 1. / （1）) rather than
with Word styles, so headings are found by pattern, line by line, with Word style and bold hints
from the reader overriding or supplementing the patterns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dupcheck.read_text import HeadingHint

__all__ = ["Section", "find_sections"]

# A longer line, or one holding a full sentence, is body text even when it starts with a list number:
# list items such as "1.理论学习：已落实。严格执行" share the heading numbering.
_MAX_HEADING_CHARS = 40
_SENTENCE_ENDS = frozenset("。；;")
_MAX_TITLE_CHARS = 60
_DEEPEST_RANK = 6

_CN_NUM = "一二三四五六七八九十"
# An entry of a table of contents: a heading's words, a tab or dot leaders, its page number at the end
# ("一、理论学习方面\t3", "（一）存在的问题……………5"). It repeats a heading and is never one itself.
_TOC_ENTRY = re.compile(r"(?:\t|[.．·…⋯‥]{2,}|…)[\s.．·…⋯‥]*\d{1,4}\Z")
_MARKDOWN = re.compile(r"(#{1,6})\s+\S")
_ATX_CLOSE = re.compile(r"(?:^|\s+)#+$")
# Order matters only for readability: the patterns are mutually exclusive on their first characters.
_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"[{_CN_NUM}]+[、．.]"), 1),
    (re.compile(rf"第[{_CN_NUM}百零〇两\d]+(?:部分|章)"), 1),
    (re.compile(rf"第[{_CN_NUM}百零〇两\d]+节"), 2),
    (re.compile(rf"[（(][{_CN_NUM}]+[）)]"), 2),
    # The digit lookahead keeps dates and decimals ("2.26重要批示", "1.5倍") out.
    (re.compile(r"\d{1,3}[.．、](?!\d)"), 3),
    (re.compile(r"[（(]\d{1,3}[）)]"), 4),
)


@dataclass(frozen=True)
class Section:
    """One heading's span of text; `text[start:end]` includes the heading line itself."""

    title: str  # heading line without surrounding whitespace or markdown marks, at most 60 chars
    level: int  # nesting depth: 1 = top level
    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class _Heading:
    start: int  # offset of the heading line's first char
    rank: int
    title: str


def _cut(title: str) -> str:
    if len(title) <= _MAX_TITLE_CHARS:
        return title
    return title[: _MAX_TITLE_CHARS - 1] + "…"


def _is_short(stripped: str) -> bool:
    if stripped[-1] in _SENTENCE_ENDS or "。" in stripped:
        return False
    return sum(1 for ch in stripped if not ch.isspace()) <= _MAX_HEADING_CHARS


def _is_toc_entry(stripped: str) -> bool:
    found = _TOC_ENTRY.search(stripped)
    # The leaders follow some words of the entry: dots and a number alone are no entry (and no heading either).
    return found is not None and found.start() > 0


def _pattern_rank(stripped: str) -> int | None:
    m = _MARKDOWN.match(stripped)
    if m:
        return len(m.group(1))
    for pattern, rank in _PATTERNS:
        if pattern.match(stripped):
            return rank
    return None


def _title(stripped: str) -> str:
    # Only markdown marks are removed; numbering such as "一、" is kept because it is how readers
    # recognise the section in a report.
    if stripped.startswith("#"):
        unmarked = stripped.lstrip("#").strip()
        # ATX headings may close with a run of '#', which is decoration, not title.
        unclosed = _ATX_CLOSE.sub("", unmarked).strip()
        return _cut(unclosed or unmarked or stripped)
    return _cut(stripped)


def _lines(text: str) -> list[tuple[int, str]]:
    """(start offset, content) per "\\n"-separated line; a trailing "\\r" stays in the content."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _hint_levels(lines: list[tuple[int, str]], text_len: int, hints: Sequence[HeadingHint]) -> dict[int, int]:
    """Line index -> hint level. A Word style beats a bold hint for the same line."""
    starts = [start for start, _ in lines]
    by_line: dict[int, int] = {}
    for hint in hints:
        # Stale or foreign hints must not break sectioning, so anything out of range is dropped.
        if not 0 <= hint.start < text_len:
            continue
        idx = bisect.bisect_right(starts, hint.start) - 1
        level = max(hint.level, 0)
        prev = by_line.get(idx)
        if prev is None or (prev == 0 and level > 0):
            by_line[idx] = level
    return by_line


def _find_headings(text: str, hints: Sequence[HeadingHint]) -> list[_Heading]:
    lines = _lines(text)
    hinted = _hint_levels(lines, len(text), hints)
    headings: list[_Heading] = []
    seen_explicit_top = False
    for idx, (start, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped or _is_toc_entry(stripped):
            continue
        hint_level = hinted.get(idx)
        rank: int | None
        if hint_level is None:
            rank = _pattern_rank(stripped) if _is_short(stripped) else None
            if rank is None:
                continue
        elif hint_level > 0:
            rank = min(hint_level, _DEEPEST_RANK)
        else:
            # Bold carries no depth of its own: a bold "一、" keeps its numbering rank, and an
            # unnumbered bold line is top level only until the document shows real top-level headings.
            rank = _pattern_rank(stripped)
            if rank is None:
                headings.append(_Heading(start, 2 if seen_explicit_top else 1, _title(stripped)))
                continue
        if rank == 1:
            seen_explicit_top = True
        headings.append(_Heading(start, rank, _title(stripped)))
    return headings


def _first_line_title(chunk: str) -> str:
    for line in chunk.split("\n"):
        if line.strip():
            return _cut(line.strip())
    return ""


def find_sections(text: str, hints: Sequence[HeadingHint] = ()) -> list[Section]:
    """Outline of `text` in document order (a parent before its children).

    Level-1 sections tile the whole text; each heading closes every open section of the same or a
    deeper rank, so `level` is the nesting depth rather than the numbering style.
    """
    if not text.strip():
        return []
    headings = _find_headings(text, hints)
    if not headings:
        return [Section(_first_line_title(text), 1, 0, len(text))]

    # Built as mutable [title, level, start, end] because ends are only known when a later heading
    # closes the section.
    rows: list[list] = []
    first = headings[0].start
    if first > 0:
        if text[:first].strip():
            rows.append([_first_line_title(text[:first]), 1, 0, first])
        else:
            # Leading blank lines have no previous section to join, so the first heading takes them
            # and the level-1 sections still tile the text from offset 0.
            first = 0

    stack: list[tuple[int, int]] = []  # (rank, row index) of open sections
    for i, heading in enumerate(headings):
        start = first if i == 0 else heading.start
        while stack and stack[-1][0] >= heading.rank:
            rows[stack.pop()[1]][3] = start
        rows.append([heading.title, len(stack) + 1, start, -1])
        stack.append((heading.rank, len(rows) - 1))
    for _, row in stack:
        rows[row][3] = len(text)

    return [Section(title, level, start, end) for title, level, start, end in rows]
