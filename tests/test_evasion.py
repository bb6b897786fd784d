"""Disguised copies are still found with the default settings.

Each test builds a round of eight members: the source member holds a paragraph, the copier holds it in
disguise, the other six wrote their own (random) text. A disguise is defeated when the copier's reuse spans
cover at least 80 % of the disguised copy's characters (letters, digits and hanzi; the zero-width characters,
spaces and punctuation a disguise adds are not counted), the reuse is matched to the source member and to no
one else, and the source's own paragraph is reuse too.

The paragraphs are our own writing in the genre (对照检查材料); random hanzi have no synonyms, so the cases
that swap words, insert filler words or reorder sentences need real sentences.
"""

from __future__ import annotations

import functools
import io
import random
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import opencc
import pytest
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scan import prose, report_text, write

from dupcheck.normalise import normalise
from dupcheck.reading import read_document
from dupcheck.report import Report
from dupcheck.scan import scan

SOURCE, COPIER = "成员0", "成员1"
SOURCE_DOC, COPIER_DOC = f"{SOURCE}.txt", f"{COPIER}.txt"
MIN_COVERED = 0.8

# 理论学习: with Latin words and digits, so that full-width forms and zero-width characters inside words count.
STUDY = (
    "在理论学习方面，自己虽然能够按时参加支部组织的集中学习，但自学时间安排不够固定，常常以业务繁忙为由压缩读书时间。"
    "2024年全年撰写学习笔记仅有3万字左右，参加线上专题培训12次，其中有4次是在OA系统上挂机完成的，学习效果大打折扣。"
    "对重要讲话精神的把握停留在字面上，没有结合本部门承担的电网检修任务深入思考，遇到新情况新问题时，习惯凭老经验办事，"
    "运用科学理论分析和解决实际问题的本领还不强。下一步，要把每周五下午作为固定学习时间，制定个人学习计划并在支部群内"
    "公开，接受大家监督。"
)
# 工作作风
STYLE = (
    "在工作作风方面，深入基层调研的次数偏少，全年到班组现场只有6次，多数情况是通过电话和微信群了解情况，掌握的第一手"
    "资料不够全面。对群众反映的停电抢修响应慢、报修渠道不畅等问题，虽然安排了专人跟进，但督促检查不到位，有的问题"
    "拖了两个多月才解决。在日常管理中，有时碍于情面，对同事的违规苗头提醒不够及时，批评与自我批评的辣味不足。抓落实"
    "的韧劲也有欠缺，布置任务多、跟踪问效少，个别整改事项出现了前紧后松的现象。今后要带头落实调研制度，每季度至少"
    "四次深入一线，把问题解决在基层。"
)
# 廉洁自律: shares no passage with the two above.
INTEGRITY = (
    "在廉洁自律方面，能够严格遵守中央八项规定精神，不收受礼品礼金，不参加可能影响公正执行公务的宴请。但对家属和身边"
    "工作人员的教育提醒还不够经常，认为只要自己行得正就不会出问题，防微杜渐的意识有所松懈。在公务用车和办公用房管理上，"
    "存在标准执行不够细致的情况，去年有两次因临时任务借用车辆后未及时补办登记手续。今后要时刻绷紧纪律这根弦，主动接受"
    "组织和群众监督，以身作则带好队伍，把廉洁要求落实到八小时之外的生活圈、社交圈。"
)

# A medium disguise of STUDY: a synonym or a filler word (切实、进一步、不断 …) about every 20–30 characters.
STUDY_EDITS = [
    ("自己虽然", "本人虽然"),
    ("以业务繁忙", "以工作繁忙"),
    ("撰写学习笔记", "撰写读书笔记"),
    ("其中有4次", "其中竟有4次"),
    ("学习效果大打折扣", "学习成效大打折扣"),
    ("停留在字面上", "停留在表面上"),
    ("没有结合", "没有进一步结合"),
    ("深入思考", "深入研究"),
    ("习惯凭老经验", "习惯于凭老经验"),
    ("问题的本领", "问题的能力"),
    ("要把每周五", "要不断把每周五"),
    ("接受大家监督", "切实接受大家监督"),
]


def edited(text: str, edits: Sequence[tuple[str, str]]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def sentences(text: str) -> list[str]:
    return [s + "。" for s in text.split("。") if s]


def counts(char: str) -> bool:
    """Whether a copy is measured in this character: hanzi, letters and digits, not spaces, punctuation or
    invisible characters (the Hangul filler U+3164 is a letter to Unicode, but shows as a blank)."""
    return char.isalnum() and bool(normalise(char).tokens)


def covered(report: Report, doc: str, excerpts: Sequence[str], label: str = "reuse") -> float:
    """Share of the excerpts' counted characters inside ``doc``'s spans labelled ``label``."""
    text = report.texts[doc]
    (result,) = [d for d in report.documents if d.id == doc]
    spans = [(s.start, s.end) for s in result.spans if s.label == label]
    inside = total = 0
    for excerpt in excerpts:
        assert text.count(excerpt) == 1, f"{doc} does not hold the excerpt exactly once"
        start = text.index(excerpt)
        for i in range(start, start + len(excerpt)):
            if counts(text[i]):
                total += 1
                inside += any(s <= i < e for s, e in spans)
    return inside / total


def round_with(
    root: Path,
    original: str | Sequence[str],
    disguised: str | Sequence[str],
    *,
    copier_files: dict[str, str | bytes] | None = None,
) -> Path:
    """Eight members: SOURCE holds ``original`` (one insert per section), COPIER holds ``disguised``."""
    originals = [original] if isinstance(original, str) else list(original)
    copies = [disguised] if isinstance(disguised, str) else list(disguised)
    files: dict[str, str | bytes] = {f"成员{i}.txt": report_text(i) for i in range(2, 8)}
    files[SOURCE_DOC] = report_text(100, *originals)
    files.update(copier_files or {COPIER_DOC: report_text(101, *copies)})
    root.mkdir(parents=True)
    for name, content in files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def assert_found(
    report: Report,
    original: str | Sequence[str],
    disguised: str | Sequence[str],
    copier_doc: str = COPIER_DOC,
) -> float:
    """The disguised copy is reuse, matched to the source member only, and the source's paragraph is reuse."""
    originals = [original] if isinstance(original, str) else list(original)
    copies = [disguised] if isinstance(disguised, str) else list(disguised)
    share = covered(report, copier_doc, copies)
    assert share >= MIN_COVERED, f"only {share:.0%} of the disguised copy is reuse"
    assert covered(report, SOURCE_DOC, originals) >= MIN_COVERED
    reuse = [m for m in report.matches if m.kind == "reuse"]
    assert reuse
    assert all({m.a.doc, m.b.doc} == {copier_doc, SOURCE_DOC} for m in reuse)
    assert [(p.member_a, p.member_b) for p in report.pairs] == [(SOURCE, COPIER)]
    (copier,) = [d for d in report.documents if d.id == copier_doc]
    assert copier.top_partner == SOURCE
    return share


def found(tmp_path: Path, original: str | Sequence[str], disguised: str | Sequence[str]) -> float:
    return assert_found(scan(round_with(tmp_path / "c", original, disguised)), original, disguised)


def each_character(text: str, separators: Sequence[str]) -> str:
    """``text`` with the separators, in turn, between every two characters."""
    return "".join(c + separators[i % len(separators)] for i, c in enumerate(text[:-1])) + text[-1]


# ---------------------------------------------------------------------------------------------------------
# Characters a reader does not see


ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def test_zero_width_characters_between_every_character(tmp_path):
    """U+200B, U+200C, U+200D, U+2060 and U+FEFF between all characters, inside hanzi runs and Latin words."""
    disguised = each_character(STUDY, ZERO_WIDTH)
    assert "O\u2060A" in disguised or any(f"O{z}A" in disguised for z in ZERO_WIDTH)  # inside a Latin word too
    found(tmp_path, STUDY, disguised)


def test_other_invisible_characters_between_every_character(tmp_path):
    """Soft hyphens, the combining grapheme joiner, bidi controls, variation selectors and the Hangul filler
    (which looks like a blank but is a letter to Unicode) hide nothing either."""
    invisible = ["\u00ad", "\u034f", "\u202a", "\u202c", "\ufe0f", "\u3164", "\u2061", "\U000e0020"]
    disguised = each_character(STUDY, invisible)
    found(tmp_path, STUDY, disguised)


def test_whitespace_between_every_character(tmp_path):
    """Spaces, full-width spaces, tabs and newlines between all characters."""
    disguised = each_character(STYLE, [" ", "\u3000", "\t", "\n", "  ", "\r\n"])
    found(tmp_path, STYLE, disguised)


def test_full_width_latin_and_digits(tmp_path):
    """ＯＡ２０２４ for OA2024: NFKC folds full-width forms; a paragraph dense with Latin words and numbers."""
    original = (
        "2024年共组织专题学习12次、撰写心得体会8篇，在OA平台发布学习简报36期，PPT课件19个。"
        "对照QC小组活动要求，全年完成5项创新课题，其中3项获得公司级奖励，APP报修工单平均处理时长由48小时"
        "缩短到26小时，但Excel台账更新不及时，PDCA循环落实不到位，ISO质量体系内审发现问题7个，整改完成6个。"
    )
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in original)
    assert full_width != original and "ＯＡ" in full_width and "２０２４" in full_width
    share = found(tmp_path, original, full_width)
    assert share == 1.0


def test_look_alike_punctuation(tmp_path):
    """Chinese punctuation swapped for its ASCII look-alikes, quotes for corner brackets."""
    swaps = str.maketrans({"，": ",", "；": ";", "：": ":", "。": ".", "、": ",", "！": "!", "？": "?"})
    original = STYLE.replace("第一手资料", "“第一手”资料").replace("辣味不足", "“辣味”不足：")
    disguised = original.translate(swaps).replace("“", "「").replace("”", "」")
    assert disguised != original
    found(tmp_path, original, disguised)


def test_punctuation_removed(tmp_path):
    """Every punctuation mark dropped: one unbroken run of characters."""
    disguised = "".join(c for c in STYLE if not unicodedata.category(c).startswith("P"))
    assert len(disguised) < len(STYLE)
    found(tmp_path, STYLE, disguised)


# ---------------------------------------------------------------------------------------------------------
# Traditional characters


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_traditional_characters(tmp_path, config):
    """The copy converted to Traditional characters (OpenCC: standard, Taiwan and Hong Kong forms)."""
    disguised = opencc.OpenCC(config).convert(STUDY)
    assert len(disguised) == len(STUDY)
    assert sum(a != b for a, b in zip(STUDY, disguised, strict=True)) > 50
    share = found(tmp_path, STUDY, disguised)
    assert share == 1.0


def test_traditional_with_taiwan_phrases(tmp_path):
    """Converted with Taiwan phrases too (s2twp: 信息 → 資訊 …): phrase swaps on top of the characters."""
    original = STUDY.replace("在OA系统上", "在OA系统的信息平台上")
    disguised = opencc.OpenCC("s2twp").convert(original)
    assert "資訊" in disguised
    found(tmp_path, original, disguised)


def test_traditional_copy_of_random_text(tmp_path):
    """Random hanzi (most of them with no Traditional form) converted to Traditional."""
    original = prose(4242, 260)
    disguised = opencc.OpenCC("s2t").convert(original)
    assert disguised != original
    found(tmp_path, original, disguised)


def test_unrelated_traditional_and_simplified_texts_share_nothing(tmp_path):
    """Folding to Simplified creates no match: one member in Traditional, one in Simplified, texts unrelated."""
    s2t = opencc.OpenCC("s2t")
    files = {f"成员{i}.txt": report_text(i) for i in range(2, 8)}
    files["成员0.txt"] = report_text(100, STYLE, INTEGRITY[:100])
    files["成员1.txt"] = s2t.convert(report_text(101, INTEGRITY[100:], STUDY[:120]))
    files["成员8.txt"] = s2t.convert(report_text(102, prose(7, 300)))
    report = scan(write(tmp_path / "c", files))
    assert report.matches == [] and report.pairs == [] and report.groups == []
    assert all(d.shares.reuse == 0 for d in report.documents)


# ---------------------------------------------------------------------------------------------------------
# Words and order


def test_synonyms_and_filler_words(tmp_path):
    """A synonym swapped or a filler word (切实、进一步、不断 …) inserted about every 20 characters."""
    disguised = edited(STUDY, STUDY_EDITS)
    assert len(STUDY_EDITS) >= len(STUDY) // 30
    found(tmp_path, STUDY, disguised)


def test_sentences_reordered_within_the_paragraph(tmp_path):
    """The paragraph's five sentences in another order."""
    parts = sentences(STYLE)
    assert len(parts) == 5
    disguised = "".join(parts[i] for i in (3, 0, 4, 2, 1))
    found(tmp_path, STYLE, disguised)


def test_reordered_with_synonyms_and_fillers(tmp_path):
    """Both: the edited paragraph's sentences shuffled."""
    parts = sentences(edited(STUDY, STUDY_EDITS))
    random.Random(3).shuffle(parts)
    found(tmp_path, STUDY, "".join(parts))


def test_copy_split_across_two_sections(tmp_path):
    """The first half under 一、 and the second under 二、 of the copier's report."""
    parts = sentences(STUDY)
    half = len(parts) // 2
    first, second = "".join(parts[:half]), "".join(parts[half:])
    copier = report_text(101, first, second)
    assert copier.index(first) < copier.index("二、") < copier.index(second)
    found(tmp_path, STUDY, [first, second])


def test_every_disguise_at_once(tmp_path):
    """Synonyms, fillers, Traditional characters, full-width digits, ASCII punctuation and zero-width spaces."""
    disguised = opencc.OpenCC("s2t").convert(edited(STUDY, STUDY_EDITS))
    disguised = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in disguised)
    disguised = disguised.translate(str.maketrans({"，": ",", "。": "."}))
    disguised = each_character(disguised, ["", "", "\u200b"])
    found(tmp_path, STUDY, disguised)


# ---------------------------------------------------------------------------------------------------------
# Where a .docx keeps text


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"


def _txbx_content(text: str) -> str:
    return f'<w:txbxContent><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:txbxContent>'


def drawingml_text_box(text: str) -> str:
    """A text box as Word 2010 and later write it: DrawingML (wps) with a VML fallback holding the same text."""
    return (
        f'<w:r xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}" xmlns:mc="{MC}" xmlns:v="{V}">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5400000" cy="2000000"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="2000000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{_txbx_content(text)}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape style="width:425pt;height:157pt" type="#_x0000_t202">'
        f"<v:textbox>{_txbx_content(text)}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def vml_text_box(text: str) -> str:
    """A text box as older Word and WPS write it: VML only."""
    return (
        f'<w:r xmlns:w="{W}" xmlns:v="{V}"><w:pict><v:shape style="width:425pt;height:157pt" type="#_x0000_t202">'
        f"<v:textbox>{_txbx_content(text)}</v:textbox></v:shape></w:pict></w:r>"
    )


def docx_report(seed: int, place: Callable[[docx.document.Document], None]) -> bytes:
    """A member's report as .docx, one body paragraph per line, and ``place`` puts the copy somewhere."""
    document = docx.Document()
    for line in report_text(seed).split("\n"):
        document.add_paragraph(line)
    place(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def in_table(document) -> None:
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "问题类别"
    table.cell(0, 1).text = "具体表现"
    table.cell(1, 0).text = "理论学习"
    table.cell(1, 1).text = STUDY


def in_drawingml_text_box(document) -> None:
    document.add_paragraph()._p.append(parse_xml(drawingml_text_box(STUDY)))


def in_vml_text_box(document) -> None:
    document.add_paragraph()._p.append(parse_xml(vml_text_box(STUDY)))


def in_header(document) -> None:
    document.sections[0].header.paragraphs[0].text = STUDY


def in_footer(document) -> None:
    document.sections[0].footer.paragraphs[0].text = STUDY


@pytest.mark.parametrize(
    "place",
    [
        pytest.param(in_table, id="table"),
        pytest.param(in_drawingml_text_box, id="text-box"),
        pytest.param(in_vml_text_box, id="vml-text-box"),
        pytest.param(in_header, id="header"),
        pytest.param(in_footer, id="footer"),
    ],
)
def test_copy_placed_outside_the_body_text_of_a_docx(tmp_path, place):
    """The copied paragraph in a table cell, a text box, the header or the footer of the copier's .docx."""
    copier_doc = f"{COPIER}.docx"
    root = round_with(tmp_path / "c", STUDY, "", copier_files={copier_doc: docx_report(101, place)})
    text = read_document(root / copier_doc).text
    assert text.count(STUDY) == 1, "the reader does not read the copy (once) where the .docx keeps it"
    assert_found(scan(root), STUDY, STUDY, copier_doc=copier_doc)


def test_body_around_a_text_box_header_or_footer_is_read(tmp_path):
    """A text box, header or footer does not cost the body text around it."""
    for place in (in_drawingml_text_box, in_vml_text_box, in_header, in_footer):
        path = tmp_path / f"{place.__name__}.docx"
        path.write_bytes(docx_report(101, place))
        text = read_document(path).text
        assert normalise(report_text(101)).tokens in normalise(text).tokens


IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFD))


def test_every_ideograph_and_its_traditional_forms_give_one_token():
    """Each ideograph, converted on its own with OpenCC's s2t, s2tw and s2hk, gives the token the ideograph
    gives: the fold table in normalise.py is complete for the installed OpenCC's tables."""
    chars = [chr(c) for low, high in IDEOGRAPHS for c in range(low, high + 1)]
    text = "\n".join(chars)  # no table crosses a line: each character is converted alone
    reference = normalise(text).tokens
    assert len(reference) == len(chars)
    for config in ("s2t", "s2tw", "s2hk"):
        lines = opencc.OpenCC(config).convert(text).split("\n")
        converted = [line if len(line) == 1 else char for line, char in zip(lines, chars, strict=True)]
        assert sum(a != b for a, b in zip(chars, converted, strict=True)) > 2000
        tokens = normalise("\n".join(converted)).tokens
        differ = [(chars[i], converted[i]) for i in range(len(chars)) if tokens[i] != reference[i]]
        assert differ == [], config


# ---------------------------------------------------------------------------------------------------------
# The fold to Simplified keeps offsets exact


@functools.cache
def converter_for(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)  # loading s2t's phrase table takes 70 ms: once


# Characters of the paragraphs above, and Simplified characters with several Traditional forms.
AMBIGUOUS = "干发后里台复了着面只系制准借余"
HANZI = sorted({c for c in STUDY + STYLE + INTEGRITY + AMBIGUOUS if "\u4e00" <= c <= "\u9fff"})
NOISE = ["", "", "", "，", " ", "\u200b", "\n", "Word", "２０２４", "、"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(HANZI), st.sampled_from(NOISE)), min_size=1, max_size=80), st.data())
def test_traditional_copy_keeps_exact_offsets(pieces, data):
    """In a text converted to Traditional, every token's starts/ends slice the ORIGINAL (Traditional) text to
    the character the token came from, which normalises to that token alone; offsets are those of the
    Simplified text, and a character-by-character conversion has the Simplified text's tokens."""
    simplified = "".join(c + noise for c, noise in pieces)
    converter = converter_for(data.draw(st.sampled_from(["s2t", "s2tw", "s2hk"])))
    by_phrase = converter.convert(simplified)  # as a copier would: OpenCC picks forms by phrase
    by_character = "".join(converter.convert(c) for c in simplified)
    for traditional in (by_phrase, by_character):
        if len(traditional) != len(simplified):  # a phrase table may change the length: no copy of the same shape
            continue
        n, reference = normalise(traditional), normalise(simplified)
        assert n.starts.tolist() == reference.starts.tolist() and n.ends.tolist() == reference.ends.tolist()
        for token, start, end in zip(n.tokens, n.starts.tolist(), n.ends.tolist(), strict=True):
            source = traditional[start:end]  # the characters of the original text the token came from
            assert normalise(source).tokens == token
            if "\u4e00" <= source[0] <= "\u9fff":  # a hanzi: itself alone, Traditional as written
                assert len(source) == 1 and source == traditional[start]
    assert normalise(by_character).tokens == normalise(simplified).tokens
