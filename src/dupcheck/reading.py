"""Read member reports (.txt, .md, .docx, .pdf, and .doc/.wps through LibreOffice) into one exact text string
plus heading hints.

Every problem with a file's content is a ``ReadError`` with a one-line reason; nothing else escapes. The limits
below bound what one file can cost in memory and time; they are documented in the README.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import logging
import os
import posixpath
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import warnings
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dupcheck.errors import ReadError
from dupcheck.read_text import ReadText

if TYPE_CHECKING:
    import pypdf
    from docx.document import Document

# python-docx, lxml, charset-normalizer and pypdf are imported where a file needs them: together they take longer
# to import than a self-check of a text draft against an index takes to run.

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx", ".doc", ".wps", ".pdf"})

# --- limits -----------------------------------------------------------------------------------------------
MB = 1 << 20
#: Longest text read from one file, in characters (``--max-chars``); reports in this genre have 1–20 thousand.
#: A plain-text file over 4 bytes per allowed character is refused before it is read.
DEFAULT_MAX_CHARS = 2_000_000
#: A .pdf, .doc or .wps file over this size is refused unread (pypdf holds the whole file in memory). A .docx
#: is not limited by its size: only its XML parts are read, within the limits below.
MAX_FILE_BYTES = 200 * MB
#: A .docx whose XML part (word/document.xml, styles, …) unpacks to more than this is refused.
MAX_DOCX_PART_BYTES = 50 * MB
#: A .docx whose XML parts together unpack to more than this is refused. Images, fonts and embedded files are
#: never unpacked, so they count towards no limit.
MAX_DOCX_TOTAL_BYTES = 500 * MB
#: A part of a .docx compressed more than this ratio : 1 and unpacking to more than MAX_DOCX_RATIO_MIN_BYTES is a
#: zip bomb, not a document (ordinary Word XML compresses about 10 : 1).
MAX_DOCX_RATIO = 1000
MAX_DOCX_RATIO_MIN_BYTES = 10 * MB
#: A .docx whose XML parts hold more elements than this is refused before they are parsed: each element costs
#: parse time and memory whatever it holds (the example corpus's reports hold 19,000 each, most in their styles).
MAX_DOCX_ELEMENTS = 5_000_000

#: A .docx embedded in a .docx (w:altChunk) is read to this depth; one embedded deeper is left out.
MAX_ALTCHUNK_DEPTH = 2
#: Seconds LibreOffice gets to convert one .doc or .wps file to .docx.
CONVERT_TIMEOUT_SECONDS = 120


_BINARY = "not a text file (binary content)"
_EMPTY = "empty file"
_PROTECTED = "password-protected or legacy Word file: save it as .docx without a password"
_SCANNED_PDF = "scanned PDF without a text layer: run OCR first"
_MIXED = "mixed or unknown text encoding: save it as UTF-8"

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
# A text in a known encoding with a few corrupt bytes is read with them replaced by U+FFFD: at most this many …
_MIN_TOLERATED_BAD_BYTES = 3
# … or this share of its characters, whichever is more.
_MAX_BAD_BYTE_SHARE = 0.001
# Characters a person's writing is made of, for telling BOM-less UTF-16 from binary.
_WRITING = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2190-\u22ff\u2460-\u24ff\u2500-\u257f\u25a0-\u26ff"
    r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_MIN_WRITING_SHARE = 0.95
_MIN_UTF16_CHARS = 8  # fewer is no evidence: 'a\x00' is as much UTF-8 with a NUL as UTF-16 for 'a'

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file keeps its package in
_OLE_WORD = "WordDocument".encode("utf-16-le")  # the main stream of a Word 97–2003 (and WPS) binary file
_XML_CONTENT_TYPE = re.compile(r"[/+]xml$")
_WORD_NAMESPACE = re.compile(
    rb"""xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*["']http://schemas\.openxmlformats\.org/wordprocessingml/2006/main["']"""
)
_TAG_ENDS = (b">", b"/", b" ", b"\t", b"\n", b"\r")  # what can follow an element's name in its start tag

# pypdf logs what it repairs in a damaged PDF; unconfigured, Python would print that on stderr next to the one
# line that names the file. An application that configures logging still sees it.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def import_readers() -> None:
    """Import now the libraries readers import when first needed (charset-normalizer, python-docx, pypdf): for a
    server's worker, so that the first member to upload a .docx or a PDF does not wait for them (0.25 s)."""
    import charset_normalizer  # noqa: F401
    import docx  # noqa: F401
    import pypdf  # noqa: F401


def read_document(path: Path, *, display_path: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> ReadText:
    """Read one report; every failure is a ReadError naming display_path (default str(path)).

    A text longer than ``max_chars`` characters is refused ("too large").
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    shown = str(path) if display_path is None else display_path
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(shown, unsupported_reason(path.suffix))
    with _open(path, shown) as handle:
        size = os.fstat(handle.fileno()).st_size
        if suffix in {".txt", ".md"}:
            return _read_plain(handle, size, shown, max_chars)
        if size == 0:
            raise ReadError(shown, _EMPTY)
        if suffix == ".docx":
            return _read_docx(handle, size, shown, max_chars)
        if size > MAX_FILE_BYTES:
            raise ReadError(shown, f"too large: {_size(size)} (over the {MAX_FILE_BYTES // MB} MB limit)")
        if suffix == ".pdf":
            return _read_pdf(handle, shown, max_chars)
        return _read_legacy(handle, suffix, shown, max_chars)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode a plain-text file's bytes; return (text, encoding name); only a BOM is removed."""
    text, encoding, _ = _decode_nonblank(data, path)
    return text, encoding


def unsupported_reason(suffix: str) -> str:
    kind = f"'{suffix}'" if suffix else "without an extension"
    return f"unsupported file type {kind} (dupcheck reads .docx, .doc, .wps, .pdf, .txt, .md)"


def _open(path: Path, shown: str) -> BinaryIO:
    """The file opened for reading; only a regular file (or a link to one) is opened, so a named pipe cannot
    block the scan."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ReadError(shown, "cannot read file (it is a folder)")
        if not stat.S_ISREG(mode):
            raise ReadError(shown, "cannot read file (not a regular file)")
        return path.open("rb")
    except OSError as exc:
        raise ReadError(shown, f"cannot read file ({_os_reason(path, exc)})") from exc


def _os_reason(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "link loop"
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return "broken link"
    return exc.strerror or str(exc)


def _read_all(handle: BinaryIO, shown: str) -> bytes:
    try:
        return handle.read()
    except OSError as exc:
        raise ReadError(shown, f"cannot read file ({exc.strerror or exc})") from exc


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size} bytes"


def _too_long(text: str, shown: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise ReadError(shown, f"too large: {len(text)} characters (over --max-chars {max_chars})")


# --- plain text -------------------------------------------------------------------------------------


def _read_plain(handle: BinaryIO, size: int, shown: str, max_chars: int) -> ReadText:
    # No encoding takes more than 4 bytes a character (plus a BOM): a larger file is too long, unread.
    if size > 4 * max_chars + 4:
        raise ReadError(shown, f"too large: {_size(size)} (over --max-chars {max_chars} characters)")
    text, encoding, replaced = _decode_nonblank(_read_all(handle, shown), shown)
    _too_long(text, shown, max_chars)
    return ReadText(text, encoding, replaced=replaced)


def _decode_nonblank(data: bytes, path: str) -> tuple[str, str, int]:
    text, encoding, replaced = _decode(data, path)
    if not text.strip():
        raise ReadError(path, _EMPTY)
    return text, encoding, replaced


def _decode(data: bytes, path: str) -> tuple[str, str, int]:
    """(text, encoding, bytes replaced): strict decodes first, then a known encoding with a few bad bytes."""
    for bom, codec in _BOM_CODECS:
        if data.startswith(bom):
            text = _try_decode(data, codec)
            if text is not None:
                return _checked_text(text, path), codec, 0
            lenient = _decode_leniently(data, codec)
            if lenient is None or not _looks_like_text(lenient[0]):
                raise ReadError(path, _BINARY)
            return lenient[0], codec, lenient[1]
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed is None:
            raise ReadError(path, _BINARY)
        return guessed[0], guessed[1], 0
    text = _try_decode(data, "utf-8")
    if text is not None:
        return _checked_text(text, path), "utf-8", 0
    # Detectors misjudge short GB texts (a few dozen hanzi often come out as Big5), so a strict
    # GB18030 decode that yields ordinary simplified-Chinese characters wins before detection.
    text = _try_decode(data, "gb18030")
    if text is not None and _looks_like_gb_chinese(text):
        return text, "gb18030", 0
    # A UTF-8 or GB18030 text with a few corrupt bytes (a bad copy, a cut-off last character): read with them
    # replaced, rather than guessed into some other encoding as a whole.
    lenient = _decode_leniently(data, "utf-8")
    if lenient is not None and _looks_like_text(lenient[0]) and _mostly_valid(*lenient):
        return lenient[0], "utf-8", lenient[1]
    lenient = _decode_leniently(data, "gb18030")
    if lenient is not None and _looks_like_gb_chinese(lenient[0]) and _mostly_valid(*lenient):
        return lenient[0], "gb18030", lenient[1]
    text, encoding = _decode_detected(data, path)
    return text, encoding, 0


def _decode_detected(data: bytes, path: str) -> tuple[str, str]:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ReadError(path, _undecodable(data))
    encoding = codecs.lookup(best.encoding).name
    if encoding in _GB_FAMILY:
        encoding = "gb18030"  # superset of GB2312 and GBK: never worse, sometimes decodes more
    text = _try_decode(data, encoding)
    if text is None:
        raise ReadError(path, _undecodable(data))
    return _checked_text(text, path), encoding


def _undecodable(data: bytes) -> str:
    """Why bytes that no encoding decodes are refused: text in several encodings at once, or no text at all."""
    return _MIXED if _looks_like_text(data.decode("gb18030", errors="replace")) else _BINARY


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_leniently(data: bytes, codec: str) -> tuple[str, int] | None:
    """The text with undecodable bytes replaced, and how many were, if they are few."""
    text = data.decode(codec, errors="replace")
    replaced = text.count("\ufffd")
    if replaced > max(_MIN_TOLERATED_BAD_BYTES, len(text) * _MAX_BAD_BYTE_SHARE):
        return None
    return text, replaced


def _mostly_valid(text: str, replaced: int) -> bool:
    # A text in another encoding read as UTF-8 or GB18030 yields mostly errors where it is not ASCII; a text
    # with a bad byte is mostly valid multi-byte characters.
    valid = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return valid >= 10 * replaced


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """A UTF-16 text saved without BOM (its ASCII characters carry a NUL byte), else None."""
    if len(data) % 2:
        return None
    codec = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
    text = _try_decode(data, codec)
    if text is None or len(text.strip()) < _MIN_UTF16_CHARS or not _looks_like_text(text):
        return None
    if len(_WRITING.findall(text)) < _MIN_WRITING_SHARE * len(text):
        return None
    return text, codec


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
    counts = Counter(ch for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
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


# --- OLE2 compound files (Word 97–2003, WPS, and encrypted Office files) ------------------------------


def _ole_streams(data: bytes) -> set[str]:
    """Which of the streams dupcheck cares about an OLE2 file holds: 'encrypted', 'word'.

    A directory entry is 128 bytes, aligned on 128 bytes after the header, and starts with its name in UTF-16.
    """
    found = set()
    for name, kind in ((_OLE_ENCRYPTED, "encrypted"), (_OLE_WORD, "word")):
        at = data.find(name, 512)
        while at != -1 and at % 128:
            at = data.find(name, at + 1)
        if at != -1:
            found.add(kind)
    return found


# --- .pdf -------------------------------------------------------------------------------------------


def _read_pdf(handle: BinaryIO, shown: str, max_chars: int) -> ReadText:
    """The text layer of every page, pages joined by a newline."""
    head = handle.read(1024)
    handle.seek(0)
    if b"%PDF-" not in head:
        raise ReadError(shown, "not a valid .pdf (no PDF header)")
    pages: list[str] = []
    with warnings.catch_warnings():
        # pypdf warns about what it repairs (and some versions, when imported, about their crypto library).
        warnings.simplefilter("ignore")
        import pypdf  # imported when a PDF is read: most corpora hold none

        try:
            reader = pypdf.PdfReader(handle)
            if reader.is_encrypted and not _decrypted(reader, shown):
                raise ReadError(shown, "password-protected .pdf: save it without a password")
            length = -1
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                length += len(pages[-1]) + 1
                if length > max_chars:
                    raise ReadError(shown, f"too large: more than --max-chars {max_chars} characters")
        except ReadError:
            raise
        except Exception as exc:  # a damaged PDF can fail anywhere in a third-party parser
            raise ReadError(shown, "not a valid .pdf (damaged or truncated)") from exc
    if not pages:
        raise ReadError(shown, "not a valid .pdf (no pages)")
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(shown, _SCANNED_PDF)
    if not _looks_like_text(text):
        raise ReadError(shown, "unreadable text layer in the PDF (fonts without a Unicode map): run OCR first")
    return ReadText(text, "pdf")


def _decrypted(reader: pypdf.PdfReader, shown: str) -> bool:
    """Open a PDF encrypted only against editing (an empty user password); False if it needs a password."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except DependencyError as exc:
        raise ReadError(
            shown, "encrypted .pdf: save it without encryption (or install 'cryptography' to open it)"
        ) from exc


def _short(exc: BaseException) -> str:
    """A one-line description of a parser's exception."""
    message = " ".join(str(exc).split())[:100].rstrip(".")
    return message[0].lower() + message[1:] if message else type(exc).__name__


# --- .doc and .wps ----------------------------------------------------------------------------------


def _read_legacy(handle: BinaryIO, suffix: str, shown: str, max_chars: int) -> ReadText:
    """A Word 97–2003 or WPS file, converted to .docx by LibreOffice in a temporary folder."""
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"PK"):  # a .docx saved under the old extension
        return _read_docx(handle, os.fstat(handle.fileno()).st_size, shown, max_chars)
    if head.startswith(_OLE_MAGIC) and "encrypted" in _ole_streams(_read_all(handle, shown)):
        raise ReadError(shown, f"password-protected {suffix}: save it without a password")
    handle.seek(0)
    return _converted(handle, suffix, shown, max_chars)


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _converted(handle: BinaryIO, suffix: str, shown: str, max_chars: int) -> ReadText:
    office = _office()
    if office is None:
        raise ReadError(shown, f"legacy {suffix} format: save it as .docx (or install LibreOffice to convert it)")
    with tempfile.TemporaryDirectory(prefix="dupcheck-") as folder:
        work = Path(folder)
        # A copy under a plain name: LibreOffice leaves lock files beside what it opens (never in the corpus),
        # and names its output after its input.
        source = work / f"report{suffix}"
        with source.open("wb") as copy:
            shutil.copyfileobj(handle, copy)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",  # its own profile: runs beside an open Office
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, suffix, shown)
        result = work / "out" / "report.docx"
        if not result.is_file():
            raise ReadError(shown, f"cannot convert this {suffix} file with LibreOffice: save it as .docx")
        with result.open("rb") as converted:
            read = _read_docx(converted, os.fstat(converted.fileno()).st_size, shown, max_chars)
    return ReadText(read.text, suffix.lstrip("."), read.hints, flags=read.flags)


def _run(command: list[str], suffix: str, shown: str) -> None:
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a timeout ends every process it started
        )
    except OSError as exc:
        raise ReadError(shown, f"cannot run LibreOffice to convert {suffix} ({exc.strerror or exc})") from exc
    try:
        process.wait(timeout=CONVERT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):  # it may end by itself meanwhile
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                process.kill()
        process.wait()
        raise ReadError(
            shown, f"cannot convert this {suffix} file with LibreOffice within {CONVERT_TIMEOUT_SECONDS} s"
        ) from None


# --- .docx ------------------------------------------------------------------------------------------


def _read_docx(handle: BinaryIO, size: int, shown: str, max_chars: int) -> ReadText:
    if size == 0:
        raise ReadError(shown, _EMPTY)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(_OLE_MAGIC):
        if size > MAX_FILE_BYTES:
            raise ReadError(shown, f"too large: {_size(size)} (over the {MAX_FILE_BYTES // MB} MB limit)")
        streams = _ole_streams(_read_all(handle, shown))
        if "encrypted" in streams:
            raise ReadError(shown, "password-protected .docx: save it without a password")
        if "word" not in streams:
            raise ReadError(shown, _PROTECTED)
        handle.seek(0)  # a Word 97–2003 file with a .docx name
        return _converted(handle, ".doc", shown, max_chars)
    from lxml import etree

    document = _open_docx(handle, head, shown, max_chars)
    try:
        read = _docx_text(document, shown, 0, max_chars)
    except etree.XMLSyntaxError as exc:  # a part python-docx does not parse when it opens the package
        raise ReadError(shown, "not a valid .docx (malformed XML)") from exc
    except Exception as exc:  # python-docx on a damaged but well-formed package: one line, never a traceback
        raise ReadError(shown, f"not a valid .docx ({_short(exc)})") from exc
    if not read.text.strip():
        raise ReadError(shown, _EMPTY)
    _too_long(read.text, shown, max_chars)
    return read


def _docx_text(document: Document, shown: str, depth: int, max_chars: int) -> ReadText:
    """A .docx's text; a .docx it embeds (w:altChunk) is opened with the same limits as a file, to a depth."""
    from dupcheck.docx_text import Embedded, docx_text

    def read_docx(blob: bytes) -> ReadText:
        return _docx_text(_open_docx(io.BytesIO(blob), blob[:8], shown, max_chars), shown, depth + 1, max_chars)

    def decode(data: bytes) -> str:
        return _decode(data, shown)[0]

    return docx_text(document, Embedded(decode, read_docx if depth < MAX_ALTCHUNK_DEPTH else None))


def _open_docx(handle: BinaryIO, head: bytes, shown: str, max_chars: int) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        with zipfile.ZipFile(handle) as archive:
            package = _slim_package(archive, shown, max_chars)
    except zipfile.BadZipFile:
        cause = "truncated or corrupt zip archive" if head.startswith(b"PK") else "not a zip archive"
        raise ReadError(shown, f"not a valid .docx ({cause})") from None
    except OSError as exc:
        raise ReadError(shown, f"cannot read file ({exc.strerror or exc})") from exc
    except (zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        # deflate errors, an encrypted zip entry, an unsupported compression method
        raise ReadError(shown, f"not a valid .docx (corrupt zip archive: {_short(exc)})") from exc
    try:
        return docx.Document(io.BytesIO(package))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(shown, "not a valid .docx (corrupt zip archive)") from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(shown, "not a valid .docx (malformed XML)") from exc
    except KeyError as exc:
        raise ReadError(shown, "not a valid .docx (missing package part)") from exc
    except (PackageNotFoundError, ValueError) as exc:
        raise ReadError(shown, "not a valid .docx (not a Word document package)") from exc
    except Exception as exc:  # anything else python-docx trips over in a damaged package
        raise ReadError(shown, f"not a valid .docx ({_short(exc)})") from exc


def _slim_package(archive: zipfile.ZipFile, shown: str, max_chars: int) -> bytes:
    """The package with its XML parts only: images, fonts and embedded files are left empty, never unpacked.

    The sizes the zip declares are checked first (the zip module never unpacks more than a part declares), then
    what the XML holds, before any of it is parsed (see ``_check_xml``).
    """
    parts = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    if "word/document.xml" not in parts:
        raise ReadError(shown, "not a valid .docx (no word/document.xml)")
    types = parts.get("[Content_Types].xml")
    if types is not None:
        _check_part(types, shown)
    defaults, overrides = _content_types(archive.read(types) if types is not None else b"")
    read = {name for name in parts if _is_xml_part(name, defaults, overrides)}
    for name in read:
        _check_part(parts[name], shown)
    # What a w:altChunk embeds (HTML, text, a .docx) is shown where it stands: kept, within the same limits.
    chunks = {name for rels in read if rels.endswith(".rels") for name in _chunk_targets(archive, rels)}
    for name in chunks & parts.keys() - read:
        _check_part(parts[name], shown)
        read.add(name)
    total = sum(parts[name].file_size for name in read)
    if total > MAX_DOCX_TOTAL_BYTES:
        raise ReadError(
            shown, f"too large: its XML parts unpack to {total / MB:.1f} MB (limit {MAX_DOCX_TOTAL_BYTES // MB} MB)"
        )
    unpacked = {name: archive.read(parts[name]) for name in read}
    _check_xml(unpacked, shown, max_chars)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as slim:
        for name in parts:
            slim.writestr(name, unpacked.get(name, b""))
    return buffer.getvalue()


def _check_xml(parts: dict[str, bytes], shown: str, max_chars: int) -> None:
    """Refuse a package whose XML would take too long to parse, counted in its bytes (a fraction of a second for
    the largest part allowed; parsing it and walking its paragraphs takes minutes and gigabytes).

    Each paragraph of the body is at least one character of the text (the newline after it), so a body of more
    paragraphs than --max-chars allows characters is too large, however little text they hold: 6.5 million empty
    paragraphs are 40 MB of XML that compress to 100 KB. Elements of any kind, in every part, are counted too,
    which also catches runs or cells by the million, and paragraphs written with another prefix.
    """
    body = parts.get("word/document.xml", b"")
    paragraphs = _count_elements(body, _word_prefix(body) + b"p")
    if paragraphs > max_chars:
        raise ReadError(
            shown,
            f"too large: word/document.xml holds {paragraphs} paragraphs (over --max-chars {max_chars} characters)",
        )
    elements = sum(_count_all_elements(data) for data in parts.values())
    if elements > MAX_DOCX_ELEMENTS:
        raise ReadError(shown, f"too large: its XML parts hold {elements} elements (limit {MAX_DOCX_ELEMENTS})")


def _word_prefix(xml: bytes) -> bytes:
    """The prefix (b"w:", or b"" for a default namespace) the part's root gives WordprocessingML's namespace."""
    declared = _WORD_NAMESPACE.search(xml, 0, 64 * 1024)  # declared on the root element, at the start
    if declared is None:
        return b"w:"
    return declared[1] + b":" if declared[1] else b""


def _count_elements(xml: bytes, name: bytes) -> int:
    """How many start tags of elements named ``name`` (with its prefix) the XML holds."""
    return sum(xml.count(b"<" + name + end) for end in _TAG_ENDS)


def _count_all_elements(xml: bytes) -> int:
    # Every "<" starts a tag in well-formed XML (text holds "&lt;"); end tags, declarations, comments and
    # processing instructions are not elements. Bytes.count is what makes this fast.
    return xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") - xml.count(b"<!")


def _chunk_targets(archive: zipfile.ZipFile, rels: str) -> set[str]:
    """The parts a relationships part says are embedded as altChunks, as names in the zip."""
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(archive.read(rels), parser)
    except etree.XMLSyntaxError:
        return set()  # python-docx says so when it opens the package
    # word/_rels/document.xml.rels holds the relationships of word/document.xml: targets are relative to word/.
    base = posixpath.dirname(posixpath.dirname(rels))
    targets = set()
    for rel in root.iter("{*}Relationship"):
        if not (rel.get("Type") or "").endswith("/aFChunk") or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        name = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        targets.add(posixpath.normpath(name))
    return targets


def _check_part(info: zipfile.ZipInfo, shown: str) -> None:
    if info.file_size > MAX_DOCX_PART_BYTES:
        raise ReadError(
            shown,
            f"too large: {info.filename} unpacks to {info.file_size / MB:.1f} MB "
            f"(limit {MAX_DOCX_PART_BYTES // MB} MB a part)",
        )
    if info.file_size > MAX_DOCX_RATIO_MIN_BYTES and info.file_size > MAX_DOCX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise ReadError(shown, f"not a valid .docx (zip bomb: {info.filename} is compressed {ratio}:1)")


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The package's content types by extension and by part name (both lower case)."""
    from lxml import etree

    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser) if data else None
    except etree.XMLSyntaxError:
        root = None  # python-docx says so when it opens the package
    for element in root.iter("{*}Default", "{*}Override") if root is not None else ():
        content_type = element.get("ContentType", "")
        if etree.QName(element).localname == "Default":
            defaults[element.get("Extension", "").lower()] = content_type
        else:
            overrides[element.get("PartName", "").lower()] = content_type
    return defaults, overrides


def _is_xml_part(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> bool:
    lower = name.lower()
    if lower.endswith((".xml", ".rels")):
        return True
    content_type = overrides.get("/" + lower) or defaults.get(lower.rpartition(".")[2], "")
    return bool(_XML_CONTENT_TYPE.search(content_type)) and not content_type.startswith("image/")
