"""Read member reports (.txt, .md, .docx) into one exact text string plus heading hints."""

from __future__ import annotations

import codecs
import io
import itertools
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from docx.shared import Parented
from docx.styles.style import BaseStyle, CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from dupcheck.errors import ReadError

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx"})


@dataclass(frozen=True)
class HeadingHint:
    """A paragraph the source format marks as a heading.

    That is a Word heading style, or a short all-bold paragraph.
    """

    start: int  # offset of the paragraph's first character in ReadText.text
    end: int  # offset just past its last character (exclusive, newline not included)
    level: int  # Word 'Heading N' / '标题 N' -> N; a short all-bold paragraph with no heading style -> 0


@dataclass(frozen=True)
class ReadText:
    text: str  # the text exactly as read: offsets everywhere in dupcheck index into this
    encoding: str  # e.g. "utf-8", "utf-8-sig", "gb18030", "utf-16", "docx"
    hints: tuple[HeadingHint, ...] = ()


_BINARY = "not a text file (binary content)"
_EMPTY = "empty file"
_PROTECTED = "password-protected or legacy Word file: save it as .docx without a password"

# UTF-32 LE comes before UTF-16 LE because its BOM starts with the UTF-16 LE BOM.
_BOM_CODECS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})
# C0/C1 control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
_MIN_GB2312_SHARE = 0.9

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_BOLD_HEADING_CHARS = 40
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
_RUNS = etree.XPath(
    # Deleted/moved-away text is not on the page; text boxes and VML fallbacks would duplicate or
    # interleave text that belongs to other paragraphs.
    ".//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent or ancestor::mc:Fallback)]",
    namespaces={"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"},
)


def read_document(path: Path, *, display_path: str | None = None) -> ReadText:
    """Read one report; every failure is a ReadError naming display_path (default str(path))."""
    shown = str(path) if display_path is None else display_path
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(shown, _unsupported_reason(path.suffix))
    data = _read_bytes(path, shown)
    if suffix == ".docx":
        return _read_docx(data, shown)
    text, encoding = decode_text(data, shown)
    return ReadText(text, encoding)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode a plain-text file's bytes; return (text, encoding name); only a BOM is removed."""
    text, encoding = _decode(data, path)
    if not text.strip():
        raise ReadError(path, _EMPTY)
    return text, encoding


def _unsupported_reason(suffix: str) -> str:
    kind = f"'{suffix}'" if suffix else "without an extension"
    return f"unsupported file type {kind} (dupcheck reads .docx, .txt, .md)"


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(shown, f"cannot read file ({exc.strerror or exc})") from exc


# --- plain text -------------------------------------------------------------------------------------


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, codec in _BOM_CODECS:
        if data.startswith(bom):
            return _decode_strictly(data, codec, path), codec
    if b"\x00" in data:
        raise ReadError(path, _BINARY)
    text = _try_decode(data, "utf-8")
    if text is not None:
        return _checked_text(text, path), "utf-8"
    # Detectors misjudge short GB texts (a few dozen hanzi often come out as Big5), so a strict
    # GB18030 decode that yields ordinary simplified-Chinese characters wins before detection.
    text = _try_decode(data, "gb18030")
    if text is not None and _looks_like_gb_chinese(text):
        return text, "gb18030"
    return _decode_detected(data, path)


def _decode_detected(data: bytes, path: str) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ReadError(path, _BINARY)
    encoding = codecs.lookup(best.encoding).name
    if encoding in _GB_FAMILY:
        encoding = "gb18030"  # superset of GB2312 and GBK: never worse, sometimes decodes more
    return _decode_strictly(data, encoding, path), encoding


def _decode_strictly(data: bytes, codec: str, path: str) -> str:
    text = _try_decode(data, codec)
    if text is None:
        raise ReadError(path, _BINARY)
    return _checked_text(text, path)


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked_text(text: str, path: str) -> str:
    if not _looks_like_text(text):
        raise ReadError(path, _BINARY)
    return text


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) <= len(text) * _MAX_CONTROL_SHARE


def _looks_like_gb_chinese(text: str) -> bool:
    """At least 90% of the non-ASCII characters are GB2312 hanzi or Chinese punctuation."""
    if not _looks_like_text(text):
        return False
    counts = Counter(ch for ch in text if ord(ch) > 0x7F)
    common = sum(n for ch, n in counts.items() if _is_common_gb2312(ch))
    return common >= _MIN_GB2312_SHARE * sum(counts.values())


def _is_common_gb2312(ch: str) -> bool:
    # Rows A1-A3 (punctuation, numbering, full-width forms) and B0-F7 (hanzi). The kana, Greek,
    # Cyrillic and box-drawing rows are left out: Big5 or Shift-JIS bytes read as GB land there
    # or in GBK-only and user-defined areas, which is how they get rejected.
    encoded = ch.encode("gb18030")
    if len(encoded) != 2:
        return False
    lead, trail = encoded
    return trail >= 0xA1 and (0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xF7)


# --- .docx ------------------------------------------------------------------------------------------


def _read_docx(data: bytes, path: str) -> ReadText:
    if not data:
        raise ReadError(path, _EMPTY)
    document = _open_docx(data, path)
    text, hints = _docx_text(document)
    if not text.strip():
        raise ReadError(path, _EMPTY)
    return ReadText(text, "docx", hints)


def _open_docx(data: bytes, path: str) -> Document:
    if data.startswith(_OLE_MAGIC):
        raise ReadError(path, _PROTECTED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        cause = "truncated or corrupt zip archive" if data.startswith(b"PK") else "not a zip archive"
        raise ReadError(path, f"not a valid .docx ({cause})") from None
    if "word/document.xml" not in names:
        raise ReadError(path, "not a valid .docx (no word/document.xml)")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(path, "not a valid .docx (corrupt zip archive)") from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(path, "not a valid .docx (malformed XML)") from exc
    except KeyError as exc:
        raise ReadError(path, "not a valid .docx (missing package part)") from exc
    except (PackageNotFoundError, ValueError) as exc:
        raise ReadError(path, "not a valid .docx (not a Word document package)") from exc


def _docx_text(document: Document) -> tuple[str, tuple[HeadingHint, ...]]:
    lines: list[str] = []
    hints: list[HeadingHint] = []
    offset = 0
    for paragraph in _iter_paragraphs(document.element.body, document):
        runs = [Run(r, paragraph) for r in _RUNS(paragraph._p)]
        text = "".join(run.text for run in runs)
        level = _heading_level(paragraph, runs, text)
        if level is not None:
            hints.append(HeadingHint(offset, offset + len(text), level))
        lines.append(text)
        offset += len(text) + 1
    return "\n".join(lines), tuple(hints)


def _iter_paragraphs(container: etree._Element, parent: Parented) -> Iterator[Paragraph]:
    """Paragraphs of a body or table cell in document order, descending into tables and content controls."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield from _iter_table_paragraphs(Table(child, parent))
        elif child.tag == qn("w:sdt") and not _is_table_of_contents(child):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _iter_paragraphs(content, parent)
        elif child.tag == qn("w:customXml"):
            yield from _iter_paragraphs(child, parent)


def _iter_table_paragraphs(table: Table) -> Iterator[Paragraph]:
    seen: set[etree._Element] = set()
    for row in table.rows:
        for cell in row.cells:
            # python-docx hands out the same <w:tc> once per spanned grid column and row.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _iter_paragraphs(cell._tc, cell)


def _is_table_of_contents(sdt: etree._Element) -> bool:
    # A generated table of contents repeats every heading (with page numbers); it is not prose.
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and gallery.get(qn("w:val")) == "Table of Contents"


def _heading_level(paragraph: Paragraph, runs: list[Run], text: str) -> int | None:
    stripped = text.strip()
    if not stripped:
        return None
    style = paragraph.style
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
