"""Tests for dupcheck.reading: text decoding, .docx extraction, heading hints and read errors."""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dupcheck.errors import ReadError
from dupcheck.reading import SUPPORTED_SUFFIXES, HeadingHint, ReadText, decode_text, read_document

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
    assert frozenset({".txt", ".md", ".docx"}) == SUPPORTED_SUFFIXES


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


def test_decode_text_names_the_given_path() -> None:
    with pytest.raises(ReadError) as info:
        decode_text(b"\x00\x01", "<stdin>")
    assert str(info.value) == f"<stdin>: {BINARY}"


# --- errors independent of the format -------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.pdf", "报告.doc", "README"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"%PDF-1.7")
    reason = read_error(path).reason
    suffix = Path(name).suffix
    kind = f"'{suffix}'" if suffix else "without an extension"
    assert reason == f"unsupported file type {kind} (dupcheck reads .docx, .txt, .md)"


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
