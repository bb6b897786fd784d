"""Tests for dupcheck.docx_text: Word files read as Word shows them, once, and what they hide flagged.

Each case builds the copier's .docx in the test (python-docx, and XML written by hand where python-docx has no
API), holding a copy of another member's paragraph hidden the way the case names; the test shows the text read
is the copy (exactly, once) and that a scan finds the copy as reuse (``assert_found``, as test_evasion.py does).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import docx
import numpy as np
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from test_evasion import COPIER, INTEGRITY, SOURCE, STUDY, STYLE, assert_found, round_with
from test_scan import prose, report_text

from dupcheck.docx_text import html_text, is_toc_entry
from dupcheck.read_text import IntegrityFlags
from dupcheck.reading import read_document
from dupcheck.scan import scan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:mc="{MC}"'
COPIER_DOCX = f"{COPIER}.docx"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def saved(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_docx(seed: int, place: Callable[[DocxDocument], None]) -> DocxDocument:
    """A member's own report as .docx, one body paragraph per line; ``place`` adds the copy."""
    document = docx.Document()
    for line in report_text(seed).split("\n"):
        document.add_paragraph(line)
    place(document)
    return document


def copier_round(tmp_path: Path, document: DocxDocument, original: str = STUDY) -> Path:
    return round_with(tmp_path / "c", original, "", copier_files={COPIER_DOCX: saved(document)})


def read(tmp_path: Path, document: DocxDocument, name: str = "r.docx"):
    path = tmp_path / name
    path.write_bytes(saved(document))
    return read_document(path)


def append_body(document: DocxDocument, xml: str) -> None:
    document.element.body.sectPr.addprevious(parse_xml(xml))


def padding(seed: int, n: int) -> str:
    """``n`` random hanzi: text no one else has, to hide a copy between."""
    rng = np.random.default_rng(seed)
    return "".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=n))


def interleaved(document: DocxDocument, text: str, hide: Callable[[object], None], *, every: int = 6) -> int:
    """A paragraph of ``text`` with a hidden character after every ``every`` visible ones; returns how many."""
    paragraph = document.add_paragraph()
    pads = padding(7, len(text) // every + 1)
    for n, start in enumerate(range(0, len(text), every)):
        paragraph.add_run(text[start : start + every])
        hide(paragraph.add_run(pads[n]))
    return len(range(0, len(text), every))


# ---------------------------------------------------------------------------------------------------------
# 1. hidden text


def hidden_directly(run) -> None:
    run.font.hidden = True


def hidden_by_spec_vanish(run) -> None:
    run._r.get_or_add_rPr().append(parse_xml(f'<w:specVanish xmlns:w="{W}"/>'))


def hidden_by_character_style(run) -> None:
    styles = run.part.document.styles
    if "隐藏文字" not in [s.name for s in styles]:
        base = styles.add_style("隐藏基础", WD_STYLE_TYPE.CHARACTER)
        base.font.hidden = True
        styles.add_style("隐藏文字", WD_STYLE_TYPE.CHARACTER).base_style = base  # hidden through its base
    run.style = styles["隐藏文字"]


@pytest.mark.parametrize(
    "hide",
    [
        pytest.param(hidden_directly, id="vanish"),
        pytest.param(hidden_by_spec_vanish, id="specVanish"),
        pytest.param(hidden_by_character_style, id="character-style"),
    ],
)
def test_a_copy_with_a_hidden_character_after_every_six_is_found(tmp_path, hide):
    document = report_docx(101, lambda d: None)
    hidden = interleaved(document, STUDY, hide)
    result = read(tmp_path, document)
    assert result.text.count(STUDY) == 1
    assert result.flags.hidden == hidden
    assert_found(scan(copier_round(tmp_path, document)), STUDY, STUDY, copier_doc=COPIER_DOCX)


def test_hidden_through_the_paragraph_style_chain_and_the_document_defaults(tmp_path):
    """The paragraph style hides its runs (through its base style), the runs of the copy say they are shown;
    likewise with hidden text as the document's default."""
    document = report_docx(101, lambda d: None)
    base = document.styles.add_style("隐藏段落基础", WD_STYLE_TYPE.PARAGRAPH)
    base.font.hidden = True
    style = document.styles.add_style("隐藏段落", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base
    paragraph = document.add_paragraph(style=style)
    pads = padding(8, len(STUDY))
    for n in range(0, len(STUDY), 6):
        paragraph.add_run(STUDY[n : n + 6]).font.hidden = False
        paragraph.add_run(pads[n])  # hidden by the style
    result = read(tmp_path, document)
    assert result.text.count(STUDY) == 1
    assert_found(scan(copier_round(tmp_path, document)), STUDY, STUDY, copier_doc=COPIER_DOCX)

    defaults = docx.Document()
    defaults.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).append(
        parse_xml(f'<w:vanish xmlns:w="{W}"/>')
    )
    paragraph = defaults.add_paragraph()
    paragraph.add_run("看得见的字").font.hidden = False
    paragraph.add_run("看不见")
    assert read(tmp_path, defaults, "d.docx").text == "看得见的字"


def test_web_hidden_text_is_read_it_is_printed(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("正文")
    run = paragraph.add_run("网页视图中隐藏")
    run.font.web_hidden = True
    result = read(tmp_path, document)
    assert result.text == "正文网页视图中隐藏"
    assert result.flags == IntegrityFlags()


def test_a_whole_copied_report_padded_with_hidden_text_is_a_copy_and_says_so(tmp_path):
    """The copier hands in the source's report with thousands of hidden characters between its paragraphs."""
    source_text = report_text(100, STUDY, STYLE, INTEGRITY)
    document = docx.Document()
    hidden = 0
    for n, line in enumerate(source_text.split("\n")):
        document.add_paragraph(line)
        pad = document.add_paragraph().add_run(padding(n, 900))
        pad.font.hidden = True
        hidden += 900
    result = read(tmp_path, document)
    lines = result.text.split("\n")
    assert lines[::2] == source_text.split("\n") and set(lines[1::2]) == {""}  # the padding's paragraphs, empty
    assert result.flags.hidden == hidden > 7000
    root = round_with(tmp_path / "c", [STUDY, STYLE, INTEGRITY], "", copier_files={COPIER_DOCX: saved(document)})
    report = scan(root)
    (copier,) = [d for d in report.documents if d.id == COPIER_DOCX]
    assert copier.shares.reuse > 0.9 and copier.top_partner == SOURCE
    assert copier.integrity.notes() == (f"hidden text removed: {hidden:,} characters",)


# ---------------------------------------------------------------------------------------------------------
# 2. a table of contents in a content control


def toc_entry(title: str, page: int, style: str | None, *, field: bool = True) -> str:
    """An entry as Word writes one: a link to a _Toc bookmark, the heading, a tab and a PAGEREF field."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    number = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \\h '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t>{page}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        if field
        else f"<w:r><w:t>{page}</w:t></w:r>"
    )
    return (
        f'<w:p>{ppr}<w:hyperlink w:anchor="_Toc{page}"><w:r><w:t>{title}</w:t></w:r><w:r><w:tab/></w:r>'
        f"{number}</w:hyperlink></w:p>"
    )


def toc_control(*paragraphs: str) -> str:
    return (
        f"<w:sdt {NS}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/><w:docPartUnique/>"
        f"</w:docPartObj></w:sdtPr><w:sdtContent>{''.join(paragraphs)}</w:sdtContent></w:sdt>"
    )


def add_toc_styles(document: DocxDocument) -> None:
    for name in ("TOC 1", "toc 2", "目录 3"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)


def style_id(document: DocxDocument, name: str) -> str:
    return document.styles[name].style_id


def test_a_copy_inside_a_table_of_contents_control_is_read_its_entries_are_not(tmp_path):
    document = report_docx(101, add_toc_styles)
    entries = [
        toc_entry("一、存在的问题", 1, style_id(document, "TOC 1")),
        toc_entry("（一）理论学习方面", 2, style_id(document, "toc 2")),
        toc_entry("1.学习笔记", 3, style_id(document, "目录 3")),
        toc_entry("二、原因剖析", 4, None),  # no style: the PAGEREF field and the _Toc link say it is an entry
        "<w:p><w:r><w:t>三、整改措施</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>5</w:t></w:r></w:p>",  # shape only
    ]
    copy = f'<w:p><w:r><w:t xml:space="preserve">{STUDY}</w:t></w:r></w:p>'
    title = "<w:p><w:r><w:t>目录说明</w:t></w:r></w:p>"
    document.element.body.insert(0, parse_xml(toc_control(title, *entries[:2], copy, *entries[2:])))
    result = read(tmp_path, document)
    assert result.text.count(STUDY) == 1
    assert result.text.startswith(f"目录说明\n{STUDY}\n对照检查材料101")  # the five entries left out
    assert_found(scan(copier_round(tmp_path, document)), STUDY, STUDY, copier_doc=COPIER_DOCX)


def test_toc_entries_are_told_by_style_or_shape_and_a_long_paragraph_never_is(tmp_path):
    """``is_toc_entry`` on paragraphs read from a file: a TOC style, a page number after a tab or dot leader, a
    PAGEREF field, a _Toc link; not a plain line, not a long paragraph in a TOC style."""
    document = docx.Document()
    add_toc_styles(document)
    toc1 = style_id(document, "TOC 1")
    lines = [
        (f'<w:p {NS}><w:pPr><w:pStyle w:val="{toc1}"/></w:pPr><w:r><w:t>一、问题</w:t></w:r></w:p>', True),
        (f"<w:p {NS}><w:r><w:t>二、原因……………………12</w:t></w:r></w:p>", True),
        (f"<w:p {NS}><w:r><w:t>附录</w:t></w:r><w:r><w:tab/><w:t>iv</w:t></w:r></w:p>", True),
        (f"<w:p {NS}>{toc_entry('三、措施', 9, None)[5:]}", True),
        (f"<w:p {NS}><w:r><w:t>本人认真对照检查</w:t></w:r></w:p>", False),
        (f'<w:p {NS}><w:pPr><w:pStyle w:val="{toc1}"/></w:pPr><w:r><w:t>{STUDY}</w:t></w:r></w:p>', False),
    ]
    for xml, _ in lines:
        append_body(document, xml)
    reopened = docx.Document(io.BytesIO(saved(document)))
    got = [is_toc_entry(p, p.text) for p in reopened.paragraphs[-len(lines) :]]
    assert got == [expected for _, expected in lines]


# ---------------------------------------------------------------------------------------------------------
# 3. alternate content at the level of paragraphs


def alternate(choice: str | None, fallback: str | None) -> str:
    parts = ""
    if choice is not None:
        parts += f'<mc:Choice Requires="w14"><w:p><w:r><w:t>{choice}</w:t></w:r></w:p></mc:Choice>'
    if fallback is not None:
        parts += f"<mc:Fallback><w:p><w:r><w:t>{fallback}</w:t></w:r></w:p></mc:Fallback>"
    return f"<mc:AlternateContent {NS}>{parts}</mc:AlternateContent>"


def test_a_document_made_of_body_level_alternate_content_reads_its_choice_once(tmp_path):
    document = docx.Document()
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    for line in report_text(101, STUDY).split("\n"):
        append_body(document, alternate(line, "旧版本显示的替代文字"))
    result = read(tmp_path, document)
    assert result.text == report_text(101, STUDY)
    assert_found(scan(copier_round(tmp_path, document)), STUDY, STUDY, copier_doc=COPIER_DOCX)


def test_the_fallback_is_read_only_without_a_choice_also_in_a_table_cell(tmp_path):
    document = docx.Document()
    append_body(document, alternate(None, "只有替代内容"))
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell._tc.append(parse_xml(alternate("单元格里的选择", "单元格里的替代")))
    assert read(tmp_path, document).text == "只有替代内容\n\n单元格里的选择"


# ---------------------------------------------------------------------------------------------------------
# 4. embedded parts (w:altChunk)


def add_chunk(document: DocxDocument, name: str, content_type: str, blob: bytes) -> None:
    part = Part(PackURI(f"/word/{name}"), content_type, blob, document.part.package)
    rid = document.part.relate_to(part, RT.A_F_CHUNK)
    append_body(document, f'<w:altChunk {NS} r:id="{rid}"/>')


def html_page(text: str) -> bytes:
    half = len(text) // 2
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>不显示的标题</title>"
        "<style>p { color: red }</style><script>var hidden = 1;</script></head><body>"
        f"<h1>附件</h1><p>{text[:half]}<b>{text[half:]}</b></p><div>甲&amp;乙&#x4E19;</div></body></html>"
    ).encode()


def mht(html: bytes) -> bytes:
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
        b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.encodebytes(html)
        + b"\r\n--b1--\r\n"
    )


def inner_docx(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return saved(document)


@pytest.mark.parametrize(
    ("name", "content_type", "blob"),
    [
        pytest.param("chunk.html", "text/html", html_page(STUDY), id="html"),
        pytest.param("chunk.xhtml", "application/xhtml+xml", html_page(STUDY), id="xhtml"),
        pytest.param("chunk.txt", "text/plain", f"附件\r\n{STUDY}\r\n".encode("gb18030"), id="text-gb18030"),
        pytest.param("chunk.mht", "message/rfc822", mht(html_page(STUDY)), id="mht"),
        pytest.param("chunk.docx", DOCX_MAIN, inner_docx("附件", STUDY), id="docx"),
    ],
)
def test_a_copy_in_an_embedded_part_is_read_where_it_stands(tmp_path, name, content_type, blob):
    document = docx.Document()
    document.add_paragraph("前面的段落")
    add_chunk(document, name, content_type, blob)
    document.add_paragraph("后面的段落")
    result = read(tmp_path, document)
    assert result.text.startswith("前面的段落\n附件\n")
    assert result.text.count(STUDY) == 1
    assert result.text.endswith(f"{STUDY}\n后面的段落") or result.text.endswith(f"{STUDY}\n甲&乙丙\n后面的段落")
    copier = report_docx(101, lambda d: add_chunk(d, name, content_type, blob))
    assert_found(scan(copier_round(tmp_path, copier)), STUDY, STUDY, copier_doc=COPIER_DOCX)


def test_html_text_shows_what_a_browser_shows():
    assert html_text(html_page("一二三四").decode()) == "附件\n一二三四\n甲&乙丙"
    assert html_text("<p>a  b\n c</p><br><ul><li>x</li><li>y</li></ul>") == "a b c\nx\ny"
    defined = html_text('<!DOCTYPE x [<!ENTITY e "炸">]><p>&e;</p>')
    assert "&e;" in defined and "炸" not in defined  # no entity is defined: HTML has no internal DTD subset


def test_an_embedded_docx_is_read_to_a_depth_and_unknown_parts_are_skipped(tmp_path):
    deepest = inner_docx("第三层")
    middle = docx.Document()
    middle.add_paragraph("第二层")
    add_chunk(middle, "deeper.docx", DOCX_MAIN, deepest)
    hidden = middle.add_paragraph().add_run("藏")
    hidden.font.hidden = True
    top = docx.Document()
    top.add_paragraph("第一层")
    add_chunk(top, "inner.docx", DOCX_MAIN, saved(middle))
    add_chunk(top, "chunk.rtf", "application/rtf", rb"{\rtf1 RTF\par}")
    add_chunk(top, "broken.docx", DOCX_MAIN, b"PK not a zip")
    top.add_paragraph("末尾")
    result = read(tmp_path, top)
    assert result.text == "第一层\n第二层\n第三层\n末尾"
    assert result.flags.hidden == 1  # the embedded file's flags count

    deeper = docx.Document()
    add_chunk(deeper, "top.docx", DOCX_MAIN, saved(top))
    assert "第三层" not in read(tmp_path, deeper, "deeper.docx").text  # a fourth level is too deep


def test_embedded_parts_survive_the_slimmed_package_and_its_limits(tmp_path, monkeypatch):
    """The package is slimmed to its XML parts before python-docx opens it; an altChunk's part is kept, and it
    counts towards the size limits."""
    import dupcheck.reading as reading

    document = docx.Document()
    page = html_page(STUDY) + b"<!--" + b" " * 2_000_000 + b"-->"  # larger than any other part of the package
    add_chunk(document, "media/chunk.html", "text/html", page)
    path = tmp_path / "chunk.docx"
    path.write_bytes(saved(document))
    with zipfile.ZipFile(path) as archive:
        assert "word/media/chunk.html" in archive.namelist()
    assert read_document(path).text.count(STUDY) == 1
    monkeypatch.setattr(reading, "MAX_DOCX_PART_BYTES", 1_000_000)
    with pytest.raises(reading.ReadError, match=r"word/media/chunk\.html unpacks to"):
        read_document(path)


# ---------------------------------------------------------------------------------------------------------
# 5. ruby


def test_ruby_over_every_character_reads_the_base_text_only(tmp_path):
    document = report_docx(101, lambda d: None)
    paragraph = document.add_paragraph()
    guides = padding(9, len(STUDY))
    for char, guide in zip(STUDY, guides, strict=True):
        paragraph._p.append(
            parse_xml(
                f'<w:r {NS}><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr>'
                f"<w:rt><w:r><w:t>{guide}</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>{char}</w:t></w:r></w:rubyBase>"
                "</w:ruby></w:r>"
            )
        )
    result = read(tmp_path, document)
    assert result.text.split("\n")[-1] == STUDY
    assert_found(scan(copier_round(tmp_path, document)), STUDY, STUDY, copier_doc=COPIER_DOCX)


# ---------------------------------------------------------------------------------------------------------
# 6. integrity flags


def flagged_docx() -> tuple[DocxDocument, IntegrityFlags]:
    """The copier's report with a copy, hidden, white and tiny text and a control showing its placeholder."""
    document = report_docx(101, lambda d: None)
    document.add_paragraph(STUDY)
    paragraph = document.add_paragraph("看得见")
    paragraph.add_run("隐藏的字").font.hidden = True
    white = paragraph.add_run("白色的字五个")
    white.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    paragraph.add_run("黑色").font.color.rgb = RGBColor(0, 0, 0)
    paragraph.add_run("极小的字").font.size = Pt(1.5)
    paragraph.add_run("正常大小").font.size = Pt(2)
    append_body(
        document,
        f"<w:sdt {NS}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>单击此处输入文字。</w:t>"
        "</w:r></w:p></w:sdtContent></w:sdt>",
    )
    return document, IntegrityFlags(hidden=4, white=6, tiny=4, placeholders=1)


def test_white_tiny_and_placeholder_text_is_read_and_counted(tmp_path):
    document, flags = flagged_docx()
    result = read(tmp_path, document)
    assert result.flags == flags
    assert "看得见白色的字五个黑色极小的字正常大小\n单击此处输入文字。" in result.text
    assert result.flags.notes() == (
        "hidden text removed: 4 characters",
        "white text (kept): 6 characters",
        "text under 2 pt (kept): 4 characters",
        "content controls still showing placeholder text: 1",
    )


def test_a_clean_document_raises_no_flag(tmp_path):
    document = report_docx(101, lambda d: None)
    document.add_paragraph("带\u200b一个零宽空格的网页段落")
    assert read(tmp_path, document).flags == IntegrityFlags()
    report = scan(copier_round(tmp_path, document))
    assert all(d.integrity == IntegrityFlags() for d in report.documents)
    assert all(d["integrity"] == [] for d in report.to_dict()["documents"])


def test_the_flags_reach_the_json_csv_table_and_html_of_a_scan(tmp_path):
    from dupcheck.export import render_table, write_csv
    from dupcheck.html_report import page_data

    document, flags = flagged_docx()
    report = scan(copier_round(tmp_path, document))
    assert_found(report, STUDY, STUDY, copier_doc=COPIER_DOCX)
    (entry,) = [d for d in report.to_dict()["documents"] if d["id"] == COPIER_DOCX]
    assert entry["integrity"] == [
        {"flag": name, "count": count, "note": note}
        for (name, count), note in zip(flags.counts().items(), flags.notes(), strict=True)
    ]
    assert all(d["integrity"] == [] for d in report.to_dict()["documents"] if d["id"] != COPIER_DOCX)
    table = render_table(report, threshold=0.7).splitlines()
    heading = table.index("Integrity flags (what a file hides from its reader or dresses up)")
    (line,) = [line for line in table[heading:] if line.startswith(COPIER)]
    assert line.split() == [COPIER, COPIER_DOCX, *"; ".join(flags.notes()).split()]
    (csv_path, *_) = write_csv(report, tmp_path / "out", threshold=0.7)
    rows = {row["document"]: row for row in csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig")))}
    assert rows[COPIER_DOCX]["integrity"] == "; ".join(flags.notes())
    assert {row["integrity"] for name, row in rows.items() if name != COPIER_DOCX} == {""}
    html = page_data(report, lang="zh", threshold=0.7, title="t")
    (page_entry,) = [d for d in html["documents"] if d["id"] == COPIER_DOCX]
    assert page_entry["integrity"] == entry["integrity"]
    assert set(html["page"]["strings"]["integrity"]) == {f.name for f in fields(IntegrityFlags)}


def test_the_flags_survive_an_index_and_a_check_against_it(tmp_path):
    from dupcheck.check import check_against
    from dupcheck.fingerprints import FingerprintSettings
    from dupcheck.index import open_index

    document, flags = flagged_docx()
    root = copier_round(tmp_path, document)
    index = open_index(str(tmp_path / "i.sqlite"), FingerprintSettings())
    index.update(root)
    from_index = scan(root, index=index)
    (copier,) = [d for d in from_index.documents if d.id == COPIER_DOCX]
    assert copier.integrity == flags
    checked = check_against(root / COPIER_DOCX, str(tmp_path / "i.sqlite"))
    (draft,) = checked.report.documents
    assert draft.integrity == flags
    assert json.loads(json.dumps(checked.report.to_dict()))["documents"][0]["integrity"][0]["flag"] == "hidden"


def test_interleaved_invisible_characters_are_flagged_in_any_format(tmp_path):
    """A text file whose copy holds a zero-width space after every sixth character is flagged; one with a BOM
    and a stray zero-width space is not."""
    disguised = "".join(c + ("\u200b" if n % 6 == 5 else "") for n, c in enumerate(STUDY))
    zero_width = disguised.count("\u200b")
    root = round_with(tmp_path / "c", STUDY, disguised)
    report = scan(root)
    (copier,) = [d for d in report.documents if d.id == f"{COPIER}.txt"]
    assert copier.integrity == IntegrityFlags(interleaved=zero_width)
    assert copier.integrity.notes() == (f"invisible or look-alike characters among the text: {zero_width}",)
    radicals = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}
    kangxi = "".join(radicals.get(c, c) for c in STUDY + STYLE)  # Kangxi radicals for 一, 人, 大 …
    substituted = sum(a != b for a, b in zip(kangxi, STUDY + STYLE, strict=True))
    assert substituted >= 20
    corpus = tmp_path / "radicals"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\ufeff" + prose(5, 600) + "\u200b" + prose(6, 400), encoding="utf-8")
    (corpus / "b.txt").write_text(kangxi, encoding="utf-8")
    assert {d.id: d.integrity.interleaved for d in scan(corpus).documents} == {"a.txt": 0, "b.txt": substituted}
