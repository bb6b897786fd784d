"""Tests for dupcheck.untrusted: what a terminal would obey is shown escaped, what a spreadsheet would run is
quoted, and everything else is left exactly as it is."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.untrusted import safe_cell, terminal_safe, unquoted_cell

# Each kind of character a terminal acts on, in a name, and how it must be shown.
SEQUENCES = {
    "osc-title": ("\x1b]0;标题\x07", "\\x1b]0;标题\\x07"),
    "clear-screen": ("\x1b[2J", "\\x1b[2J"),
    "csi-colour": ("\x1b[31m", "\\x1b[31m"),
    "c1-csi": ("\x9b2J", "\\x9b2J"),
    "carriage-return": ("\r", "\\r"),
    "backspaces": ("\x08\x08", "\\x08\\x08"),
    "bidi-override": ("\u202e", "\\u202e"),
    "bidi-isolate": ("\u2066", "\\u2066"),
    "line-separator": ("\u2028", "\\u2028"),
    "paragraph-separator": ("\u2029", "\\u2029"),
    "delete": ("\x7f", "\\x7f"),
    "nul": ("\x00", "\\x00"),
    "newline-in-a-name": ("\n", "\\n"),
    "zero-width-space": ("\u200b", "\\u200b"),
    "lone-surrogate": ("\udcff", "\\udcff"),
}


@pytest.mark.parametrize(("raw", "shown"), SEQUENCES.values(), ids=SEQUENCES.keys())
def test_terminal_safe_writes_each_control_as_its_escape(raw: str, shown: str) -> None:
    assert terminal_safe(f"张三{raw}-对照检查材料.txt") == f"张三{shown}-对照检查材料.txt"


REAL_LOOKING = [
    "办公室/3-12025年度组织生活会个人发言张伟.txt",
    "运维检修部/李晓梅（副主任）：２０２４年度　述职报告.docx",  # full-width colon, digits and space
    "市场部/王芳·发言材料【修改稿】v2.txt",
    "综合办公室/赵 磊 2025年度对照检查材料.txt",
    "C:\\Users\\张三\\Desktop\\材料.docx",  # backslashes are a Windows path's, not escapes
    "名\xa0字 — 《报告》、“引号”？！",
]


@pytest.mark.parametrize("name", REAL_LOOKING)
def test_terminal_safe_leaves_chinese_names_and_spaces_as_they_are(name: str) -> None:
    assert terminal_safe(name) == name


def test_terminal_safe_keeps_what_it_is_told_to() -> None:
    """A whole text keeps its lines and tabs, and still shows the rest escaped."""
    text = "第一行\t甲\n\x1b[2J第二行\r\n"
    assert terminal_safe(text, keep="\n\t") == "第一行\t甲\n\\x1b[2J第二行\\r\n"
    assert terminal_safe(text) == "第一行\\t甲\\n\\x1b[2J第二行\\r\\n"


def _obeyed(char: str) -> bool:
    """C0 and C1 controls, DEL, bidi controls, line and paragraph separators, surrogates: written out here,
    independently of the module's own rule."""
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x200E, 0x200F, 0x061C, 0x2028, 0x2029)
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or 0xD800 <= code <= 0xDFFF
        or unicodedata.category(char) in ("Cc", "Cf")
    )


SHOWN = st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


@given(st.text())
def test_terminal_safe_leaves_nothing_a_terminal_would_obey(text: str) -> None:
    shown = terminal_safe(text)
    assert not [c for c in shown if _obeyed(c)]
    shown.encode("utf-8")  # printable: no lone surrogate left to fail the terminal's encoding
    if "\\" not in text:  # the escapes read back as what was there
        assert shown.encode("latin-1", "backslashreplace").decode("unicode_escape") == text


@given(st.text(alphabet=SHOWN))
def test_terminal_safe_leaves_printable_text_unchanged(text: str) -> None:
    assert terminal_safe(text) == text


# --- safe_cell ------------------------------------------------------------------------------------------

FORMULA_CELLS = [
    "=1+1",
    "+x",
    "-x",
    "@x",
    "\tx",
    "\rx",
    "\nx",
    '=HYPERLINK("http://x")',
    " =1+1",  # Excel and WPS drop the leading whitespace, then run the rest
    "\t=1+1",
    "\r\n=1+1",
    "\u3000=1+1",
    "\xa0=1+1",
    "\u200b=1+1",  # pasted along unseen
    "＝SUM(A1:A9)",  # full-width signs start a formula in some locales
    "＋1",
    "－1",
    "＠x",
    "　＝1",
    "'=1+1",  # already quoted by hand: quoted once more, so that reading it back gives this very cell
]


@pytest.mark.parametrize("value", FORMULA_CELLS)
def test_safe_cell_neutralises_formula_starts(value: str) -> None:
    """A string whose first visible character starts a formula gets a leading apostrophe and is otherwise kept."""
    assert safe_cell(value) == "'" + value
    assert unquoted_cell(safe_cell(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        "张三",
        "",
        "一、存在的问题",
        "70%",
        "a=b",
        " 张三",
        "'张三",
        "一行\n=1+1",  # a later line is text inside the same cell: only a cell's start is evaluated
        "２０２４－２０２５年度",
        5,
        0.5,
        -3,
        -0.25,
        None,
    ],
)
def test_safe_cell_leaves_other_values_untouched(value: Any) -> None:
    """Ordinary text, numbers (negative ones too: our shares stay numbers) and None are returned as they are."""
    assert safe_cell(value) is value


FORMULA_CHARS = "=+-@＝＋－＠"
TRICKY = st.text(
    alphabet=st.sampled_from([*FORMULA_CHARS, " ", "\t", "\r", "\n", "\u3000", "\xa0", "\u200b", "'", "张", "a"])
)


def excel_sees(cell: str) -> str:
    """What a spreadsheet decides on: the cell with leading whitespace and zero-width characters dropped."""
    return re.sub(r"^[\s\u200b\ufeff]+", "", cell)


@given(st.one_of(TRICKY, st.text()))
def test_no_safe_cell_starts_a_formula_and_every_one_reads_back(text: str) -> None:
    cell = safe_cell(text)
    assert cell[:1] not in ("\t", "\r", "\n")
    assert not excel_sees(cell).startswith(tuple(FORMULA_CHARS))
    assert unquoted_cell(cell) == text
    assert cell in (text, "'" + text)


@given(st.text(alphabet=st.characters(blacklist_characters=FORMULA_CHARS + "'")))
def test_safe_cell_leaves_text_without_formula_signs_unchanged(text: str) -> None:
    if text[:1] not in ("\t", "\r", "\n"):
        assert safe_cell(text) == text
