from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.read_text import HeadingHint
from dupcheck.sections import Section, find_sections

REPORT = "\n".join(
    [
        "关于2023年度专题组织生活会个人对照检查材料",
        "",
        "根据支部统一安排，本人认真对照检查，深入查摆问题，现将有关情况报告如下。",
        "",
        "一、上年度整改落实情况",
        "（一）理论学习方面",
        "1.理论学习：已落实。严格根据年度学习计划执行，坚持每周参加集中学习，全年撰写心得体会十二篇。",
        "2.作风建设",
        "本人坚持厉行节约，严格遵守各项纪律规定。",
        "（二）工作落实方面",
        "本人能够按时完成上级交办的各项任务。",
        "二、存在的问题",
        "一是理论学习不够深入。满足于读原文、记笔记，学用结合不紧。",
        "二是担当作为不够。面对难题有畏难情绪。",
        "三、整改措施",
        "（一）加强理论武装",
        "持续深入学习党的创新理论，做到学思用贯通。",
        "",
    ]
)


def _line_at(text: str, start: int) -> str:
    return text[start:].split("\n", 1)[0].rstrip("\r")


def _hint(text: str, line: str, level: int) -> HeadingHint:
    start = text.index(line)
    return HeadingHint(start=start, end=start + len(line), level=level)


def _outline(sections: list[Section]) -> list[tuple[str, int]]:
    return [(s.title, s.level) for s in sections]


def test_realistic_report_outline() -> None:
    sections = find_sections(REPORT)
    assert _outline(sections) == [
        ("关于2023年度专题组织生活会个人对照检查材料", 1),
        ("一、上年度整改落实情况", 1),
        ("（一）理论学习方面", 2),
        ("2.作风建设", 3),
        ("（二）工作落实方面", 2),
        ("二、存在的问题", 1),
        ("三、整改措施", 1),
        ("（一）加强理论武装", 2),
    ]


def test_realistic_report_offsets() -> None:
    sections = find_sections(REPORT)
    at = REPORT.index
    expected = [
        (0, at("一、上年度")),
        (at("一、上年度"), at("二、存在")),
        (at("（一）理论"), at("（二）工作")),
        (at("2.作风"), at("（二）工作")),
        (at("（二）工作"), at("二、存在")),
        (at("二、存在"), at("三、整改")),
        (at("三、整改"), len(REPORT)),
        (at("（一）加强"), len(REPORT)),
    ]
    assert [(s.start, s.end) for s in sections] == expected
    for s in sections[1:]:
        assert _line_at(REPORT, s.start) == s.title


def test_sub_points_and_long_list_items_stay_in_their_section() -> None:
    sections = find_sections(REPORT)
    titles = [s.title for s in sections]
    assert not any(t.startswith(("一是", "二是", "1.理论")) for t in titles)
    problems = next(s for s in sections if s.title == "二、存在的问题")
    assert "一是理论学习不够深入" in REPORT[problems.start : problems.end]
    assert "二是担当作为不够" in REPORT[problems.start : problems.end]


def test_long_numbered_line_is_not_a_heading() -> None:
    text = (
        "一、整改落实情况\n"
        "1.理论学习：已落实。严格根据年度学习计划执行，坚持每周参加集中学习，做到学有所获、学有所用。\n"
        "2.纪律作风：已落实\n"
    )
    assert _outline(find_sections(text)) == [("一、整改落实情况", 1), ("2.纪律作风：已落实", 2)]


@pytest.mark.parametrize(
    "line",
    ["2.26重要批示精神学习不够", "1.5倍于去年", "3、4月份开展调研", "一、加强学习。", "（1）认真学习；"],
)
def test_lines_that_look_numbered_but_are_not_headings(line: str) -> None:
    text = f"一、学习情况\n{line}\n正文内容。"
    assert _outline(find_sections(text)) == [("一、学习情况", 1)]


def test_all_four_numbering_ranks_with_half_and_full_width_forms() -> None:
    text = "一、A\n（一）B\n1.C\n（1）D\n(2)E\n2、F\n(二)G\n3．H\n二．I\n十一、J"
    assert _outline(find_sections(text)) == [
        ("一、A", 1),
        ("（一）B", 2),
        ("1.C", 3),
        ("（1）D", 4),
        ("(2)E", 4),
        ("2、F", 3),
        ("(二)G", 2),
        ("3．H", 3),
        ("二．I", 1),
        ("十一、J", 1),
    ]


def test_level_is_depth_not_numbering_style() -> None:
    text = "一、问题\n1.学习\n正文\n2.作风\n正文\n二、措施\n1.加强"
    assert _outline(find_sections(text)) == [
        ("一、问题", 1),
        ("1.学习", 2),
        ("2.作风", 2),
        ("二、措施", 1),
        ("1.加强", 2),
    ]


def test_part_chapter_and_section_headings() -> None:
    text = "第一部分 总体情况\n第一节 学习\n正文\n第二节 工作\n正文\n第二章 问题\n正文"
    assert _outline(find_sections(text)) == [
        ("第一部分 总体情况", 1),
        ("第一节 学习", 2),
        ("第二节 工作", 2),
        ("第二章 问题", 1),
    ]


def test_markdown_headings() -> None:
    text = "# 总体情况\n正文\n## 学习方面\n正文\n### 细节 ###\n#话题不是标题\n#### 更细\n# 问题\n正文\n"
    sections = find_sections(text)
    assert _outline(sections) == [
        ("总体情况", 1),
        ("学习方面", 2),
        ("细节", 3),
        ("更细", 4),
        ("问题", 1),
    ]
    assert [s.start for s in sections] == [
        0,
        text.index("## 学习"),
        text.index("### 细节"),
        text.index("#### 更细"),
        text.index("# 问题"),
    ]
    assert sections[-1].end == len(text)


def test_word_hints_make_unnumbered_lines_headings() -> None:
    text = "对照检查材料\n存在的问题\n理论学习不够深入。\n具体表现\n学用脱节。\n整改措施\n加强学习。"
    assert _outline(find_sections(text)) == [("对照检查材料", 1)]
    hints = [_hint(text, "存在的问题", 1), _hint(text, "具体表现", 2), _hint(text, "整改措施", 1)]
    sections = find_sections(text, hints)
    assert _outline(sections) == [
        ("对照检查材料", 1),
        ("存在的问题", 1),
        ("具体表现", 2),
        ("整改措施", 1),
    ]
    assert sections[1].start == text.index("存在的问题")
    assert sections[1].end == text.index("整改措施")
    assert sections[2].end == text.index("整改措施")


def test_word_hint_overrides_pattern_and_length_rules() -> None:
    long_heading = "关于进一步加强党员干部理论武装和作风建设、切实提升履职尽责能力水平的若干思考与体会。"
    text = f"一、总体情况\n正文\n（一）学习方面\n正文\n{long_heading}\n正文"
    hints = [_hint(text, "（一）学习方面", 1), _hint(text, long_heading, 2)]
    sections = find_sections(text, hints)
    assert [s.level for s in sections] == [1, 1, 2]
    assert sections[1].title == "（一）学习方面"
    assert sections[2].start == text.index(long_heading)
    assert len(sections[2].title) <= 60


def test_deep_word_heading_levels_are_capped() -> None:
    text = "甲\n乙\n丙\n丁"
    hints = [_hint(text, "甲", 1), _hint(text, "乙", 9), _hint(text, "丙", 6), _hint(text, "丁", 7)]
    # Heading 9 and Heading 6 share rank 6, so they are siblings rather than parent and child.
    assert _outline(find_sections(text, hints)) == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 2)]


def test_bold_hint_is_top_level_until_an_explicit_top_heading_appears() -> None:
    text = "学习体会\n正文。\n思想认识\n正文。\n一、存在问题\n正文。\n具体表现\n正文。\n二、整改措施\n正文。"
    hints = [_hint(text, "思想认识", 0), _hint(text, "具体表现", 0)]
    assert _outline(find_sections(text, hints)) == [
        ("学习体会", 1),
        ("思想认识", 1),
        ("一、存在问题", 1),
        ("具体表现", 2),
        ("二、整改措施", 1),
    ]


def test_bold_hint_counts_word_heading_1_as_explicit() -> None:
    text = "总体情况\n正文。\n具体表现\n正文。"
    hints = [_hint(text, "总体情况", 1), _hint(text, "具体表现", 0)]
    assert _outline(find_sections(text, hints)) == [("总体情况", 1), ("具体表现", 2)]


def test_bold_numbered_headings_keep_their_numbering_rank() -> None:
    # Whole documents are often bolded headings without styles; a bold "二、" must not nest under "一、".
    text = "一、问题\n正文。\n（一）学习\n正文。\n二、措施\n正文。"
    hints = [_hint(text, line, 0) for line in ("一、问题", "（一）学习", "二、措施")]
    assert _outline(find_sections(text, hints)) == [("一、问题", 1), ("（一）学习", 2), ("二、措施", 1)]


def test_out_of_range_and_blank_line_hints_are_ignored() -> None:
    text = "正文第一段。\n\n正文第二段。"
    hints = [
        HeadingHint(start=-3, end=0, level=1),
        HeadingHint(start=len(text) + 5, end=len(text) + 9, level=1),
        HeadingHint(start=text.index("\n\n") + 1, end=text.index("\n\n") + 1, level=1),
    ]
    assert find_sections(text, hints) == [Section("正文第一段。", 1, 0, len(text))]


def test_no_headings_gives_one_section() -> None:
    text = "\n\n　　本人认真学习，积极工作。\n继续努力。\n"
    assert find_sections(text) == [Section("本人认真学习，积极工作。", 1, 0, len(text))]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\r\n\t　\n"])
def test_blank_text_has_no_sections(text: str) -> None:
    assert find_sections(text) == []


def test_leading_and_trailing_blank_lines_are_absorbed() -> None:
    text = "\n\n一、问题\n正文\n二、措施\n正文\n\n\n"
    sections = find_sections(text)
    assert _outline(sections) == [("一、问题", 1), ("二、措施", 1)]
    assert sections[0].start == 0
    assert sections[-1].end == len(text)


def test_long_preamble_title_is_cut() -> None:
    first = "本" * 80
    sections = find_sections(f"{first}\n一、问题")
    assert sections[0].title == "本" * 59 + "…"
    assert len(sections[0].title) == 60


def test_crlf_text_matches_lf_outline() -> None:
    crlf = REPORT.replace("\n", "\r\n")
    sections = find_sections(crlf)
    assert _outline(sections) == _outline(find_sections(REPORT))
    assert all("\r" not in s.title for s in sections)
    assert sections[-1].end == len(crlf)
    for s in sections[1:]:
        assert _line_at(crlf, s.start) == s.title
    assert sections[1].end == crlf.index("二、存在")


def test_crlf_text_with_hints() -> None:
    text = "对照检查材料\r\n存在的问题\r\n正文。\r\n整改措施\r\n正文。\r\n"
    hints = [_hint(text, "存在的问题", 1), _hint(text, "整改措施", 1)]
    sections = find_sections(text, hints)
    assert _outline(sections) == [("对照检查材料", 1), ("存在的问题", 1), ("整改措施", 1)]
    assert sections[1].end == text.index("整改措施")


# ---- properties ---------------------------------------------------------------------------------


def _check_invariants(text: str, sections: list[Section]) -> None:
    if not text.strip():
        assert sections == []
        return
    assert sections
    for s in sections:
        assert 0 <= s.start < s.end <= len(text)
        assert s.level >= 1
        assert 0 < len(s.title) <= 60
        assert s.title == s.title.strip()
        assert "\n" not in s.title

    top = [s for s in sections if s.level == 1]
    assert top[0].start == 0
    assert top[-1].end == len(text)
    for a, b in itertools.pairwise(top):
        assert a.end == b.start

    assert sections[0].level == 1
    open_parents: list[Section] = []
    last_child: dict[int, Section] = {}  # id(parent) -> previous child, to check sibling order
    for prev, s in itertools.pairwise(sections):
        assert s.start > prev.start  # document order
    for s in sections:
        del open_parents[s.level - 1 :]
        assert len(open_parents) == s.level - 1, "a level may only deepen by one"
        if open_parents:
            parent = open_parents[-1]
            assert parent.start < s.start and s.end <= parent.end
            sibling = last_child.get(id(parent))
            if sibling is not None:
                assert sibling.end <= s.start
            last_child[id(parent)] = s
        open_parents.append(s)


_HINT_LEVELS = st.integers(min_value=-1, max_value=9)


@settings(max_examples=300)
@given(st.text(), st.data())
def test_property_arbitrary_text(text: str, data: st.DataObject) -> None:
    hints = data.draw(
        st.lists(
            st.builds(
                HeadingHint,
                start=st.integers(-2, len(text) + 2),
                end=st.integers(-2, len(text) + 2),
                level=_HINT_LEVELS,
            ),
            max_size=5,
        )
    )
    _check_invariants(text, find_sections(text))
    _check_invariants(text, find_sections(text, hints))


_PREFIXES = st.sampled_from(
    [
        "一、",
        "十二、",
        "二．",
        "（一）",
        "(三)",
        "1.",
        "2、",
        "3．",
        "2.26",
        "（1）",
        "(2)",
        "# ",
        "## ",
        "### ",
        "#### ",
        "第一部分",
        "第二章",
        "第三节",
        "一是",
        "",
        "　　",
    ]
)
_BODY_CHARS = "学习工作问题整改措施理论作风担当ab1 ：，。；;…#（）()、"
# Mostly short bodies so that deep outlines occur; long ones exercise the length rule.
_BODY = st.one_of(st.text(alphabet=_BODY_CHARS, max_size=12), st.text(alphabet=_BODY_CHARS, max_size=60))
_LINE = st.one_of(st.builds(lambda p, b: p + b, _PREFIXES, _BODY), st.sampled_from(["", " ", "　"]))


@settings(max_examples=300)
@given(st.lists(_LINE, max_size=25), st.sampled_from(["\n", "\r\n"]), st.data())
def test_property_heading_like_lines(lines: list[str], sep: str, data: st.DataObject) -> None:
    text = sep.join(lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + len(sep))
    hinted = data.draw(st.lists(st.integers(0, max(len(lines) - 1, 0)), max_size=6)) if lines else []
    hints = [HeadingHint(start=starts[i], end=starts[i] + len(lines[i]), level=data.draw(_HINT_LEVELS)) for i in hinted]
    for sections in (find_sections(text), find_sections(text, hints)):
        _check_invariants(text, sections)
        for s in sections[1:]:
            # Every section after the first opens on a heading line (the first may own leading blanks).
            assert s.start == 0 or text[s.start - 1] == "\n"
            assert text[s.start : s.end].strip()


def test_short_numbered_line_holding_a_sentence_is_not_a_heading():
    """'1.理论学习：已落实。严格执行' is a list item: a heading holds no full stop."""
    text = "一、整改情况\n1.理论学习：已落实。严格执行\n正文。\n"
    assert [s.title for s in find_sections(text)] == ["一、整改情况"]


TOC_REPORT = "\n".join(
    [
        "个人对照检查材料",
        "目录",
        "一、理论学习方面\t1",
        "（一）存在的问题\t\t2",
        "1.学用脱节……………………3",
        "（二）原因剖析....4",
        "二、作风建设方面 ⋯⋯⋯ 12",
        "一、理论学习方面",
        "本人学习不够系统。",
        "（一）存在的问题",
        "工作中有畏难情绪。",
        "二、作风建设方面",
        "调查研究不深入。",
    ]
)


def test_table_of_contents_entries_are_not_headings() -> None:
    """Heading-shaped lines ending in a tab or dot leaders and a page number repeat the headings of a table of
    contents: they stay in the text before the first real heading."""
    assert _outline(find_sections(TOC_REPORT)) == [
        ("个人对照检查材料", 1),
        ("一、理论学习方面", 1),
        ("（一）存在的问题", 2),
        ("二、作风建设方面", 1),
    ]


def test_a_bold_or_styled_table_of_contents_entry_is_not_a_heading() -> None:
    text = "一、理论学习方面\t1\n二、作风建设方面……2\n一、理论学习方面\n正文。"
    hints = [_hint(text, "一、理论学习方面\t1", 0), _hint(text, "二、作风建设方面……2", 1)]
    assert _outline(find_sections(text, hints)) == [("一、理论学习方面\t1", 1), ("一、理论学习方面", 1)]


@pytest.mark.parametrize(
    "line", ["一、2024年工作回顾", "（一）学习…实践", "1.整改……到位", "二、第3季度", "三、……", "（二）\t说明"]
)
def test_headings_with_numbers_or_leaders_inside_are_still_headings(line: str) -> None:
    assert [s.title for s in find_sections(f"前言\n{line}\n正文。")] == ["前言", line]
