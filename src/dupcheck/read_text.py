"""What reading a file gives: its text exactly as read, the headings its format marks, and what its format hid
from a reader or dressed up (integrity flags).

Its own module so that the readers (``reading``, ``docx_text``) and the outline (``sections``) share these types
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class HeadingHint:
    """A paragraph the source format marks as a heading.

    That is a Word heading style, or a short all-bold paragraph.
    """

    start: int  # offset of the paragraph's first character in ReadText.text
    end: int  # offset just past its last character (exclusive, newline not included)
    level: int  # Word 'Heading N' / '标题 N' -> N; a short all-bold paragraph with no heading style -> 0


@dataclass(frozen=True)
class IntegrityFlags:
    """What a file holds that its reader does not see as the text reads, counted; every count 0 is a clean file.

    Hidden text is left out of the text; white and tiny text are kept (they are in the document, and a copy in
    them is still a copy) but counted, as are the invisible and look-alike characters normalisation ignores.
    """

    hidden: int = 0  # characters of hidden text (Word's w:vanish) left out of the text
    white: int = 0  # characters in white (w:color FFFFFF), kept
    tiny: int = 0  # characters under 2 pt (w:sz below 4 half-points), kept
    interleaved: int = 0  # invisible and look-alike characters, when too many to be chance (normalise.interleaving)
    placeholders: int = 0  # content controls still showing their placeholder text (w:showingPlcHdr)

    def counts(self) -> dict[str, int]:
        """The flags that are raised, by name, in the order above."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def notes(self) -> tuple[str, ...]:
        """Each raised flag in words, e.g. 'hidden text removed: 7,442 characters'."""
        return tuple(flag_note(name, count) for name, count in self.counts().items())


FLAG_NOTES = {
    "hidden": "hidden text removed: {n} characters",
    "white": "white text (kept): {n} characters",
    "tiny": "text under 2 pt (kept): {n} characters",
    "interleaved": "invisible or look-alike characters among the text: {n}",
    "placeholders": "content controls still showing placeholder text: {n}",
}


def flag_note(name: str, count: int) -> str:
    return FLAG_NOTES[name].format(n=f"{count:,}")


@dataclass(frozen=True)
class ReadText:
    text: str  # the text exactly as read: offsets everywhere in dupcheck index into this
    encoding: str  # e.g. "utf-8", "utf-8-sig", "gb18030", "utf-16", "docx", "pdf", "doc" (converted)
    hints: tuple[HeadingHint, ...] = ()
    replaced: int = 0  # undecodable bytes of a plain-text file replaced with U+FFFD (a few corrupt bytes)
    # What the format hid from a reader or dressed up (Word's hidden, white and tiny text, placeholders).
    flags: IntegrityFlags = field(default_factory=IntegrityFlags)
