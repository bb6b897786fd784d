"""The text of a .docx as Word shows it: body paragraphs in document order (tables, content controls, text boxes,
alternate content and embedded parts — altChunk — included), then headers, footers, footnotes and endnotes; which
paragraphs are headings; and what the file hides from a reader or dresses up (``IntegrityFlags``).

What Word does not show is not read: hidden text (w:vanish, set on the run, its character style, its paragraph
style or the document's defaults), deleted and moved-away text, an mc:Fallback that repeats its mc:Choice, a
ruby's phonetic guide (w:rt) over its base text, and a table of contents' entries (a content control, a TOC field
or entries styled 'toc N'), which repeat the document's own headings. What Word shows but does not store as text
is read: the numbers of automatically numbered paragraphs (一、 （二） 1.), from which the outline is found. Hidden
text is counted; white and tiny text is read (it is in the document) and counted.

Its own module so that python-docx and lxml are imported only when a .docx is read (see ``reading``).
"""

from __future__ import annotations

import email
import email.policy
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle, CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart
from lxml import etree

from dupcheck.docx_numbering import ListCounters, NumberingDefinitions, read_numbering
from dupcheck.read_text import HeadingHint, IntegrityFlags, ReadText

_MAX_BOLD_HEADING_CHARS = 40
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PARAGRAPH, _RUN, _TEXT_BOX = qn("w:p"), qn("w:r"), qn("w:txbxContent")
_SDT, _ALTERNATE, _ALT_CHUNK = qn("w:sdt"), f"{{{_MC}}}AlternateContent", qn("w:altChunk")
_CHOICE, _FALLBACK = f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback"
# Deleted and moved-away text is not on the page; a ruby's guide (w:rt) is printed small above its base text,
# which is the text (read once, the guide would stand between every two characters of it).
_NOT_SHOWN = frozenset({qn("w:del"), qn("w:moveFrom"), qn("w:rt")})
_NOTE_PARTS = (RT.FOOTNOTES, RT.ENDNOTES)
_NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_OFF = frozenset({"0", "false", "off"})
_VANISH, _SPEC_VANISH, _COLOR, _SIZE = qn("w:vanish"), qn("w:specVanish"), qn("w:color"), qn("w:sz")
_LOOKS = frozenset({_VANISH, _SPEC_VANISH, _COLOR, _SIZE})  # the run properties that hide or disguise text
_WHITE = "FFFFFF"
_TINY_HALF_POINTS = 4  # w:sz counts half-points: text under 2 pt is not read by anyone
# A table of contents' entry: a TOC style ('TOC 1', 'toc 1', '目录 1'), or a heading's text then a page number
# after a tab or a dot leader, or a PAGEREF field or a link to a _Toc bookmark. An entry holds a heading, so a
# long paragraph is never one, whatever its style: a copied paragraph styled 'TOC 1' is still read.
_TOC_STYLE = re.compile(r"(?:toc|目录)\s*[1-9]", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"(?:\t|\.{3,}|…{2,}|·{3,})[\s.…·]*(?:\d+|[ivxlcdm]+)\s*$", re.IGNORECASE)
_MAX_TOC_ENTRY_CHARS = 100
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MHT_TYPES = frozenset({"message/rfc822", "multipart/related", "application/x-mimearchive"})
_DOCX_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroenabled.main+xml",
    }
)


def _chunk_part_class(
    previous: Callable[[str, str], type[Part] | None] | None,
) -> Callable[[str, str], type[Part] | None]:
    def select(content_type: str, reltype: str) -> type[Part] | None:
        if reltype == RT.A_F_CHUNK:
            return Part
        return previous(content_type, reltype) if previous is not None else None

    select.dupcheck = True  # type: ignore[attr-defined]
    return select


# A part an altChunk embeds is kept as bytes: python-docx would parse an embedded .docx, whose content type is
# that of a document's main part, as XML. python-docx's own selector (image parts) still answers the rest.
if not getattr(PartFactory.__dict__.get("part_class_selector"), "dupcheck", False):
    PartFactory.part_class_selector = _chunk_part_class(PartFactory.__dict__.get("part_class_selector"))


@dataclass(frozen=True)
class Embedded:
    """How to read what an altChunk embeds beyond HTML: ``reading`` lends its decoder and its .docx reader (with
    the package's limits, one level deeper), so that neither module imports the other. ``read_docx`` is None
    where an embedded .docx is not read (the depth limit)."""

    decode: Callable[[bytes], str]
    read_docx: Callable[[bytes], ReadText] | None = None


@dataclass
class _Reading:
    """What reading one package needs as it descends: its styles' run properties (per style, and what a run with
    no settings of its own looks like per character and paragraph style) and the counts of the flags."""

    document: Document
    embedded: Embedded | None
    tally: Counter[str] = field(default_factory=Counter)
    styles: dict[tuple[str | None, str], tuple[etree._Element, ...]] = field(default_factory=dict)
    looks: dict[tuple[str | None, str | None], dict[str, etree._Element]] = field(default_factory=dict)
    chains: dict[str | None, tuple[CharacterStyle, ...]] = field(default_factory=dict)
    # Automatic numbering, counted through the body (None outside it: a header's list is no outline).
    counters: ListCounters | None = None
    # The instruction read so far of each field open at this point, outermost first: a table of contents written
    # as a field spans paragraphs.
    fields: list[str] = field(default_factory=list)

    def style_chain(self, paragraph: Paragraph) -> tuple[CharacterStyle, ...]:
        """A paragraph's style and the styles it is based on, found once per style id (python-docx looks for the
        default style among all the document's styles for every paragraph without one)."""
        key = paragraph._p.style
        if key not in self.chains:
            self.chains[key] = tuple(_style_chain(paragraph.style))
        return self.chains[key]

    def paragraph_style(self, paragraph: Paragraph) -> CharacterStyle | None:
        chain = self.style_chain(paragraph)
        return chain[0] if chain else None


def docx_text(document: Document, embedded: Embedded | None = None) -> ReadText:
    """The body's paragraphs (each text box's paragraphs right after the paragraph it is anchored in), then the
    headers, footers, footnotes and endnotes; heading hints come from the body alone; the flags count hidden
    (left out), white and tiny text and placeholders, those of embedded .docx parts included."""
    reading = _Reading(document, embedded, counters=ListCounters(_numbering(document)))
    lines: list[str] = []
    hints: list[HeadingHint] = []
    offset = 0
    for text, level in _iter_lines(document.element.body, document, reading):
        if level is not None:
            hints.append(HeadingHint(offset, offset + len(text), level))
        lines.append(text)
        offset += len(text) + 1
    # After the body, so its outline and hints stay as they are; blank lines there would separate nothing.
    reading.counters, reading.fields = None, []
    for container, parent in _outside_the_body(document):
        lines.extend(text for text, _ in _iter_lines(container, parent, reading) if text.strip())
    tally = reading.tally
    flags = IntegrityFlags(
        hidden=tally["hidden"], white=tally["white"], tiny=tally["tiny"], placeholders=tally["placeholders"]
    )
    return ReadText("\n".join(lines), "docx", tuple(hints), flags=flags)


def _iter_lines(
    container: etree._Element, parent: ProvidesStoryPart, reading: _Reading, *, contents: bool = False
) -> Iterator[tuple[str, int | None]]:
    """The lines of a body, table cell, text box, header or note in document order, each with its heading level
    (None: no heading); descends into tables, content controls and alternate content, reads a paragraph's text
    boxes right after it and an embedded part where it stands. ``contents``: inside a table of contents."""
    for child in container.iterchildren():
        if child.tag == _PARAGRAPH:
            paragraph = Paragraph(child, parent)
            runs: list[etree._Element] = []
            text_boxes: list[etree._Element] = []
            _collect_runs(child, runs, text_boxes, reading)
            kept = _outside_toc_field(runs, reading.fields)  # None: all of it stands in a table of contents
            if kept is not None:
                shown = [(run, text) for run in kept if _shown(run, text := run.text, child, reading)]
                text = "".join(text for _, text in shown)
                if not is_toc_entry(paragraph, text, inside=contents, styles=reading.style_chain(paragraph)):
                    text = _numbering_label(paragraph, reading, text) + text
                    runs_shown = [Run(run, paragraph) for run, _ in shown]
                    yield text, _heading_level(paragraph, runs_shown, text, reading) if text.strip() else None
            for text_box in text_boxes:
                yield from _iter_lines(text_box, paragraph, reading)
        elif child.tag == qn("w:tbl"):
            yield from _iter_table_lines(Table(child, parent), reading)
        elif child.tag == _SDT:
            _count_placeholder(child, reading)
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                inside = contents or _is_table_of_contents(child)
                yield from _iter_lines(content, parent, reading, contents=inside)
        elif child.tag == qn("w:customXml"):
            yield from _iter_lines(child, parent, reading, contents=contents)
        elif child.tag == _ALTERNATE:
            chosen = _shown_alternative(child)
            if chosen is not None:
                yield from _iter_lines(chosen, parent, reading, contents=contents)
        elif child.tag == _ALT_CHUNK:
            yield from ((line, None) for line in _chunk_lines(child, parent, reading))


def _collect_runs(
    element: etree._Element, runs: list[etree._Element], text_boxes: list[etree._Element], reading: _Reading
) -> None:
    """The runs below ``element`` in document order, and the text boxes (w:txbxContent) anchored there.

    A text box's paragraphs are not part of the paragraph it is anchored in: they are collected whole, their runs
    not, and a text box inside one is read with it. Of an mc:AlternateContent only the first mc:Choice is read (a
    text box's mc:Fallback repeats it as VML for older readers), so a text box is read once.
    """
    for child in element.iterchildren():
        if child.tag in _NOT_SHOWN:
            continue
        if child.tag == _ALTERNATE:
            chosen = _shown_alternative(child)
            if chosen is not None:
                _collect_runs(chosen, runs, text_boxes, reading)
            continue
        if child.tag == _TEXT_BOX:
            text_boxes.append(child)
            continue
        if child.tag == _SDT:
            _count_placeholder(child, reading)
        if child.tag == _RUN:
            runs.append(child)  # and its descendants: a drawing in the run can hold a text box, a ruby its base
        _collect_runs(child, runs, text_boxes, reading)


def _shown_alternative(alternate: etree._Element) -> etree._Element | None:
    """What Word shows of an mc:AlternateContent: its first mc:Choice, else its mc:Fallback."""
    choice = alternate.find(_CHOICE)
    return choice if choice is not None else alternate.find(_FALLBACK)


def _count_placeholder(sdt: etree._Element, reading: _Reading) -> None:
    if sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None:
        reading.tally["placeholders"] += 1


# --- what a run looks like ----------------------------------------------------------------------------------


def _shown(run: etree._Element, text: str, paragraph: etree._Element, reading: _Reading) -> bool:
    """Whether Word shows the run of ``text``; hidden runs are counted, white and tiny ones too (they are shown)."""
    if not text:
        return True
    look = _run_look(run, paragraph, reading)
    # w:specVanish is hidden even where Word displays hidden text. w:webHidden is not read as hidden: it hides a
    # run in Web Layout only, and is printed (Word sets it on a table of contents' page numbers).
    if _is_on(look.get(_VANISH)) or _is_on(look.get(_SPEC_VANISH)):
        reading.tally["hidden"] += len(text)
        return False
    color = look.get(_COLOR)
    if color is not None and (color.get(qn("w:val")) or "").upper() == _WHITE:
        reading.tally["white"] += len(text)
    size = look.get(_SIZE)
    if size is not None and _half_points(size) < _TINY_HALF_POINTS:
        reading.tally["tiny"] += len(text)
    return True


def _run_look(run: etree._Element, paragraph: etree._Element, reading: _Reading) -> dict[str, etree._Element]:
    """The nearest setting of each run property in _LOOKS: the run's own, else its character style's chain's, its
    paragraph style's chain's, the document defaults'."""
    own = run.find(qn("w:rPr"))
    character = None if own is None else _val(own.find(qn("w:rStyle")))
    key = (character, _val(paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")))
    inherited = reading.looks.get(key)
    if inherited is None:
        inherited = {}
        chain = (
            *(_style_properties(reading, character, "character") if character else ()),
            *_style_properties(reading, key[1], "paragraph"),
            *_style_properties(reading, None, "defaults"),
        )
        for properties in reversed(chain):  # nearest last, so it wins
            inherited.update((setting.tag, setting) for setting in properties if setting.tag in _LOOKS)
        reading.looks[key] = inherited
    if own is None:
        return inherited
    return inherited | {setting.tag: setting for setting in own if setting.tag in _LOOKS}


def _style_properties(reading: _Reading, style_id: str | None, kind: str) -> tuple[etree._Element, ...]:
    """The w:rPr of a style and of the styles it is based on (a paragraph style without an id: the default
    one), or of the document defaults; kept per style, a document has a few dozen."""
    key = (style_id, kind)
    found = reading.styles.get(key)
    if found is not None:
        return found
    styles = reading.document.styles.element
    if kind == "defaults":
        defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        found = () if defaults is None else (defaults,)
    else:
        style = styles.get_by_id(style_id) if style_id else None
        if style is None and kind == "paragraph":
            style = styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
        chain: list[etree._Element] = []
        seen: set[etree._Element] = set()
        while style is not None and style not in seen:  # damaged files can hold basedOn cycles
            seen.add(style)
            properties = style.find(qn("w:rPr"))
            if properties is not None:
                chain.append(properties)
            based_on = style.find(qn("w:basedOn"))
            style = styles.get_by_id(_val(based_on)) if based_on is not None and _val(based_on) else None
        found = tuple(chain)
    reading.styles[key] = found
    return found


def _val(element: etree._Element | None) -> str | None:
    return None if element is None else element.get(qn("w:val"))


def _is_on(setting: etree._Element | None) -> bool:
    """A toggle property (w:vanish …) set on: present, with no w:val or one other than false."""
    return setting is not None and setting.get(qn("w:val"), "1").lower() not in _OFF


def _half_points(size: etree._Element) -> float:
    try:
        return float(size.get(qn("w:val"), ""))
    except ValueError:
        return float("inf")  # a damaged size is no evidence of tiny text


# --- tables of contents ---------------------------------------------------------------------------------------


def is_toc_entry(
    paragraph: Paragraph, text: str, *, inside: bool = True, styles: tuple[CharacterStyle, ...] | None = None
) -> bool:
    """Whether a paragraph read as ``text`` is an entry of a table of contents: a short line (a heading's text)
    with a TOC style ('TOC 1', 'toc 1', '目录 1': the entries of a table whose field was removed keep it), or,
    ``inside`` one (a content control Word calls a table of contents), a page number after a tab or dot leader,
    a PAGEREF field or a link to a _Toc bookmark. Elsewhere a line ending in a tab and a number is prose or a
    table's, and a long paragraph is never an entry, whatever its style: a copied paragraph styled 'TOC 1' is
    still read. ``styles``: the paragraph's style chain, when already looked up.
    """
    if len(text.strip()) > _MAX_TOC_ENTRY_CHARS or not text.strip():
        return False
    chain = styles if styles is not None else tuple(_style_chain(paragraph.style))
    if any(_TOC_STYLE.fullmatch(style.name or "") for style in chain):
        return True
    if not inside:
        return False
    if _PAGE_NUMBER.search(text):
        return True
    p = paragraph._p
    if any("PAGEREF" in (t.text or "") for t in p.iter(qn("w:instrText"))):
        return True
    if any("PAGEREF" in (f.get(qn("w:instr")) or "") for f in p.iter(qn("w:fldSimple"))):
        return True
    return any((link.get(qn("w:anchor")) or "").startswith("_Toc") for link in p.iter(qn("w:hyperlink")))


def _is_table_of_contents(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and gallery.get(qn("w:val")) == "Table of Contents"


# --- automatic numbering ----------------------------------------------------------------------------------


def _numbering(document: Document) -> NumberingDefinitions:
    try:
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:  # a document without lists has no numbering part
        return read_numbering(None)
    return read_numbering(_part_element(part))


def _numbering_label(paragraph: Paragraph, reading: _Reading, shown: str) -> str:
    """The number Word shows before a paragraph of an automatically numbered list (一、 （二） 1.), "" for none.

    It becomes part of the paragraph's text as read, as it is part of the text as shown: the outline is found
    from these numbers, and offsets stay offsets into one text. An empty numbered paragraph counts, as in Word,
    but gets no number: a "3、" alone on its line is nobody's writing, and would be a heading without a title.
    """
    numbered = None if reading.counters is None else _paragraph_numbering(paragraph, reading.style_chain(paragraph))
    if reading.counters is None or numbered is None:
        return ""
    label = reading.counters.label(*numbered)
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


# --- tables of contents as fields ---------------------------------------------------------------------------


def _outside_toc_field(runs: list[etree._Element], fields: list[str]) -> list[etree._Element] | None:
    """A paragraph's runs outside a table of contents written as a field; None when the paragraph stands in one
    and holds no text of its own (its empty line takes no place in the text either).

    A table of contents is generated from the headings: its entries ("一、理论学习方面<tab>3") repeat them with
    page numbers, so as text they would be counted twice, and as lines shaped like headings they would be
    sections of their own. Older Word and WPS write it as a field rather than a content control: w:fldChar
    begin, w:instrText "TOC \\o …", separate, the entries, end, across as many paragraphs as it has entries
    (and w:fldSimple w:instr="TOC …" inside one). ``fields`` is the state carried from paragraph to paragraph.
    """
    touched = _in_table_of_contents(fields)
    kept: list[etree._Element] = []
    for run in runs:
        inside = _in_table_of_contents(fields) or _in_toc_simple_field(run)
        _follow_fields(run, fields)
        if inside or _in_table_of_contents(fields):
            touched = True
        else:
            kept.append(run)
    if touched and not "".join(run.text or "" for run in kept).strip():
        return None
    return kept


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


# --- embedded parts (w:altChunk) ------------------------------------------------------------------------------


def _chunk_lines(chunk: etree._Element, parent: ProvidesStoryPart, reading: _Reading) -> list[str]:
    """The lines of the part an altChunk embeds, as Word shows them where it stands; a part of a type dupcheck
    does not read (RTF, Word 2003 XML), or one that cannot be read, gives none."""
    rel = parent.part.rels.get(chunk.get(qn("r:id")) or "")
    if rel is None or rel.is_external:
        return []
    part = rel.target_part
    content_type = part.content_type.split(";")[0].strip().lower()
    embedded = reading.embedded
    text: str | None = None
    try:
        if content_type in _HTML_TYPES and embedded is not None:
            text = html_text(embedded.decode(part.blob))
        elif content_type in _MHT_TYPES:
            text = html_text(_mht_html(part.blob))
        elif content_type == "text/plain" and embedded is not None:
            text = embedded.decode(part.blob)
        elif content_type in _DOCX_TYPES and embedded is not None and embedded.read_docx is not None:
            nested = embedded.read_docx(part.blob)
            reading.tally.update(nested.flags.counts())
            text = nested.text
    except Exception:  # a damaged embedded part shows nothing: the document around it is still read
        return []
    return text.splitlines() if text else []


def _mht_html(data: bytes) -> str:
    """The HTML of a web archive (MHT: a MIME message), decoded as its headers say."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            content = part.get_content()
            return content if isinstance(content, str) else ""
    return ""


_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer"}
    | {"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"}
    | {"table", "td", "th", "tr", "ul"}
)
_UNSHOWN = frozenset({"head", "script", "style", "template", "title", "noscript"})


class _HTMLText(HTMLParser):
    """The text an HTML page shows, a line per block element; character references are decoded, no entity is
    defined or fetched (html.parser has no DTD)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNSHOWN:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _UNSHOWN:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(" ".join(data.split("\n")))  # a line break in the source is a space on the page


def html_text(html: str) -> str:
    """The text of an HTML document: a line per block, white space collapsed as a browser does, blank lines
    left out."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- tables, headers, footers and notes -----------------------------------------------------------------------


def _iter_table_lines(table: Table, reading: _Reading) -> Iterator[tuple[str, int | None]]:
    seen: set[etree._Element] = set()
    for row in table.rows:
        for cell in row.cells:
            # python-docx hands out the same <w:tc> once per spanned grid column and row.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _iter_lines(cell._tc, cell, reading)


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


def _heading_level(paragraph: Paragraph, runs: list[Run], text: str, reading: _Reading) -> int | None:
    stripped = text.strip()
    if not stripped:
        return None
    style = reading.paragraph_style(paragraph)
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


def _style_chain(style: BaseStyle | None) -> Iterator[CharacterStyle]:
    seen: set[etree._Element] = set()
    # Damaged files can contain basedOn cycles, or a base of the wrong style type (no font).
    while isinstance(style, CharacterStyle) and style.element not in seen:
        seen.add(style.element)
        yield style
        style = style.base_style
