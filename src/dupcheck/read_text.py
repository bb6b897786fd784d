"""What reading a file gives: its text exactly as read, and the headings its format marks.

Its own module so that the readers (``reading``, ``docx_text``) and the outline (``sections``) share these types
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HeadingHint:
    """A paragraph the source format marks as a heading.

    That is a Word heading style, or a short all-bold paragraph.
    """

    start: int  # offset of the paragraph's first character in ReadText.text
    end: int  # offset just past its last character (exclusive, newline not included)
    level: int  # Word 'Heading N' / '标题 N' -> N; a short all-bold paragraph with no heading style -> 0


@dataclass(frozen=True)
class ReadText:
    text: str  # the text exactly as read: offsets everywhere in dupcheck index into this
    encoding: str  # e.g. "utf-8", "utf-8-sig", "gb18030", "utf-16", "docx", "pdf", "doc" (converted)
    hints: tuple[HeadingHint, ...] = ()
    replaced: int = 0  # undecodable bytes of a plain-text file replaced with U+FFFD (a few corrupt bytes)
