"""The text of a .docx as Word shows it: body paragraphs in document order (tables, content controls and text
boxes included), then headers, footers, footnotes and endnotes; and which paragraphs are headings.

Its own module so that python-docx and lxml are imported only when a .docx is read (see ``reading``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle, CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart
from lxml import etree

from dupcheck.docx_numbering import ListCounters, NumberingDefinitions, read_numbering
from dupcheck.read_text import HeadingHint

_MAX_BOLD_HEADING_CHARS = 40
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
# Word names the styles of a table of contents' entries "toc 1" … "toc 9" (WPS: 目录 1).
_TOC_ENTRY_STYLE = re.compile(r"(?:toc|目录)\s*[1-9]", re.IGNORECASE)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PARAGRAPH, _RUN, _TEXT_BOX = qn("w:p"), qn("w:r"), qn("w:txbxContent")
_CHOICE = f"{{{_MC}}}Choice"
# Deleted and moved-away text is not on the page; an mc:Fallback repeats its mc:Choice (a text box's text, as
# VML for older readers).
_NOT_SHOWN = frozenset({qn("w:del"), qn("w:moveFrom"), f"{{{_MC}}}Fallback"})
_NOTE_PARTS = (RT.FOOTNOTES, RT.ENDNOTES)
_NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})


def docx_text(document: Document) -> tuple[str, tuple[HeadingHint, ...]]:
    """The body's paragraphs (each text box's paragraphs right after the paragraph it is anchored in), then the
    headers, footers, footnotes and endnotes; heading hints come from the body alone."""
    lines: list[str] = []
    hints: list[HeadingHint] = []
    offset = 0
    counters = ListCounters(_numbering(document))
    styles_of = _style_chains()
    body = _iter_paragraphs(document.element.body, document)
    for paragraph, runs in _without_table_of_contents(body, styles_of):
        styles = styles_of(paragraph)
        shown = "".join(run.text for run in runs)
        text = _numbering_label(paragraph, styles, counters, shown) + shown
        level = _heading_level(styles, runs, text)
        if level is not None:
            hints.append(HeadingHint(offset, offset + len(text), level))
        lines.append(text)
        offset += len(text) + 1
    # After the body, so its outline and hints stay as they are; blank lines there would separate nothing.
    for container, parent in _outside_the_body(document):
        for _, runs in _iter_paragraphs(container, parent):
            text = "".join(run.text for run in runs)
            if text.strip():
                lines.append(text)
    return "\n".join(lines), tuple(hints)


def _iter_paragraphs(container: etree._Element, parent: ProvidesStoryPart) -> Iterator[tuple[Paragraph, list[Run]]]:
    """Paragraphs of a body, table cell, text box, header or note in document order, with the runs shown in
    each; descends into tables and content controls, and reads a paragraph's text boxes right after it."""
    for child in container.iterchildren():
        if child.tag == _PARAGRAPH:
            paragraph = Paragraph(child, parent)
            runs: list[etree._Element] = []
            text_boxes: list[etree._Element] = []
            _collect_runs(child, runs, text_boxes)
            yield paragraph, [Run(run, paragraph) for run in runs]
            for text_box in text_boxes:
                yield from _iter_paragraphs(text_box, paragraph)
        elif child.tag == qn("w:tbl"):
            yield from _iter_table_paragraphs(Table(child, parent))
        elif child.tag == qn("w:sdt") and not _is_table_of_contents(child):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _iter_paragraphs(content, parent)
        elif child.tag == qn("w:customXml"):
            yield from _iter_paragraphs(child, parent)


def _collect_runs(element: etree._Element, runs: list[etree._Element], text_boxes: list[etree._Element]) -> None:
    """The runs shown below ``element`` in document order, and the text boxes (w:txbxContent) anchored there.

    A text box's paragraphs are not part of the paragraph it is anchored in: they are collected whole, their runs
    not, and a text box inside one is read with it. Only the first mc:Choice of an mc:AlternateContent is shown,
    and never its mc:Fallback, so a text box is read once.
    """
    chosen = False
    for child in element.iterchildren():
        if child.tag in _NOT_SHOWN:
            continue
        if child.tag == _CHOICE:
            if chosen:
                continue
            chosen = True
        if child.tag == _TEXT_BOX:
            text_boxes.append(child)
            continue
        if child.tag == _RUN:
            runs.append(child)  # and its descendants: a drawing in the run can hold a text box
        _collect_runs(child, runs, text_boxes)


def _iter_table_paragraphs(table: Table) -> Iterator[tuple[Paragraph, list[Run]]]:
    seen: set[etree._Element] = set()
    for row in table.rows:
        for cell in row.cells:
            # python-docx hands out the same <w:tc> once per spanned grid column and row.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _iter_paragraphs(cell._tc, cell)


def _outside_the_body(document: Document) -> Iterator[tuple[etree._Element, ProvidesStoryPart]]:
    """The root elements of the headers and footers (each part once) and of the footnotes and endnotes, with
    the object their paragraphs belong to."""
    seen: set[Part] = set()
    for section in document.sections:
        for story in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            # One linked to the previous section has no part of its own: that section's part is read there.
            if story.is_linked_to_previous:
                continue
            part = _story_part(story)
            if part is not None and part not in seen:  # several sections can share a part
                seen.add(part)
                yield part.element, story
    for reltype in _NOTE_PARTS:
        for rel in document.part.rels.values():
            if rel.reltype != reltype or rel.is_external or rel.target_part in seen:
                continue
            seen.add(rel.target_part)
            for note in _part_element(rel.target_part).iterchildren(qn("w:footnote"), qn("w:endnote")):
                if note.get(qn("w:type")) not in _NOTE_SEPARATORS:
                    yield note, document


def _story_part(story: BlockItemContainer) -> XmlPart | None:
    """A header's or footer's part; None when its reference names no part of the package."""
    try:
        part = story.part
    except KeyError:
        return None
    return part if isinstance(part, XmlPart) else None


def _part_element(part: Part) -> etree._Element:
    """The root element of a part; python-docx keeps footnotes and endnotes unparsed, as bytes (parsed here as
    it parses its own parts: no entities, no network)."""
    return part.element if isinstance(part, XmlPart) else parse_xml(part.blob)


def _is_table_of_contents(sdt: etree._Element) -> bool:
    # A generated table of contents repeats every heading (with page numbers); it is not prose.
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and gallery.get(qn("w:val")) == "Table of Contents"


def _heading_level(styles: tuple[CharacterStyle, ...], runs: list[Run], text: str) -> int | None:
    stripped = text.strip()
    if not stripped:
        return None
    style = styles[0] if styles else None
    level = _style_heading_level(style)
    if level is not None:
        return level
    if len(stripped) <= _MAX_BOLD_HEADING_CHARS and _all_bold(runs, style):
        return 0
    return None


def _style_heading_level(style: CharacterStyle | None) -> int | None:
    for candidate in _style_chain(style):
        match = _HEADING_STYLE.fullmatch(candidate.name or "")
        if match:
            return int(match[1])
    return None


def _all_bold(runs: list[Run], paragraph_style: CharacterStyle | None) -> bool:
    visible = [run for run in runs if run.text.strip()]
    return bool(visible) and all(_is_bold(run, paragraph_style) for run in visible)


def _is_bold(run: Run, paragraph_style: CharacterStyle | None) -> bool:
    """Direct formatting first, then the run's character style, then the paragraph style."""
    settings = itertools.chain(
        (run.bold,),
        (style.font.bold for style in _style_chain(run.style)),
        (style.font.bold for style in _style_chain(paragraph_style)),
    )
    return next((value for value in settings if value is not None), False)


def _style_chains() -> Callable[[Paragraph], tuple[CharacterStyle, ...]]:
    """A function giving a paragraph's style and the styles it is based on, each looked up once per document:
    python-docx finds a paragraph's style by walking every style of the document, for every paragraph."""
    chains: dict[str | None, tuple[CharacterStyle, ...]] = {}

    def styles_of(paragraph: Paragraph) -> tuple[CharacterStyle, ...]:
        style_id = paragraph._p.style
        if style_id not in chains:
            chains[style_id] = tuple(_style_chain(paragraph.style))
        return chains[style_id]

    return styles_of


def _style_chain(style: BaseStyle | None) -> Iterator[CharacterStyle]:
    seen: set[etree._Element] = set()
    # Damaged files can contain basedOn cycles, or a base of the wrong style type (no font).
    while isinstance(style, CharacterStyle) and style.element not in seen:
        seen.add(style.element)
        yield style
        style = style.base_style


# --- automatic numbering ----------------------------------------------------------------------------------


def _numbering(document: Document) -> NumberingDefinitions:
    try:
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:  # a document without lists has no numbering part
        return read_numbering(None)
    return read_numbering(_part_element(part))


def _numbering_label(
    paragraph: Paragraph, styles: tuple[CharacterStyle, ...], counters: ListCounters, shown: str
) -> str:
    """The number Word shows before a paragraph of an automatically numbered list (一、 （二） 1.), "" for none.

    It becomes part of the paragraph's text as read, as it is part of the text as shown: the outline is found
    from these numbers, and offsets stay offsets into one text. An empty numbered paragraph counts, as in Word,
    but gets no number: a "3、" alone on its line is nobody's writing, and would be a heading without a title.
    """
    numbered = _paragraph_numbering(paragraph, styles)
    if numbered is None:
        return ""
    label = counters.label(*numbered)
    return label if shown.strip() else ""


def _paragraph_numbering(paragraph: Paragraph, styles: tuple[CharacterStyle, ...]) -> tuple[str, int] | None:
    """(w:numId, w:ilvl) of a paragraph, set on it or through its paragraph style (and the styles that style is
    based on); None when it is not numbered, w:numId 0 included (numbering switched off)."""
    num_id: str | None = None
    ilvl: str | None = None
    chain = [paragraph._p.pPr] + [style.element.pPr for style in styles]
    for ppr in chain:
        numpr = None if ppr is None else ppr.find(qn("w:numPr"))
        if numpr is None:
            continue
        if ilvl is None:
            ilvl = _val(numpr.find(qn("w:ilvl")))
        if num_id is None:
            num_id = _val(numpr.find(qn("w:numId")))
        if num_id is not None and ilvl is not None:
            break
    if num_id is None or num_id == "0":
        return None
    try:
        return num_id, int(ilvl or 0)
    except ValueError:
        return num_id, 0


def _val(element: etree._Element | None) -> str | None:
    return None if element is None else element.get(qn("w:val"))


# --- tables of contents as fields ---------------------------------------------------------------------------


def _without_table_of_contents(
    paragraphs: Iterator[tuple[Paragraph, list[Run]]], styles_of: Callable[[Paragraph], tuple[CharacterStyle, ...]]
) -> Iterator[tuple[Paragraph, list[Run]]]:
    """The paragraphs without a table of contents written as a field, and without the entries of one whose field
    was removed (paragraphs styled "toc N").

    A table of contents is generated from the headings: its entries ("一、理论学习方面<tab>3") repeat them with
    page numbers, so as text they would be counted twice, and as lines shaped like headings they would be
    sections of their own. Older Word and WPS write it as a field rather than a content control: w:fldChar
    begin, w:instrText "TOC \\o …", separate, the entries, end, across as many paragraphs as it has entries
    (and w:fldSimple w:instr="TOC …" inside one). Its entries' runs are left out, and a paragraph left with no
    text from outside the field is left out whole, so its empty line takes no place in the text either.
    """
    fields: list[str] = []  # the instruction read so far of each field open at this point, outermost first
    for paragraph, runs in paragraphs:
        if any(_TOC_ENTRY_STYLE.fullmatch(style.name or "") for style in styles_of(paragraph)):
            continue
        touched = _in_table_of_contents(fields)
        kept: list[Run] = []
        for run in runs:
            inside = _in_table_of_contents(fields) or _in_toc_simple_field(run._r)
            _follow_fields(run._r, fields)
            if inside or _in_table_of_contents(fields):
                touched = True
            else:
                kept.append(run)
        if touched and not "".join(run.text for run in kept).strip():
            continue
        yield paragraph, kept


def _follow_fields(run: etree._Element, fields: list[str]) -> None:
    """Update the open fields with a run's w:fldChar and w:instrText."""
    for child in run.iterchildren(qn("w:fldChar"), qn("w:instrText")):
        if child.tag == qn("w:instrText"):
            if fields:  # an instruction outside any field is damage: nothing to add it to
                fields[-1] += child.text or ""
            continue
        kind = child.get(qn("w:fldCharType"))
        if kind == "begin":
            fields.append("")
        elif kind == "end" and fields:
            fields.pop()


def _in_table_of_contents(fields: list[str]) -> bool:
    return any(_is_toc_instruction(instruction) for instruction in fields)


def _in_toc_simple_field(run: etree._Element) -> bool:
    return any(_is_toc_instruction(field.get(qn("w:instr"), "")) for field in run.iterancestors(qn("w:fldSimple")))


def _is_toc_instruction(instruction: str) -> bool:
    words = instruction.split(maxsplit=1)
    return bool(words) and words[0].upper() == "TOC"
