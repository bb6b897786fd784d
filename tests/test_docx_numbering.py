"""Tests for dupcheck.docx_numbering: number formats, and the labels of numbered paragraphs in sequence."""

from __future__ import annotations

import pytest
from docx.oxml import parse_xml

from dupcheck.docx_numbering import ListCounters, chinese_number, format_number, read_numbering

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'

# 1–99 as a Chinese reader counts, row by row of tens (written out by hand, not computed).
CHINESE_ROWS = (
    "一 二 三 四 五 六 七 八 九",
    "十 十一 十二 十三 十四 十五 十六 十七 十八 十九",
    "二十 二十一 二十二 二十三 二十四 二十五 二十六 二十七 二十八 二十九",
    "三十 三十一 三十二 三十三 三十四 三十五 三十六 三十七 三十八 三十九",
    "四十 四十一 四十二 四十三 四十四 四十五 四十六 四十七 四十八 四十九",
    "五十 五十一 五十二 五十三 五十四 五十五 五十六 五十七 五十八 五十九",
    "六十 六十一 六十二 六十三 六十四 六十五 六十六 六十七 六十八 六十九",
    "七十 七十一 七十二 七十三 七十四 七十五 七十六 七十七 七十八 七十九",
    "八十 八十一 八十二 八十三 八十四 八十五 八十六 八十七 八十八 八十九",
    "九十 九十一 九十二 九十三 九十四 九十五 九十六 九十七 九十八 九十九",
)
CHINESE_1_TO_99 = [numeral for row in CHINESE_ROWS for numeral in row.split()]


def test_chinese_numbers_1_to_99_match_the_reference_table() -> None:
    assert len(CHINESE_1_TO_99) == 99
    assert [chinese_number(n) for n in range(1, 100)] == CHINESE_1_TO_99


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (999, "九百九十九"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (2024, "二千零二十四"),
        (10_000, "一万"),
        (30_200, "三万零二百"),
        (100_000, "十万"),
        (10_010, "一万零一十"),
    ],
)
def test_chinese_numbers_beyond_99(n: int, expected: str) -> None:
    assert chinese_number(n) == expected


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (3, "chineseCounting", "三"),
        (12, "chineseCountingThousand", "十二"),
        (12, "chineseLegalSimplified", "壹拾贰"),
        (20, "ideographLegalTraditional", "貳拾"),
        (3, "ideographTraditional", "丙"),
        (11, "ideographTraditional", "甲"),  # the ten stems start again
        (2, "ideographZodiac", "丑"),
        (10, "ideographDigital", "一〇"),
        (7, "decimal", "7"),
        (7, "decimalZero", "07"),
        (12, "decimalFullWidth", "１２"),
        (3, "decimalEnclosedCircle", "③"),
        (20, "decimalEnclosedCircle", "⑳"),
        (21, "decimalEnclosedCircle", "21"),
        (2, "decimalEnclosedParen", "⑵"),
        (2, "decimalEnclosedFullstop", "⒉"),
        (3, "upperLetter", "C"),
        (28, "lowerLetter", "bb"),  # Word repeats the letter after z
        (14, "upperRoman", "XIV"),
        (1994, "lowerRoman", "mcmxciv"),
        (5, "none", ""),
        (5, "aFormatWordMayAddOneDay", "5"),
        (0, "upperLetter", "0"),  # no letter for zero
        (10**12, "upperRoman", str(10**12)),  # a hostile w:start makes no label of millions of M
        (10**12, "chineseCounting", str(10**12)),
    ],
)
def test_number_formats(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def lvl(ilvl: int, fmt: str, text: str, *extra: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{"".join(extra)}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def counters(*abstract_levels: str, nums: str) -> ListCounters:
    """Counters for abstract lists 0, 1 … (each given as its w:lvl elements) and the w:num elements ``nums``."""
    abstracts = "".join(
        f'<w:abstractNum w:abstractNumId="{i}">{levels}</w:abstractNum>' for i, levels in enumerate(abstract_levels)
    )
    return ListCounters(read_numbering(parse_xml(f"<w:numbering {W_NS} {MC_NS}>{abstracts}{nums}</w:numbering>")))


def num(num_id: int, abstract: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{overrides}</w:num>'


OUTLINE = (
    lvl(0, "chineseCounting", "%1、")
    + lvl(1, "chineseCounting", "（%2）")
    + lvl(2, "decimal", "%3.")
    + lvl(3, "decimal", "%1.%2.%4", '<w:isLgl w:val="1"/>')
)


def labels(list_counters: ListCounters, uses: list[tuple[str, int]]) -> list[str]:
    return [list_counters.label(num_id, ilvl) for num_id, ilvl in uses]


def test_levels_count_up_and_lower_levels_start_again() -> None:
    c = counters(OUTLINE, nums=num(1, 0))
    uses = [("1", 0), ("1", 1), ("1", 1), ("1", 2), ("1", 2), ("1", 1), ("1", 2), ("1", 0), ("1", 1), ("1", 3)]
    assert labels(c, uses) == ["一、", "（一）", "（二）", "1. ", "2. ", "（三）", "1. ", "二、", "（一）", "2.1.1 "]


def test_suffix_tab_is_a_space_after_a_narrow_label_nothing_after_a_wide_one_and_as_set_otherwise() -> None:
    levels = (
        lvl(0, "decimal", "%1.")  # tab, the default
        + lvl(1, "chineseCounting", "%2、")  # tab after a full-width character
        + lvl(2, "decimal", "%3)", '<w:suff w:val="nothing"/>')
        + lvl(3, "chineseCounting", "%4、", '<w:suff w:val="space"/>')
    )
    c = counters(levels, nums=num(1, 0))
    assert labels(c, [("1", 0), ("1", 1), ("1", 2), ("1", 3)]) == ["1. ", "一、", "1)", "一、 "]


def test_bullets_and_unknown_lists_have_no_label() -> None:
    c = counters(lvl(0, "bullet", "\uf0b7"), nums=num(1, 0))
    assert labels(c, [("1", 0), ("9", 0), ("1", 9), ("1", -1)]) == ["", "", "", ""]


def test_start_values_and_lists_sharing_an_abstract_list_continue_each_other() -> None:
    c = counters(lvl(0, "chineseCounting", "%1、", start=3), nums=num(1, 0) + num(2, 0))
    assert labels(c, [("1", 0), ("2", 0), ("1", 0)]) == ["三、", "四、", "五、"]


def test_start_override_starts_a_list_of_its_own() -> None:
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    c = counters(lvl(0, "decimal", "%1、"), nums=num(1, 0) + num(2, 0, override))
    assert labels(c, [("1", 0), ("1", 0), ("2", 0), ("2", 0), ("1", 0)]) == ["1、", "2、", "1、", "2、", "3、"]


def test_start_override_of_a_lower_level_holds_after_a_higher_level_starts_it_again() -> None:
    override = '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride>'
    c = counters(OUTLINE, nums=num(1, 0, override))
    assert labels(c, [("1", 0), ("1", 1), ("1", 1), ("1", 0), ("1", 1)]) == [
        "一、",
        "（五）",
        "（六）",
        "二、",
        "（五）",
    ]


def test_level_override_replaces_the_level() -> None:
    override = f'<w:lvlOverride w:ilvl="0">{lvl(0, "upperRoman", "%1.")}</w:lvlOverride>'
    c = counters(lvl(0, "decimal", "%1、"), nums=num(1, 0, override))
    assert labels(c, [("1", 0), ("1", 0)]) == ["I. ", "II. "]


def test_lvl_restart() -> None:
    # Level 3 restarts only after level 1 is used (w:lvlRestart 1), not after level 2; level 2 never (0).
    levels = (
        lvl(0, "chineseCounting", "%1、")
        + lvl(1, "chineseCounting", "（%2）", '<w:lvlRestart w:val="0"/>')
        + lvl(2, "decimal", "%3、", '<w:lvlRestart w:val="1"/>')
    )
    c = counters(levels, nums=num(1, 0))
    uses = [("1", 0), ("1", 1), ("1", 2), ("1", 1), ("1", 2), ("1", 0), ("1", 1), ("1", 2)]
    assert labels(c, uses) == ["一、", "（一）", "1、", "（二）", "2、", "二、", "（三）", "1、"]


def test_numbering_style_link_takes_the_linked_lists_levels() -> None:
    linked = '<w:styleLink w:val="报告编号"/>' + lvl(0, "chineseCounting", "%1、")
    follower = '<w:numStyleLink w:val="报告编号"/>'
    c = counters(linked, follower, nums=num(1, 1))
    assert labels(c, [("1", 0), ("1", 0)]) == ["一、", "二、"]


def test_custom_format_falls_back_to_the_standard_one_word_gives() -> None:
    alternate = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><mc:AlternateContent><mc:Choice Requires="w14">'
        '<w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>'
        '<mc:Fallback><w:numFmt w:val="decimalZero"/></mc:Fallback></mc:AlternateContent>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
    )
    assert labels(counters(alternate, nums=num(1, 0)), [("1", 0)]) == ["01、"]


def test_damaged_numbers_are_read_as_absent() -> None:
    levels = '<w:lvl w:ilvl="x"/><w:lvl w:ilvl="0"><w:start w:val="many"/><w:lvlText w:val="%1、"/></w:lvl>'
    assert labels(counters(levels, nums=num(1, 0)), [("1", 0)]) == ["1、"]
    assert labels(ListCounters(read_numbering(None)), [("1", 0)]) == [""]
