"""Tests for dupcheck.reading: text decoding, .docx extraction, heading hints and read errors."""

from __future__ import annotations

import codecs
import copy
import itertools
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dupcheck.errors import ReadError
from dupcheck.read_text import HeadingHint, ReadText
from dupcheck.reading import SUPPORTED_SUFFIXES, decode_text, read_document

BINARY = "not a text file (binary content)"
EMPTY = "empty file"
PROTECTED = "password-protected or legacy Word file: save it as .docx without a password"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

CHINESE_PARAGRAPH = (
    "一、学习贯彻情况\n"
    "本人认真学习党的二十大精神，对照检查材料如下：在理论学习上还不够深入，"
    "存在“学用脱节”的问题；今后要进一步加强学习，提高政治站位（2024年）。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_error(path: Path, **kwargs: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path, **kwargs)
    return info.value


def hint_texts(result: ReadText) -> list[tuple[str, int]]:
    return [(result.text[hint.start : hint.end], hint.level) for hint in result.hints]


# --- plain text ---------------------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert frozenset({".txt", ".md", ".docx", ".doc", ".wps", ".pdf"}) == SUPPORTED_SUFFIXES


def test_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", CHINESE_PARAGRAPH.encode("utf-8"))
    assert read_document(path) == ReadText(CHINESE_PARAGRAPH, "utf-8")


def test_markdown_is_plain_text(tmp_path: Path) -> None:
    text = "# 对照检查材料\n\n- 第一条\n"
    result = read_document(write(tmp_path, "report.md", text.encode("utf-8")))
    assert (result.text, result.encoding, result.hints) == (text, "utf-8", ())


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", codecs.BOM_UTF8 + CHINESE_PARAGRAPH.encode("utf-8"))
    result = read_document(path)
    assert result.text == CHINESE_PARAGRAPH
    assert result.encoding == "utf-8-sig"


def test_gb18030_paragraph(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", CHINESE_PARAGRAPH.encode("gb18030"))
    assert read_document(path) == ReadText(CHINESE_PARAGRAPH, "gb18030")


def test_gbk_with_gbk_only_character(tmp_path: Path) -> None:
    text = "学习朱镕基同志的讲话精神，查找自身差距。"  # 镕 is in GBK but not in GB2312
    path = write(tmp_path, "report.txt", text.encode("gbk"))
    assert read_document(path) == ReadText(text, "gb18030")


@pytest.mark.parametrize("text", ["对照检查材料", "你好，世界。", "一、存在问题"])
def test_short_gb_text_is_not_mistaken_for_big5(text: str) -> None:
    # charset-normalizer alone guesses Big5 for these.
    assert decode_text(text.encode("gb18030"), "x.txt") == (text, "gb18030")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("繁體中文測試報告，這是一段文字。", "big5"),
        ("これは日本語のテキストです。", "shift_jis"),
        ("Les élèves étaient très contents de leur journée.", "latin-1"),
    ],
)
def test_non_gb_bytes_are_not_claimed_as_gb18030(text: str, codec: str) -> None:
    _, encoding = decode_text(text.encode(codec), "x.txt")
    assert encoding != "gb18030"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_bom(tmp_path: Path, bom: bytes) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path = write(tmp_path, "report.txt", bom + CHINESE_PARAGRAPH.encode(codec))
    assert read_document(path) == ReadText(CHINESE_PARAGRAPH, "utf-16")


def test_crlf_and_lone_cr_are_kept(tmp_path: Path) -> None:
    text = "第一段\r\n第二段\r\n\r\n第三段\r末尾"
    for codec in ("utf-8", "gb18030"):
        path = write(tmp_path, f"{codec}.txt", text.encode(codec))
        assert read_document(path).text == text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n",
        "\u3000\u3000\n".encode(),
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"),
    ],
    ids=["empty", "ascii-whitespace", "ideographic-space", "bom-only", "utf16-whitespace"],
)
def test_empty_or_blank_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "report.txt", data)
    assert read_error(path).reason == EMPTY


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(256)) * 4,
        "正文".encode() + b"\x00" + "正文".encode(),
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50,  # valid UTF-8, but nothing a person wrote
    ],
    ids=["png", "all-bytes", "nul-in-utf8", "control-characters"],
)
def test_binary_with_txt_suffix(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "report.txt", data)
    error = read_error(path)
    assert error.reason == BINARY
    assert str(error) == f"{path}: {BINARY}"


def test_occasional_control_character_is_tolerated(tmp_path: Path) -> None:
    text = "正文内容。" * 30 + "\x1a"  # DOS end-of-file marker
    assert read_document(write(tmp_path, "old.txt", text.encode("gb18030"))).text == text


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
@pytest.mark.parametrize(("bad", "read"), [(9, True), (10, True), (11, False), (60, False)])
def test_corrupt_bytes_are_replaced_up_to_one_in_a_thousand_characters(
    tmp_path: Path, codec: str, bad: int, read: bool
) -> None:
    """10,000 characters with ``bad`` stray bytes among them, in UTF-8 or GB18030: up to 10 (one in a thousand)
    are a damaged copy, read with each replaced by U+FFFD; 11, or 60 (still fewer than one in a hundred), are
    more likely another encoding than damage, and the file is refused rather than reported on partly replaced."""
    text = (CHINESE_PARAGRAPH * (10_000 // len(CHINESE_PARAGRAPH) + 1))[:10_000]
    cuts = [0, *(n * len(text) // (bad + 1) for n in range(1, bad + 1)), len(text)]
    pieces = [text[start:end] for start, end in itertools.pairwise(cuts)]
    path = write(tmp_path, "report.txt", b"\xff".join(piece.encode(codec) for piece in pieces))
    if read:
        assert read_document(path) == ReadText("\ufffd".join(pieces), codec, replaced=bad)
    else:
        assert read_error(path).reason == "mixed or unknown text encoding: save it as UTF-8"


def test_decode_text_names_the_given_path() -> None:
    with pytest.raises(ReadError) as info:
        decode_text(b"\x00\x01", "<stdin>")
    assert str(info.value) == f"<stdin>: {BINARY}"


# --- errors independent of the format -------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.xlsx", "报告.pptx", "README"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"%PDF-1.7")
    reason = read_error(path).reason
    suffix = Path(name).suffix
    kind = f"'{suffix}'" if suffix else "without an extension"
    assert reason == f"unsupported file type {kind} (dupcheck reads .docx, .doc, .wps, .pdf, .txt, .md)"


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "REPORT.TXT", "正文".encode())
    assert read_document(path).text == "正文"


def test_missing_file(tmp_path: Path) -> None:
    error = read_error(tmp_path / "没有这个文件.txt")
    assert error.reason == "cannot read file (No such file or directory)"


def test_directory_with_txt_name(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert read_error(tmp_path / "folder.txt").reason.startswith("cannot read file (")


def test_display_path_is_used_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", b"")
    error = read_error(path, display_path="members/张三.txt")
    assert (error.path, str(error)) == ("members/张三.txt", "members/张三.txt: empty file")


def test_reason_strings_are_one_line_lower_case_without_period(tmp_path: Path) -> None:
    cases = [
        write(tmp_path, "a.txt", b""),
        write(tmp_path, "b.txt", b"\x00"),
        write(tmp_path, "c.pdf", b""),
        write(tmp_path, "d.docx", OLE_MAGIC + bytes(100)),
        write(tmp_path, "e.docx", b"not a zip"),
        tmp_path / "missing.md",
    ]
    for path in cases:
        reason = read_error(path).reason
        assert "\n" not in reason
        assert reason[0].islower()
        assert not reason.endswith(".")


# --- .docx --------------------------------------------------------------------------------------------


def build_report_docx(path: Path) -> Path:
    doc = docx.Document()
    doc.add_heading("对照检查材料", level=0)  # Title style: not a heading hint
    doc.add_heading("一、学习贯彻情况", level=1)
    doc.add_paragraph("本人认真学习，对照检查如下。")
    doc.add_paragraph()
    doc.add_heading("（一）理论学习", level=2)
    bold = doc.add_paragraph()
    bold.add_run("存在的主要问题").bold = True
    bold.add_run("  ")  # a plain space run does not stop the line from counting as all bold
    long_bold = doc.add_paragraph()
    long_bold.add_run("这是一个很长的加粗段落，" * 5).bold = True
    mixed = doc.add_paragraph()
    mixed.add_run("部分加粗").bold = True
    mixed.add_run("部分不加粗")

    table = doc.add_table(rows=3, cols=3)
    merged_across = table.cell(0, 0).merge(table.cell(0, 2))
    merged_across.text = "表头合并"
    merged_down = table.cell(1, 0).merge(table.cell(2, 0))
    merged_down.text = "纵向合并"
    for row, col in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        table.cell(row, col).text = f"格{row}{col}"

    doc.add_paragraph("结尾段落。")
    doc.save(path)
    return path


EXPECTED_REPORT_TEXT = "\n".join(
    [
        "对照检查材料",
        "一、学习贯彻情况",
        "本人认真学习，对照检查如下。",
        "",
        "（一）理论学习",
        "存在的主要问题  ",
        "这是一个很长的加粗段落，" * 5,
        "部分加粗部分不加粗",
        "表头合并",
        "纵向合并",
        "格11",
        "格12",
        "格21",
        "格22",
        "结尾段落。",
    ]
)


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    return build_report_docx(tmp_path / "张三-对照检查材料.docx")


def test_docx_text_in_document_order_with_cells_once(report_docx: Path) -> None:
    result = read_document(report_docx)
    assert result.encoding == "docx"
    assert result.text == EXPECTED_REPORT_TEXT
    assert result.text.count("表头合并") == 1
    assert result.text.count("纵向合并") == 1


def test_docx_heading_hints(report_docx: Path) -> None:
    result = read_document(report_docx)
    assert hint_texts(result) == [
        ("一、学习贯彻情况", 1),
        ("（一）理论学习", 2),
        ("存在的主要问题  ", 0),
    ]
    for hint in result.hints:
        assert isinstance(hint, HeadingHint)
        assert hint.start == 0 or result.text[hint.start - 1] == "\n"
        assert hint.end == len(result.text) or result.text[hint.end] == "\n"


def test_docx_is_deterministic(report_docx: Path) -> None:
    assert read_document(report_docx) == read_document(report_docx)


def test_chinese_heading_style_names_and_inherited_heading(tmp_path: Path) -> None:
    doc = docx.Document()
    chinese = doc.styles.add_style("标题 3", WD_STYLE_TYPE.PARAGRAPH)
    derived = doc.styles.add_style("我的章标题", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = doc.styles["Heading 1"]
    doc.add_paragraph("三级标题", style=chinese)
    doc.add_paragraph("派生标题", style=derived)
    doc.add_paragraph("正文")
    result = read_document(doc_path(doc, tmp_path))
    assert hint_texts(result) == [("三级标题", 3), ("派生标题", 1)]


def test_bold_through_paragraph_or_character_style(tmp_path: Path) -> None:
    doc = docx.Document()
    bold_paragraph_style = doc.styles.add_style("小标题", WD_STYLE_TYPE.PARAGRAPH)
    bold_paragraph_style.font.bold = True
    bold_character_style = doc.styles.add_style("强调", WD_STYLE_TYPE.CHARACTER)
    bold_character_style.font.bold = True
    doc.add_paragraph("样式加粗", style=bold_paragraph_style)
    doc.add_paragraph().add_run("字符样式加粗", style=bold_character_style)
    not_bold = doc.add_paragraph(style=bold_paragraph_style)
    not_bold.add_run("显式取消加粗").bold = False
    result = read_document(doc_path(doc, tmp_path))
    assert hint_texts(result) == [("样式加粗", 0), ("字符样式加粗", 0)]


def test_bold_limit_is_forty_characters(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph().add_run("字" * 40).bold = True
    doc.add_paragraph().add_run("字" * 41).bold = True
    result = read_document(doc_path(doc, tmp_path))
    assert hint_texts(result) == [("字" * 40, 0)]


def test_docx_tracked_changes_and_content_controls(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("开头")
    body = doc.element.body
    for xml in (
        f"<w:sdt {W_NS}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/>"
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>目录\t1</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>",
        f"<w:sdt {W_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的正文</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        f"<w:p {W_NS}><w:r><w:t>保留</w:t></w:r><w:ins w:id='1' w:author='a'><w:r><w:t>插入</w:t>"
        "</w:r></w:ins><w:del w:id='2' w:author='a'><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink></w:p>",
    ):
        body.sectPr.addprevious(parse_xml(xml))
    assert read_document(doc_path(doc, tmp_path)).text == "开头\n控件里的正文\n保留插入链接"


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph()
    doc.add_paragraph("   ")
    assert read_error(doc_path(doc, tmp_path)).reason == EMPTY


def test_zero_byte_docx_is_empty(tmp_path: Path) -> None:
    assert read_error(write(tmp_path, "空.docx", b"")).reason == EMPTY


def test_truncated_docx(tmp_path: Path, report_docx: Path) -> None:
    data = report_docx.read_bytes()
    path = write(tmp_path, "半截.docx", data[: len(data) // 2])
    assert read_error(path).reason == "not a valid .docx (truncated or corrupt zip archive)"


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert read_error(path).reason == "not a valid .docx (no word/document.xml)"


def test_text_file_named_docx(tmp_path: Path) -> None:
    path = write(tmp_path, "report.docx", CHINESE_PARAGRAPH.encode("utf-8"))
    assert read_error(path).reason == "not a valid .docx (not a zip archive)"


def test_docx_with_broken_xml(tmp_path: Path, report_docx: Path) -> None:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(report_docx) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document" if item.filename == "word/document.xml" else data)
    assert read_error(path).reason == "not a valid .docx (malformed XML)"


def test_ole_file_named_docx(tmp_path: Path) -> None:
    path = write(tmp_path, "加密.docx", OLE_MAGIC + bytes(504))
    assert read_error(path).reason == PROTECTED


def test_chinese_file_names(tmp_path: Path, report_docx: Path) -> None:
    assert report_docx.name == "张三-对照检查材料.docx"
    assert read_document(report_docx).text == EXPECTED_REPORT_TEXT
    text_path = write(tmp_path, "李四-对照检查材料.txt", CHINESE_PARAGRAPH.encode("gb18030"))
    assert read_document(text_path).text == CHINESE_PARAGRAPH
    bad = write(tmp_path, "王五-对照检查材料.docx", b"garbage")
    assert str(read_error(bad)) == f"{bad}: not a valid .docx (not a zip archive)"


def doc_path(doc: DocxDocument, tmp_path: Path) -> Path:
    path = tmp_path / "built.docx"
    doc.save(path)
    return path


# --- .docx: text boxes, headers, footers and notes -------------------------------------------------------

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}
ALL_NS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())


def run_xml(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def box_content(*paragraphs: str) -> str:
    """A w:txbxContent of paragraphs, each given as the XML inside its w:p."""
    return "<w:txbxContent>" + "".join(f"<w:p>{inner}</w:p>" for inner in paragraphs) + "</w:txbxContent>"


def wps_shape(content: str) -> str:
    return f"<wps:wsp><wps:cNvSpPr txBox='1'/><wps:spPr/><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp>"


def drawing(shape: str) -> str:
    return (
        "<w:drawing><wp:anchor><wp:extent cx='1' cy='1'/><wp:docPr id='1' name='文本框'/><a:graphic>"
        f"<a:graphicData uri='{NS['wps']}'>{shape}</a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )


def vml(content: str) -> str:
    return f"<w:pict><v:shape type='#_x0000_t202'><v:textbox>{content}</v:textbox></v:shape></w:pict>"


def drawingml_box(content: str) -> str:
    """A run holding a text box as Word 2010 and later write it: DrawingML, with a VML fallback repeating it."""
    return (
        f"<w:r {ALL_NS}><mc:AlternateContent><mc:Choice Requires='wps'>{drawing(wps_shape(content))}</mc:Choice>"
        f"<mc:Fallback>{vml(content)}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def grouped_box(content: str) -> str:
    """A text box in a group of shapes (wpg:wgp), with a VML fallback."""
    group = f"<wpg:wgp><wpg:cNvGrpSpPr/><wpg:grpSpPr/>{wps_shape(content)}</wpg:wgp>"
    return (
        f"<w:r {ALL_NS}><mc:AlternateContent><mc:Choice Requires='wpg'>"
        f"{drawing(group).replace(NS['wps'], NS['wpg'], 1)}</mc:Choice>"
        f"<mc:Fallback>{vml(content)}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def bare_drawing_box(content: str) -> str:
    """A DrawingML text box without mc:AlternateContent."""
    return f"<w:r {ALL_NS}>{drawing(wps_shape(content))}</w:r>"


def vml_box(content: str) -> str:
    """A text box as older Word and WPS write it: VML only."""
    return f"<w:r {ALL_NS}>{vml(content)}</w:r>"


def anchored(doc: DocxDocument, before: str, box_run: str, after: str) -> None:
    """A paragraph reading ``before`` + ``after`` with the text box run between the two."""
    paragraph = doc.add_paragraph(before)
    paragraph._p.append(parse_xml(box_run))
    paragraph.add_run(after)


@pytest.mark.parametrize("make_box", [drawingml_box, grouped_box, bare_drawing_box, vml_box])
def test_docx_text_box_read_once_after_its_paragraph(tmp_path: Path, make_box) -> None:
    doc = docx.Document()
    doc.add_paragraph("第一段")
    anchored(doc, "锚定段前", make_box(box_content(run_xml("框里") + run_xml("第一行"), run_xml("框里第二行"))), "后")
    doc.add_paragraph("第三段")
    text = read_document(doc_path(doc, tmp_path)).text
    assert text == "第一段\n锚定段前后\n框里第一行\n框里第二行\n第三段"


def test_docx_nested_text_boxes_tables_and_deleted_boxes(tmp_path: Path) -> None:
    """A text box inside a text box follows its paragraph, a text box in a table cell follows the cell's
    paragraph, and a deleted text box (tracked change) is not read."""
    inner = vml_box(box_content(run_xml("内框")))
    outer = drawingml_box(box_content(run_xml("外框甲") + inner, run_xml("外框乙")))
    doc = docx.Document()
    anchored(doc, "锚定", outer, "")
    deleted = doc.add_paragraph("保留")
    deleted._p.append(parse_xml(f"<w:del {ALL_NS} w:id='1' w:author='a'>{drawingml_box(box_content('删掉'))}</w:del>"))
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).paragraphs[0]._p.append(parse_xml(vml_box(box_content(run_xml("格中框")))))
    table.cell(0, 1).text = "右格"
    doc.add_paragraph("结尾")
    text = read_document(doc_path(doc, tmp_path)).text
    assert text == "锚定\n外框甲\n内框\n外框乙\n保留\n\n格中框\n右格\n结尾"


def test_docx_text_box_heading_hints_stay_on_their_lines(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_heading("一、学习情况", level=1)
    anchored(doc, "正文", drawingml_box(box_content(run_xml("框内说明"))), "")
    doc.add_heading("二、存在问题", level=1)
    result = read_document(doc_path(doc, tmp_path))
    assert result.text == "一、学习情况\n正文\n框内说明\n二、存在问题"
    assert hint_texts(result) == [("一、学习情况", 1), ("二、存在问题", 1)]


def test_docx_headers_and_footers_after_the_body(tmp_path: Path) -> None:
    """Every kind of header and footer is read after the body, headers first; a blank line in them is not."""
    doc = docx.Document()
    doc.add_paragraph("正文")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "页眉"
    section.header.add_paragraph("   ")
    section.header.add_table(rows=1, cols=1, width=section.page_width).cell(0, 0).text = "页眉表格"
    section.first_page_header.paragraphs[0].text = "首页页眉"
    section.footer.paragraphs[0].text = "页脚"
    section.footer.paragraphs[0]._p.append(parse_xml(vml_box(box_content(run_xml("页脚文本框")))))
    section.even_page_footer.paragraphs[0].text = "偶数页页脚"
    text = read_document(doc_path(doc, tmp_path)).text
    assert text == "正文\n页眉\n页眉表格\n首页页眉\n页脚\n页脚文本框\n偶数页页脚"


def test_docx_blank_header_adds_nothing(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("正文")
    doc.sections[0].header.is_linked_to_previous = False  # a header of one empty paragraph, as Word leaves it
    assert read_document(doc_path(doc, tmp_path)).text == "正文"


def test_docx_header_shared_by_two_sections_is_read_once(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("第一节")
    doc.sections[0].header.paragraphs[0].text = "共用页眉"
    doc.add_section()
    doc.add_paragraph("第二节")
    # The second section names the first one's header part itself (not linked to previous).
    reference = doc.sections[0]._sectPr.find(qn("w:headerReference"))
    doc.sections[1]._sectPr.insert(0, copy.deepcopy(reference))
    assert not doc.sections[1].header.is_linked_to_previous
    assert doc.sections[1].header.part is doc.sections[0].header.part
    text = read_document(doc_path(doc, tmp_path)).text
    assert text == "第一节\n\n第二节\n共用页眉"  # add_section ends a section with an empty paragraph


def test_docx_header_linked_to_previous_is_not_repeated(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("第一节")
    doc.sections[0].header.paragraphs[0].text = "第一节页眉"
    doc.sections[0].footer.paragraphs[0].text = "页脚"
    doc.add_section()
    doc.add_paragraph("第二节")  # header and footer linked to the first section's
    doc.add_section()
    doc.add_paragraph("第三节")
    doc.sections[2].header.is_linked_to_previous = False
    doc.sections[2].header.paragraphs[0].text = "第三节页眉"
    assert doc.sections[1].header.is_linked_to_previous and doc.sections[2].footer.is_linked_to_previous
    text = read_document(doc_path(doc, tmp_path)).text
    assert text == "第一节\n\n第二节\n\n第三节\n第一节页眉\n页脚\n第三节页眉"


def test_docx_header_lines_leave_body_hints_unchanged(tmp_path: Path, report_docx: Path) -> None:
    """Heading-styled and bold lines in a header or footer add no hint and move none."""
    plain = read_document(report_docx)
    doc = docx.Document(str(report_docx))
    header = doc.sections[0].header
    header.paragraphs[0].text = "一、页眉里的标题"
    header.paragraphs[0].style = doc.styles["Heading 1"]
    header.add_paragraph().add_run("加粗页眉").bold = True
    doc.sections[0].footer.paragraphs[0].text = "第1页"
    result = read_document(doc_path(doc, tmp_path))
    assert result.text == plain.text + "\n一、页眉里的标题\n加粗页眉\n第1页"
    assert result.hints == plain.hints
    assert hint_texts(result) == hint_texts(plain)


def notes_xml(kind: str, notes: list[tuple[str | None, str]]) -> bytes:
    """A footnotes or endnotes part: (w:type or None, text) per note, ids from -1."""
    body = "".join(
        f"<w:{kind} w:id='{i - 1}'" + (f" w:type='{note_type}'" if note_type else "") + ">"
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>"
        for i, (note_type, text) in enumerate(notes)
    )
    return f"<w:{kind}s {W_NS}>{body}</w:{kind}s>".encode()


def add_notes(doc: DocxDocument, kind: str, blob: bytes) -> None:
    """Add word/footnotes.xml or word/endnotes.xml (python-docx has no API for them)."""
    content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, blob, doc.part.package)
    doc.part.relate_to(part, reltype)


def test_docx_footnotes_and_endnotes_after_headers_and_footers(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("正文")
    doc.sections[0].header.paragraphs[0].text = "页眉"
    doc.sections[0].footer.paragraphs[0].text = "页脚"
    separators = [("separator", "分隔"), ("continuationSeparator", "续分隔"), ("continuationNotice", "续注")]
    add_notes(doc, "footnote", notes_xml("footnote", [*separators, (None, "脚注一"), ("normal", "脚注二")]))
    add_notes(doc, "endnote", notes_xml("endnote", [*separators, (None, "尾注")]))
    result = read_document(doc_path(doc, tmp_path))
    assert result.text == "正文\n页眉\n页脚\n脚注一\n脚注二\n尾注"


def test_docx_malformed_footnotes(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("正文")
    add_notes(doc, "footnote", b"<w:footnotes")
    assert read_error(doc_path(doc, tmp_path)).reason == "not a valid .docx (malformed XML)"


# --- .docx: automatic numbering -------------------------------------------------------------------------

REPORT_LIST = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
    '<w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>'
    "</w:lvl></w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
)


def with_lists(doc: DocxDocument, definitions: str = REPORT_LIST) -> DocxDocument:
    """Replace the template's list definitions with ``definitions`` (w:abstractNum and w:num elements)."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(f"<w:numbering {W_NS}>{definitions}</w:numbering>"):
        numbering.append(child)
    return doc


def numbered(doc: DocxDocument, text: str, num_id: int | None, ilvl: int | None = 0, style: str | None = None):
    """A plain paragraph numbered by Word (w:numPr on the paragraph; no w:numId: the style's list)."""
    paragraph = doc.add_paragraph(text, style=style)
    parts = ("" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>') + (
        "" if num_id is None else f'<w:numId w:val="{num_id}"/>'
    )
    paragraph._p.get_or_add_pPr().append(parse_xml(f"<w:numPr {W_NS}>{parts}</w:numPr>"))
    return paragraph


def test_docx_numbered_paragraphs_are_read_with_their_labels(tmp_path: Path) -> None:
    doc = with_lists(docx.Document())
    doc.add_paragraph("对照检查材料")
    numbered(doc, "理论学习方面", 1)
    numbered(doc, "存在的问题", 1, 1)
    numbered(doc, "学用结合不紧", 1, 2)
    numbered(doc, "", 1, 2)  # counted, but shows no number of its own
    numbered(doc, "调查研究不深", 1, 2)
    numbered(doc, "整改措施", 1, 1)
    numbered(doc, "列表项", 2)  # a bullet adds nothing
    numbered(doc, "作风建设方面", 1)
    numbered(doc, "未编号", 0)  # w:numId 0 switches numbering off
    numbered(doc, "原因剖析", 1, 1)
    text = read_document(doc_path(doc, tmp_path)).text
    assert text.splitlines() == [
        "对照检查材料",
        "一、理论学习方面",
        "（一）存在的问题",
        "1. 学用结合不紧",
        "",
        "3. 调查研究不深",
        "（二）整改措施",
        "列表项",
        "二、作风建设方面",
        "未编号",
        "（一）原因剖析",
    ]


def test_docx_numbering_through_the_paragraph_style_and_its_base(tmp_path: Path) -> None:
    doc = with_lists(docx.Document())
    level_one = doc.styles.add_style("报告一级", WD_STYLE_TYPE.PARAGRAPH)
    level_one.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:numId w:val="1"/></w:numPr>'))
    level_two = doc.styles.add_style("报告二级", WD_STYLE_TYPE.PARAGRAPH)
    level_two.base_style = level_one
    level_two.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="1"/></w:numPr>'))
    doc.add_paragraph("理论学习方面", style=level_one)
    doc.add_paragraph("存在的问题", style=level_two)
    numbered(doc, "整改措施", None, 1, style="报告一级")  # the level on the paragraph, the list from its style
    doc.add_paragraph("作风建设方面", style=level_one)
    text = read_document(doc_path(doc, tmp_path)).text
    assert text.splitlines() == ["一、理论学习方面", "（一）存在的问题", "（二）整改措施", "二、作风建设方面"]


def test_docx_numbered_heading_hints_cover_the_label(tmp_path: Path) -> None:
    doc = with_lists(docx.Document())
    numbered(doc, "理论学习方面", 1, style="Heading 1")
    doc.add_paragraph("正文。")
    result = read_document(doc_path(doc, tmp_path))
    assert hint_texts(result) == [("一、理论学习方面", 1)]


def test_docx_without_a_numbering_part_reads_numbered_paragraphs_unlabelled(tmp_path: Path) -> None:
    doc = docx.Document()
    numbered(doc, "理论学习方面", 1)
    path = doc_path(doc, tmp_path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != "word/numbering.xml"}
    parts["word/_rels/document.xml.rels"] = re.sub(
        rb"<Relationship [^>]*numbering\.xml\"/>", b"", parts["word/_rels/document.xml.rels"]
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert read_document(path).text == "理论学习方面"


# --- .docx: a table of contents as a field ------------------------------------------------------------------


def toc_entry(
    text: str, page: int, *, begin: bool = False, end: bool = False, style: str = "TOC1", before: str = ""
) -> str:
    """A paragraph of a table of contents as Word writes it: a hyperlink to the heading, a tab, a PAGEREF field;
    the first entry opens the TOC field (after the text ``before``), the last one may close it."""
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TO</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">C \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        if begin
        else ""
    )
    pageref = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGEREF _Toc1 \\h </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{page}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    closing = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if end else ""
    return (
        f'<w:p {W_NS}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run_xml(before) if before else ""}{field}'
        '<w:hyperlink w:anchor="_Toc1">'
        f"<w:r><w:t>{text}</w:t></w:r><w:r><w:tab/></w:r>{pageref}</w:hyperlink>{closing}</w:p>"
    )


def body_xml(doc: DocxDocument, *paragraphs: str) -> None:
    for xml in paragraphs:
        doc.element.body.sectPr.addprevious(parse_xml(xml))


def test_docx_table_of_contents_field_is_left_out(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("对照检查材料")
    doc.add_paragraph("目录")
    body_xml(
        doc,
        toc_entry("一、理论学习方面", 1, begin=True, style="Normal"),  # the style does not matter in a field
        toc_entry("（一）存在的问题", 2, style="TOC2"),
        toc_entry("二、作风建设方面", 3),
        # Word closes the field at the start of the paragraph after the last entry; text after it is kept.
        f'<w:p {W_NS}><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>前言</w:t></w:r></w:p>',
    )
    doc.add_paragraph("一、理论学习方面")
    doc.add_paragraph("本人学习不够系统。")
    text = read_document(doc_path(doc, tmp_path)).text
    assert text.splitlines() == ["对照检查材料", "目录", "前言", "一、理论学习方面", "本人学习不够系统。"]


def test_docx_table_of_contents_closed_in_its_last_entry_and_text_before_it(tmp_path: Path) -> None:
    doc = docx.Document()
    first = toc_entry("一、理论学习方面", 1, begin=True, before="目录")  # the text before the field stays
    body_xml(doc, first, toc_entry("二、作风建设方面", 3, end=True))
    doc.add_paragraph("一、理论学习方面")
    assert read_document(doc_path(doc, tmp_path)).text == "目录\n一、理论学习方面"


def test_docx_simple_toc_field_and_unlinked_toc_entries_are_left_out(tmp_path: Path) -> None:
    doc = docx.Document()
    toc_style = doc.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    body_xml(
        doc,
        f'<w:p {W_NS}><w:r><w:t>目录</w:t></w:r><w:fldSimple w:instr=" TOC \\o &quot;1-2&quot; ">'
        "<w:r><w:t>一、理论学习方面</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:fldSimple></w:p>",
        # An unlinked table of contents (the field removed) keeps its entries' styles.
        f'<w:p {W_NS}><w:pPr><w:pStyle w:val="{toc_style.style_id}"/></w:pPr><w:r><w:t>二、作风建设方面</w:t></w:r>'
        "<w:r><w:tab/><w:t>3</w:t></w:r></w:p>",
        f'<w:p {W_NS}><w:fldSimple w:instr=" PAGE "><w:r><w:t>页码域保留</w:t></w:r></w:fldSimple></w:p>',
    )
    doc.add_paragraph("一、理论学习方面")
    assert read_document(doc_path(doc, tmp_path)).text == "目录\n页码域保留\n一、理论学习方面"


def test_docx_other_fields_keep_their_results(tmp_path: Path) -> None:
    doc = docx.Document()
    body_xml(
        doc,
        f'<w:p {W_NS}><w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>',
    )
    doc.add_paragraph("正文")
    assert read_document(doc_path(doc, tmp_path)).text == "第2页\n正文"


# --- properties ---------------------------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text())
def test_any_utf8_text_round_trips_or_is_refused(scratch: Path, text: str) -> None:
    assume(not text.startswith("\ufeff"))  # a leading U+FEFF is a BOM by definition and is dropped
    path = write(scratch, "report.txt", text.encode("utf-8"))
    try:
        result = read_document(path)
    except ReadError as error:
        if CONTROL.search(text):
            assert error.reason in {EMPTY, BINARY}
        else:
            assert not text.strip(), "non-blank text without control characters must be read"
            assert error.reason == EMPTY
        return
    assert result.text == text
    assert result.encoding == "utf-8"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        # without NUL bytes the decoder gets past the cheap binary check to GB18030 and detection
        st.binary(max_size=2000).map(lambda data: data.replace(b"\x00", b"")),
    )
)
def test_any_bytes_give_text_or_read_error(scratch: Path, data: bytes) -> None:
    path = write(scratch, "bytes.txt", data)
    try:
        result = read_document(path)
    except ReadError as error:
        assert error.path == str(path)
        return
    assert isinstance(result, ReadText)
    assert result.text.strip()
