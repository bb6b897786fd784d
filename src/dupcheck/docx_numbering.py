"""Word's automatic numbering as Word shows it: the label (一、, （二）, 1.2, ①) of each numbered paragraph, from the
definitions in a .docx's numbering.xml and the paragraphs numbered before it.

Reports in this genre number their headings this way as often as by typing the numbers, and the outline
(``sections``) is found from the numbers: without the labels a numbered report has no sections. Its own module,
on lxml elements only, so that ``docx_text`` keeps to the document's paragraphs and runs; imported only when a
.docx is read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from lxml import etree

__all__ = ["ListCounters", "NumberingDefinitions", "chinese_number", "format_number", "read_numbering"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_LEVELS = 9  # w:ilvl 0–8
_FALSE = frozenset({"0", "false", "off"})

_CN_DIGITS = "零一二三四五六七八九"
_DIGIT_BY_DIGIT = "〇一二三四五六七八九"  # 2024 is 二〇二四, 10 is 一〇
_CN_UNITS = ("", "十", "百", "千")
_LEGAL_SIMPLIFIED_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TRADITIONAL_DIGITS = "零壹貳參肆伍陸柒捌玖"
_LEGAL_UNITS = ("", "拾", "佰", "仟")
_FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_MAX_ENCLOSED = 20  # ① … ⑳ (and ⑴, ⒈); Word writes larger numbers as plain digits
# Beyond these a damaged or hostile w:start would make a label of millions of characters (ZZZZ…, MMMM…).
_MAX_LETTERS = 26 * 10
_MAX_ROMAN = 3999


@dataclass(frozen=True)
class Level:
    """One w:lvl of a list: how its number is written and when it starts again."""

    start: int = 1
    fmt: str = "decimal"  # w:numFmt
    text: str = ""  # w:lvlText, e.g. "%1、", "（%1）", "%1.%2"
    restart: int | None = None  # w:lvlRestart: restarts after a use of a level above this 1-based one; 0 never
    suffix: str = "tab"  # w:suff: tab, space or nothing between the label and the paragraph's text
    legal: bool = False  # w:isLgl: the levels this one shows are written as decimal digits


@dataclass(frozen=True)
class _Instance:
    """One w:num: its abstract list's levels (as its w:lvlOverride changes them), and whose counters it uses."""

    levels: tuple[Level, ...]
    # Instances of one abstract list continue each other's numbers, as in Word, unless one starts again
    # (w:startOverride: Word's "restart numbering"), which gives it counters of its own.
    counters: str


@dataclass(frozen=True)
class NumberingDefinitions:
    instances: dict[str, _Instance]  # by w:numId


def read_numbering(root: etree._Element | None) -> NumberingDefinitions:
    """The lists a numbering part defines; an absent or damaged part defines none (no labels, no error)."""
    if root is None:
        return NumberingDefinitions({})
    elements = list(root.iterchildren(f"{_W}abstractNum"))
    # A list that follows a numbering style (w:numStyleLink) takes its levels from the list defining that style
    # (w:styleLink): Word writes multilevel heading lists that way.
    styled = {_val(e.find(f"{_W}styleLink")): _levels(e) for e in elements if e.find(f"{_W}styleLink") is not None}
    abstracts = {
        element.get(f"{_W}abstractNumId", ""): styled.get(_val(element.find(f"{_W}numStyleLink"))) or _levels(element)
        for element in elements
    }
    instances: dict[str, _Instance] = {}
    for num in root.iterchildren(f"{_W}num"):
        abstract_id = _val(num.find(f"{_W}abstractNumId")) or ""
        levels = list(abstracts.get(abstract_id, _default_levels()))
        restarts = False
        for override in num.iterchildren(f"{_W}lvlOverride"):
            ilvl = _level_index(override.get(f"{_W}ilvl"))
            if ilvl is None:
                continue
            replaced = override.find(f"{_W}lvl")
            if replaced is not None:
                levels[ilvl] = _level(replaced)
            start = _int(_val(override.find(f"{_W}startOverride")))
            if start is not None:
                levels[ilvl] = replace(levels[ilvl], start=start)
                restarts = True
        num_id = num.get(f"{_W}numId", "")
        counters = f"num {num_id}" if restarts else f"abstract {abstract_id}"
        instances[num_id] = _Instance(tuple(levels), counters)
    return NumberingDefinitions(instances)


class ListCounters:
    """The numbers reached so far in each list of one story (the body), and the label of the next paragraph.

    A level counts up from its w:start; using a level starts the levels below it again (unless their
    w:lvlRestart says otherwise).
    """

    def __init__(self, definitions: NumberingDefinitions) -> None:
        self._definitions = definitions
        self._counters: dict[str, list[int | None]] = {}  # None: the level starts again at its next use

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows before the next paragraph numbered (num_id, ilvl), with its suffix; "" for none."""
        instance = self._definitions.instances.get(num_id)
        if instance is None or not 0 <= ilvl < _LEVELS:
            return ""
        counters = self._counters.setdefault(instance.counters, [None] * _LEVELS)
        current = counters[ilvl]
        counters[ilvl] = instance.levels[ilvl].start if current is None else current + 1
        for lower in range(ilvl + 1, _LEVELS):
            restart = instance.levels[lower].restart
            if ilvl < (lower if restart is None else restart):
                counters[lower] = None
        return _render(instance.levels, counters, ilvl)


def _render(levels: tuple[Level, ...], counters: list[int | None], ilvl: int) -> str:
    level = levels[ilvl]
    if level.fmt == "bullet":
        # A bullet is decoration, and often a private-use glyph of a symbol font (U+F0B7 in Symbol): no text.
        return ""
    label = level.text
    for shown in range(_LEVELS):
        placeholder = f"%{shown + 1}"  # %1 is the number of level 0
        if placeholder not in label:
            continue
        value = counters[shown]
        number = levels[shown].start if value is None else value
        fmt = "decimal" if level.legal and levels[shown].fmt != "none" else levels[shown].fmt
        label = label.replace(placeholder, format_number(number, fmt))
    if not label:
        return ""
    if level.suffix == "space":
        return label + " "
    if level.suffix == "tab" and not _is_wide(label[-1]):
        # Word shows a tab as a gap up to the next tab stop: a space in a line of text. After a full-width
        # character (、 ） ．) the gap is already part of the character, and "一、理论学习" is how the reports
        # write it when typed, so nothing is added there.
        return label + " "
    return label


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


# --- number formats --------------------------------------------------------------------------------------


def chinese_number(
    n: int, digits: str = _CN_DIGITS, units: tuple[str, ...] = _CN_UNITS, *, ten_alone: bool = True
) -> str:
    """``n`` (0 ≤ n < 100,000,000) in Chinese numerals: 十一, 二十, 一百零五, 一千零一十, 三万零二百.

    ``ten_alone``: 10–19 are written 十, 十一 … (the everyday form) rather than 一十, 一十一 (壹拾 in the legal
    form, which keeps the 壹).
    """
    if not 0 <= n < 100_000_000:
        raise ValueError(f"no Chinese numeral for {n} here")
    if n == 0:
        return digits[0]
    high, low = divmod(n, 10_000)
    if not high:
        return _below_ten_thousand(low, digits, units, ten_alone=ten_alone)
    out = _below_ten_thousand(high, digits, units, ten_alone=ten_alone) + "万"
    if low:
        # 三万零二百: a zero is read where the thousands of the lower part are missing.
        out += (digits[0] if low < 1000 else "") + _below_ten_thousand(low, digits, units, ten_alone=False)
    return out


def _below_ten_thousand(n: int, digits: str, units: tuple[str, ...], *, ten_alone: bool) -> str:
    out: list[str] = []
    zero = False  # a zero between two digits is read once: 一千零一
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[digit] + units[position])
    text = "".join(out)
    if ten_alone and 10 <= n < 20:
        text = text[1:]
    return text


def _digit_by_digit(n: int) -> str:
    if n < 0:
        raise ValueError(f"no digits for {n}")
    return "".join(_DIGIT_BY_DIGIT[int(d)] for d in str(n))


def _letters(n: int, first: str) -> str:
    if not 1 <= n <= _MAX_LETTERS:
        raise ValueError(f"no letters for {n}")
    # Word's letters go A … Z, then AA … ZZ, then AAA: the letter repeated, not a base-26 number.
    return chr(ord(first) + (n - 1) % 26) * ((n - 1) // 26 + 1)


_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _roman(n: int) -> str:
    if not 1 <= n <= _MAX_ROMAN:
        raise ValueError(f"no Roman numeral for {n}")
    out = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _enclosed(first: int) -> Callable[[int], str]:
    return lambda n: chr(first + n - 1) if 1 <= n <= _MAX_ENCLOSED else str(n)


def _cycle(symbols: str) -> Callable[[int], str]:
    def write(n: int) -> str:
        if n < 1:
            raise ValueError(f"no symbol for {n}")
        return symbols[(n - 1) % len(symbols)]

    return write


def _legal(digits: str) -> Callable[[int], str]:
    return lambda n: chinese_number(n, digits, _LEGAL_UNITS, ten_alone=False)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULL_WIDTH),
    "decimalFullWidth2": lambda n: str(n).translate(_FULL_WIDTH),
    "decimalEnclosedCircle": _enclosed(0x2460),  # ①
    "decimalEnclosedCircleChinese": _enclosed(0x2460),
    "decimalEnclosedParen": _enclosed(0x2474),  # ⑴
    "decimalEnclosedFullstop": _enclosed(0x2488),  # ⒈
    "upperLetter": lambda n: _letters(n, "A"),
    "lowerLetter": lambda n: _letters(n, "a"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "japaneseCounting": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "ideographDigital": _digit_by_digit,
    "taiwaneseDigital": _digit_by_digit,
    "japaneseDigitalTenThousand": _digit_by_digit,
    "chineseLegalSimplified": _legal(_LEGAL_SIMPLIFIED_DIGITS),
    "ideographLegalTraditional": _legal(_LEGAL_TRADITIONAL_DIGITS),
    "ideographTraditional": _cycle(_HEAVENLY_STEMS),
    "ideographZodiac": _cycle(_EARTHLY_BRANCHES),
    "none": lambda n: "",
}


def format_number(n: int, fmt: str) -> str:
    """``n`` written in the w:numFmt ``fmt``; in a format not known here, or one that cannot write ``n`` (a
    letter for 0), as decimal digits, which is what Word falls back to."""
    try:
        return _FORMATS.get(fmt, str)(n)
    except ValueError:
        return str(n)


# --- numbering.xml ---------------------------------------------------------------------------------------


def _levels(abstract: etree._Element) -> tuple[Level, ...]:
    levels = list(_default_levels())
    for element in abstract.iterchildren(f"{_W}lvl"):
        ilvl = _level_index(element.get(f"{_W}ilvl"))
        if ilvl is not None:
            levels[ilvl] = _level(element)
    return tuple(levels)


def _default_levels() -> tuple[Level, ...]:
    return (Level(),) * _LEVELS


def _level(element: etree._Element) -> Level:
    start = _int(_val(element.find(f"{_W}start")))
    legal = element.find(f"{_W}isLgl")
    return Level(
        start=1 if start is None else start,
        fmt=_val(_number_format(element)) or "decimal",
        text=_val(element.find(f"{_W}lvlText")) or "",
        restart=_int(_val(element.find(f"{_W}lvlRestart"))),
        suffix=_val(element.find(f"{_W}suff")) or "tab",
        legal=legal is not None and (_val(legal) or "true").lower() not in _FALSE,
    )


def _number_format(level: etree._Element) -> etree._Element | None:
    direct = level.find(f"{_W}numFmt")
    if direct is not None:
        return direct
    # Word 2010 writes a custom format (w:numFmt w:val="custom" w:format="001, 002, 003, ...") inside an
    # mc:AlternateContent whose mc:Fallback carries the nearest standard format: that one is used.
    return next(_fallback_formats(level), None)


def _fallback_formats(level: etree._Element) -> Iterator[etree._Element]:
    for alternate in level.iterchildren(f"{_MC}AlternateContent"):
        yield from alternate.iterfind(f"{_MC}Fallback/{_W}numFmt")


def _val(element: etree._Element | None) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:  # a damaged file: as if the attribute were absent
        return None


def _level_index(value: str | None) -> int | None:
    ilvl = _int(value)
    return ilvl if ilvl is not None and 0 <= ilvl < _LEVELS else None
