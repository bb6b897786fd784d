"""Untrusted text (file names, document text, the text of an error) made harmless where a person looks at it:
on a terminal, and in a spreadsheet cell.

A terminal obeys what it is sent: ESC and CSI sequences retitle the window, clear the screen or recolour
what follows, a carriage return or backspaces overwrite a name with another, a bidi override shows a name
backwards. ``terminal_safe`` writes every character a terminal would not show as itself as an escape
(``\\x1b``, ``\\u202e``), so a reviewer sees what the file holds. A spreadsheet runs a cell that starts like a
formula; ``safe_cell`` puts a ``'`` before such a cell, and ``unquoted_cell`` takes it off again when a CSV we
wrote comes back corrected.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Categories a terminal does not show as a glyph of their own: controls (C0, DEL, C1), format characters (bidi
# overrides and isolates, zero-width characters, soft hyphen), line and paragraph separators, surrogates
# (a lone one cannot even be encoded), private-use and unassigned code points.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def hidden(char: str) -> bool:
    """Whether a terminal would not show ``char`` as itself (it acts on it, or shows nothing)."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def terminal_safe(text: str, *, keep: str = "") -> str:
    """``text`` as a terminal shows it faithfully: each hidden character written as its Python escape, except
    those in ``keep`` (``"\\n\\t"`` for a whole text whose lines should stay lines).

    Printable text is returned unchanged: Chinese, full-width punctuation, ordinary and full-width spaces.
    Backslashes stay as they are: they separate Windows paths, and doubling them would make every such name
    harder to read than the rare one with a literal ``\\x1b`` in it."""
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(repr(c)[1:-1] if hidden(c) and c not in keep else c for c in text)


# What Excel and WPS start a formula with; full-width forms too, as some locales' input methods type them.
_FORMULA_START = frozenset("=+-@＝＋－＠")
# Skipped before the first character when a spreadsheet decides: whitespace (space, tab, CR, LF, NBSP,
# U+3000 …) and zero-width characters, which paste along with copied text unseen.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# A cell that starts with one of these is neutralised whatever follows: a tab or line break at the start can
# shift or split what an importer sees as the cell.
_UNSAFE_FIRST = frozenset("\t\r\n")


def _runs_as_formula(text: str) -> bool:
    if text[:1] in _UNSAFE_FIRST:
        return True
    first = next((c for c in text if not (c.isspace() or c in _INVISIBLE)), "")
    return first in _FORMULA_START


def _needs_quote(text: str) -> bool:
    # Apostrophes already in front are looked through, so that a cell that starts with "'=" is quoted once more
    # and ``unquoted_cell`` gives back exactly what was written.
    return _runs_as_formula(text.lstrip("'"))


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula: a string whose first visible
    character starts a formula gets a leading ``'``. Numbers are returned as they are (a negative share stays a
    number), and so is any other value.

    Only a cell's start matters: Excel and WPS evaluate a cell from its first character, and the csv module
    quotes a cell with a line break, so a later line that starts with ``=`` is text inside the same cell."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unquoted_cell(cell: str) -> str:
    """A cell as written before ``safe_cell``: the ``'`` it added taken off, any other cell as it is."""
    return cell[1:] if cell.startswith("'") and _needs_quote(cell[1:]) else cell
