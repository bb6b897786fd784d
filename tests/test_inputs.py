"""Bad and odd inputs: every file problem is one line naming the file, the rest is scanned, exit status 1.

Each test builds its input in tmp_path. The table "Inputs tried → what happens" in the README lists these cases.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import pathlib
import random
import shutil
import struct
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dupcheck import reading
from dupcheck.cli import cli
from dupcheck.corpus import discover
from dupcheck.errors import ReadError
from dupcheck.reading import (
    DEFAULT_MAX_CHARS,
    MAX_DOCX_PART_BYTES,
    SUPPORTED_SUFFIXES,
    ReadText,
    read_document,
)
from dupcheck.scan import scan

WriteCorpus = Callable[..., Path]  # the write_corpus fixture from conftest.py

# Self-review paragraphs written for these tests, with no text in common.
STUDY = (
    "一、理论学习方面\n本人对党的创新理论的学习还停留在读原文、抄笔记的层面，系统钻研不够，自学时间常被业务工作挤占，"
    "遇到新能源并网消纳这类新课题时，习惯于凭经验判断，很少回到理论中找方法。\n"
)
STYLE = (
    "二、作风建设方面\n我对文件材料的把关存在层层转发的现象，自己动手起草的少，交给年轻同志写完后只改改错字就上报，"
    "有一次安全通报中的数据与实际台账对不上，被上级点名纠正。\n"
)
SERVICE = (
    "三、服务群众方面\n营业厅排队时间虽然缩短到平均八分钟，可线上办电的推广率只有四成，很多老年用户仍然不会使用"
    "手机应用，我没有组织人员上门指导，而是简单归因于用户习惯。\n"
)
BIG5_TEXT = (
    "各位同仁：本人於過去一年中，認真學習相關政策文件，積極參與各項工作，但在理論學習方面仍有不足，"
    "今後將進一步加強學習，提升工作能力，並虛心接受大家的批評與監督。\n"
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EMPTY = "empty file"
SHELL_SCRIPTS = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in for LibreOffice is a shell script")
BINARY = "not a text file (binary content)"


@pytest.fixture(autouse=True)
def _index_outside_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUPCHECK_INDEX_DIR", str(tmp_path / "indexes"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def scan_json(corpus: Path, *args: str | Path) -> tuple[Result, dict[str, Any]]:
    result = run("scan", corpus, "--format", "json", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result, json.loads(result.stdout)


def scanned_ids(data: dict[str, Any]) -> set[str]:
    return {d["id"] for d in data["documents"]}


def read_error(path: Path, **kwargs: Any) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path, **kwargs)
    return info.value


def write_corpus_files(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        write(root, name, data)
    return root


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def good_files() -> dict[str, str | bytes]:
    return {"张三.txt": STUDY, "李四.txt": STYLE}


def assert_one_error_rest_scanned(corpus: Path, bad: str, reason: str, *args: str) -> dict[str, Any]:
    """Scanning ``corpus`` exits 1 with exactly one line 'error: BAD: …REASON…', and the good files are scanned."""
    result, data = scan_json(corpus, *args)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {bad}: ")
    assert reason in lines[0]
    assert {"张三.txt", "李四.txt"} <= scanned_ids(data)
    assert [e["path"] for e in data["errors"]] == [bad]
    return data


# --- builders -----------------------------------------------------------------------------------------------


def docx_bytes(*paragraphs: str, picture: bytes | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if picture is not None:
        document.add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


def rezip(data: bytes, replace: dict[str, bytes], *, stored: frozenset[str] = frozenset()) -> bytes:
    """The package ``data`` with the parts in ``replace`` replaced or added (those in ``stored`` uncompressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info))
        for name, content in replace.items():
            kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            target.writestr(name, content, compress_type=kind)
    return buffer.getvalue()


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalogue), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def pdf_pages(contents: list[bytes], font: bytes, *extra: bytes) -> bytes:
    """Pages with the given content streams; font /F1 is object 3; ``extra`` objects follow from 4 on."""
    first_page = 4 + len(extra)
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        font,
        *extra,
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>" % (first_page + 2 * i + 1)
        )
        objects.append(stream(content))
    return pdf_bytes(objects)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
GREY_PIXEL = stream(
    b"\x80", b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
)


def latin_pdf(*pages: list[str]) -> bytes:
    """A PDF with an ASCII text layer in Helvetica, one text line per string."""
    contents = []
    for lines in pages:
        body = b" 0 -16 Td ".join(b"(%s) Tj" % line.encode("ascii") for line in lines)
        contents.append(b"BT /F1 12 Tf 72 760 Td " + body + b" ET")
    return pdf_pages(contents, HELVETICA, GREY_PIXEL)


def chinese_pdf(*pages: list[str]) -> bytes:
    """A PDF with a Chinese text layer: a Type0 font, two-byte codes and a ToUnicode map (as Word writes them)."""
    chars = sorted({ch for lines in pages for line in lines for ch in line})
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n"
        + "".join(f"<{code[ch]:04X}> <{ord(ch):04X}>\n" for ch in chars)
        + "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode("ascii")
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [5 0 R] /ToUnicode 6 0 R >>"
    )
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    )
    contents = []
    for lines in pages:
        body = b" 0 -16 Td ".join(b"<%s> Tj" % "".join(f"{code[ch]:04X}" for ch in line).encode() for line in lines)
        contents.append(b"BT /F1 12 Tf 72 760 Td " + body + b" ET")
    return pdf_pages(contents, font, GREY_PIXEL, descendant, stream(cmap))


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that only show an image: no text layer."""
    return pdf_pages([b"q 595 0 0 842 0 0 cm /Im1 Do Q"] * pages, HELVETICA, GREY_PIXEL)


def encrypted_pdf(user_password: str, algorithm: str = "RC4-128") -> bytes:
    reader = pypdf.PdfReader(io.BytesIO(latin_pdf(["Confidential self review"])))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ole_file(*stream_names: str) -> bytes:
    """An OLE2 compound file as far as dupcheck looks: the magic, a 512-byte header, 128-byte directory entries."""
    header = OLE_MAGIC + bytes(512 - len(OLE_MAGIC))
    entries = b""
    for name in ("Root Entry", *stream_names):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entries += encoded + bytes(64 - len(encoded)) + struct.pack("<HBB", len(encoded), 2, 1) + bytes(60)
    return header + entries + bytes(512 - len(entries) % 512)


# --- 1. empty files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("空.txt", b""),
        ("空白.txt", b" \r\n\t\n"),
        ("全角空格.md", "\u3000\u3000\n".encode()),
        ("空.docx", b""),
        ("空段落.docx", docx_bytes("", "   ")),
        ("空.pdf", b""),
        ("空.doc", b""),
    ],
)
def test_empty_file_is_an_error_and_the_rest_is_scanned(
    tmp_path: Path, write_corpus: WriteCorpus, name: str, data: bytes
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), name: data})
    assert_one_error_rest_scanned(corpus, name, EMPTY)


# --- 2. binary content with a text extension ----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        png_bytes(),
        random.Random(0).randbytes(4096),
        random.Random(1).randbytes(4096).replace(b"\x00", b"\x01"),  # no NUL: gets past the cheap check
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 64,  # valid UTF-8, nothing a person wrote
        docx_bytes("正文"),  # a zip named .txt
    ],
    ids=["png", "random", "random-without-nul", "control-characters", "zip"],
)
def test_binary_file_named_txt_is_not_text(tmp_path: Path, write_corpus: WriteCorpus, data: bytes) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "王五.txt": data})
    assert_one_error_rest_scanned(corpus, "王五.txt", BINARY)


def test_binary_is_never_decoded_as_gb18030_or_detected_text(tmp_path: Path) -> None:
    """Random bytes without NUL: neither the GB18030 fallback nor charset detection turns them into text."""
    for seed in range(20):
        data = random.Random(seed).randbytes(2000).replace(b"\x00", b"")
        assert read_error(write(tmp_path, f"{seed}.txt", data)).reason == BINARY


# --- 3. truncated or corrupt .docx --------------------------------------------------------------------------


def test_corrupt_docx_variants(tmp_path: Path) -> None:
    good = docx_bytes(STUDY, STYLE)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("word/document.xml")
    # Damage the compressed bytes of word/document.xml inside an otherwise intact archive.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(good)
    damaged[start + 10 : start + 60] = bytes(50)
    no_document = io.BytesIO()
    with zipfile.ZipFile(no_document, "w") as archive:
        archive.writestr("hello.txt", "你好")
    cases = {
        "不是zip.docx": (STUDY.encode(), "not a valid .docx (not a zip archive)"),
        "没有正文.docx": (no_document.getvalue(), "not a valid .docx (no word/document.xml)"),
        "半截.docx": (good[: len(good) // 2], "not a valid .docx (truncated or corrupt zip archive)"),
        "坏数据.docx": (bytes(damaged), "not a valid .docx (corrupt zip archive"),
        "坏XML.docx": (rezip(good, {"word/document.xml": b"<w:document"}), "not a valid .docx (malformed XML)"),
    }
    for name, (data, reason) in cases.items():
        error = read_error(write(tmp_path, name, data))
        assert error.reason.startswith(reason), (name, error.reason)
        assert "\n" not in error.reason


def test_truncated_docx_in_a_corpus(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    data = docx_bytes(SERVICE)
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "王五.docx": data[: len(data) // 2]})
    assert_one_error_rest_scanned(corpus, "王五.docx", "not a valid .docx (truncated or corrupt zip archive)")


# --- 4. zip bombs and huge parts ----------------------------------------------------------------------------


def test_docx_limits_are_documented_constants() -> None:
    assert reading.MAX_DOCX_PART_BYTES == 50 * 2**20
    assert reading.MAX_DOCX_TOTAL_BYTES == 500 * 2**20
    assert (reading.MAX_DOCX_RATIO, reading.MAX_DOCX_RATIO_MIN_BYTES) == (1000, 10 * 2**20)


def test_zip_bomb_document_xml_is_refused_before_unpacking(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A word/document.xml that unpacks to 60 MB (from about 60 KB) is refused from the sizes the zip declares."""
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    bomb = body + b" " * (60 * 2**20) + b"</w:body></w:document>"
    data = rezip(docx_bytes("x"), {"word/document.xml": bomb})
    assert len(data) < 2**20
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "炸弹.docx": data})
    assert_one_error_rest_scanned(corpus, "炸弹.docx", "too large: word/document.xml unpacks to 60.0 MB (limit 50 MB")


def test_docx_part_over_the_ratio_limit_is_a_zip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_DOCX_RATIO_MIN_BYTES", 2**20)
    monkeypatch.setattr(reading, "MAX_DOCX_RATIO", 500)
    styles = b"<?xml version='1.0'?><w:styles " + b" " * (4 * 2**20) + b"/>"
    path = write(tmp_path, "r.docx", rezip(docx_bytes("x"), {"word/styles.xml": styles}))
    reason = read_error(path).reason
    assert reason.startswith("not a valid .docx (zip bomb: word/styles.xml is compressed ")


def test_docx_xml_parts_over_the_total_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_DOCX_TOTAL_BYTES", 2**20)
    parts = {
        f"customXml/item{i}.xml": b"<a>" + random.Random(i).randbytes(200_000).hex().encode() + b"</a>"
        for i in range(3)
    }
    path = write(tmp_path, "r.docx", rezip(docx_bytes(STUDY), parts))
    assert read_error(path).reason.startswith("too large: its XML parts unpack to ")


def test_huge_media_part_is_never_unpacked(tmp_path: Path) -> None:
    """A picture part of 60 MB (over the 50 MB XML limit, compressed 1000:1, and corrupt to boot) is not read."""
    data = docx_bytes(STUDY, picture=png_bytes())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (media,) = [n for n in archive.namelist() if n.startswith("word/media/")]
    huge = bytes(60 * 2**20)
    assert len(huge) > MAX_DOCX_PART_BYTES
    data = rezip(data, {media: huge})
    # Corrupt the picture's compressed bytes: unpacking it would fail.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(media)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    corrupt = bytearray(data)
    corrupt[start + 100 : start + 200] = b"\xff" * 100
    for name, content in (("big.docx", data), ("corrupt-picture.docx", bytes(corrupt))):
        result = read_document(write(tmp_path, name, content))
        assert result.text == STUDY + "\n"  # the picture is an empty paragraph


# --- 5. password-protected .docx ----------------------------------------------------------------------------


def test_password_protected_docx(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """Word saves an encrypted .docx as an OLE2 file holding EncryptionInfo and EncryptedPackage streams."""
    corpus = write_corpus(
        tmp_path / "corpus", {**good_files(), "加密.docx": ole_file("EncryptionInfo", "EncryptedPackage")}
    )
    assert_one_error_rest_scanned(corpus, "加密.docx", "password-protected .docx: save it without a password")


def test_ole_file_named_docx_without_known_streams(tmp_path: Path) -> None:
    """Only the magic bytes and padding: an OLE2 file, but which kind is not known."""
    path = write(tmp_path, "未知.docx", OLE_MAGIC + bytes(1024))
    assert read_error(path).reason == "password-protected or legacy Word file: save it as .docx without a password"


# --- 6. legacy .doc and .wps --------------------------------------------------------------------------------


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name in {"soffice", "libreoffice"} else real_which(name, *a, **k)
    )


def test_doc_and_wps_are_reports(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    assert {".doc", ".wps", ".pdf"} <= SUPPORTED_SUFFIXES
    corpus = write_corpus(tmp_path / "corpus", {"张三.doc": b"x", "李四.wps": b"x"})
    found, unreadable = discover(corpus)
    assert ([f.id for f in found], unreadable) == (["张三.doc", "李四.wps"], [])


@pytest.mark.usefixtures("no_libreoffice")
def test_legacy_formats_without_libreoffice(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    files = {**good_files(), "王五.doc": ole_file("WordDocument", "1Table"), "赵六.wps": ole_file("WordDocument")}
    corpus = write_corpus(tmp_path / "corpus", files)
    result, data = scan_json(corpus)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 王五.doc: legacy .doc format: save it as .docx (or install LibreOffice to convert it)",
        "error: 赵六.wps: legacy .wps format: save it as .docx (or install LibreOffice to convert it)",
    ]
    assert scanned_ids(data) == {"张三.txt", "李四.txt"}


@pytest.mark.usefixtures("no_libreoffice")
def test_word_97_file_named_docx_is_treated_as_doc(tmp_path: Path) -> None:
    path = write(tmp_path, "旧格式.docx", ole_file("WordDocument", "1Table"))
    assert read_error(path).reason.startswith("legacy .doc format: save it as .docx")


def test_encrypted_doc(tmp_path: Path) -> None:
    path = write(tmp_path, "加密.doc", ole_file("EncryptionInfo", "EncryptedPackage"))
    assert read_error(path).reason == "password-protected .doc: save it without a password"


def test_docx_saved_with_a_doc_extension_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "其实是docx.doc", docx_bytes(STUDY))
    assert read_document(path).text == STUDY


@SHELL_SCRIPTS
def test_doc_converted_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conversion path with a stand-in for LibreOffice that 'converts' to a prepared .docx: the command line
    it is given, and the text read from its output."""
    converted = write(tmp_path / "prepared", "converted.docx", docx_bytes(STUDY))
    log = tmp_path / "args.txt"
    script = (
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n'
        f'while [ "$1" != "--outdir" ]; do shift; done\nmkdir -p "$2"\ncp "{converted}" "$2/report.docx"\n'
    )
    fake = write(tmp_path / "bin", "soffice", script.encode())
    fake.chmod(0o755)
    monkeypatch.setattr(reading, "_office", lambda: str(fake))
    corpus = write_corpus_files(tmp_path / "corpus", {"王五.doc": ole_file("WordDocument"), "赵六.wps": ole_file()})
    for name, encoding in (("王五.doc", "doc"), ("赵六.wps", "wps")):
        result = read_document(corpus / name)
        assert (result.text, result.encoding) == (STUDY, encoding)
    args = log.read_text().splitlines()
    assert args[0].startswith("-env:UserInstallation=file://")
    assert args[1:6] == ["--headless", "--norestore", "--convert-to", "docx", "--outdir"]
    assert not Path(args[-1]).is_relative_to(corpus)  # a copy outside the corpus is converted
    assert sorted(os.listdir(corpus)) == ["王五.doc", "赵六.wps"]


@SHELL_SCRIPTS
def test_libreoffice_that_does_not_convert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A converter that writes nothing: one line naming the file, nothing left in the corpus folder."""
    fake = write(tmp_path / "bin", "soffice", b"#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(reading, "_office", lambda: str(fake))
    path = write(tmp_path / "corpus", "王五.doc", ole_file("WordDocument"))
    assert read_error(path).reason == "cannot convert this .doc file with LibreOffice: save it as .docx"
    assert os.listdir(tmp_path / "corpus") == ["王五.doc"]


@SHELL_SCRIPTS
def test_libreoffice_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = write(tmp_path / "bin", "soffice", b"#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(reading, "_office", lambda: str(fake))
    monkeypatch.setattr(reading, "CONVERT_TIMEOUT_SECONDS", 0.5)
    path = write(tmp_path, "王五.wps", ole_file("WordDocument"))
    assert read_error(path).reason == "cannot convert this .wps file with LibreOffice within 0.5 s"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_doc_converted_by_libreoffice(tmp_path: Path) -> None:  # pragma: no cover - needs LibreOffice
    office = shutil.which("soffice") or shutil.which("libreoffice")
    source = write(tmp_path / "src", "张三.docx", docx_bytes(STUDY.rstrip("\n")))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            tmp_path / "corpus",
            source,
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    result = read_document(tmp_path / "corpus" / "张三.doc")
    assert result.encoding == "doc"
    assert result.text.strip() == STUDY.strip()
    assert os.listdir(tmp_path / "corpus") == ["张三.doc"]  # the conversion happened elsewhere


# --- 7. PDF -------------------------------------------------------------------------------------------------


def test_pdf_text_layer_pages_joined_by_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, "report.pdf", latin_pdf(["Self review", "Page one text"], ["Page two text"]))
    result = read_document(path)
    assert result.encoding == "pdf"
    assert result.text == "Self review\nPage one text\nPage two text"


def test_pdf_with_chinese_text_layer(tmp_path: Path) -> None:
    lines = ["一、理论学习方面", "本人对党的创新理论的学习还停留在读原文、抄笔记的层面。"]
    path = write(tmp_path, "张三.pdf", chinese_pdf(lines, ["二、作风建设方面"]))
    assert read_document(path).text == "\n".join([*lines, "二、作风建设方面"])


def test_pdf_reports_are_scanned_like_the_others(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    lines = [line for line in STUDY.splitlines() if line]
    corpus = write_corpus(tmp_path / "corpus", {"张三.pdf": chinese_pdf(lines), "李四.txt": STUDY, "王五.txt": STYLE})
    result, data = scan_json(corpus)
    assert result.exit_code == 0, result.stderr
    assert scanned_ids(data) == {"张三.pdf", "李四.txt", "王五.txt"}
    assert any(
        m["kind"] == "reuse" and {m["a"]["doc"], m["b"]["doc"]} == {"张三.pdf", "李四.txt"} for m in data["matches"]
    )


def test_scanned_pdf_without_text_layer(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "扫描件.pdf": scanned_pdf()})
    assert_one_error_rest_scanned(corpus, "扫描件.pdf", "scanned PDF without a text layer: run OCR first")


def test_password_protected_pdf(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "加密.pdf": encrypted_pdf("secret")})
    assert_one_error_rest_scanned(corpus, "加密.pdf", "password-protected .pdf: save it without a password")


def test_pdf_encrypted_only_against_editing_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "限制编辑.pdf", encrypted_pdf(""))
    assert read_document(path).text == "Confidential self review"


def test_pdf_text_layer_of_control_characters(tmp_path: Path) -> None:
    """A font without a Unicode map gives codes, not characters: refused, not read as text."""
    content = b"BT /F1 12 Tf 72 760 Td (" + bytes(range(1, 9)) * 4 + b") Tj ET"
    path = write(tmp_path, "乱码.pdf", pdf_pages([content], HELVETICA, GREY_PIXEL))
    assert read_error(path).reason == "unreadable text layer in the PDF (fonts without a Unicode map): run OCR first"


def test_pdf_encrypted_with_aes_without_cryptography(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def needs_cryptography(self: pypdf.PdfReader, password: str) -> None:
        raise pypdf.errors.DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", needs_cryptography)
    path = write(tmp_path, "加密.pdf", encrypted_pdf(""))
    assert read_error(path).reason == (
        "encrypted .pdf: save it without encryption (or install 'cryptography' to open it)"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n", "not a valid .pdf (damaged or truncated)"),
        (latin_pdf(["Self review"])[:200], "not a valid .pdf (damaged or truncated)"),
        (STUDY.encode(), "not a valid .pdf (no PDF header)"),
        (
            pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
            "not a valid .pdf (no pages)",
        ),
    ],
    ids=["header-only", "truncated", "text-named-pdf", "no-pages"],
)
def test_corrupt_pdf(tmp_path: Path, data: bytes, reason: str) -> None:
    assert read_error(write(tmp_path, "坏.pdf", data)).reason == reason


def test_pdf_warnings_do_not_reach_stderr(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """pypdf's repair messages for a damaged but readable PDF are not printed: stderr stays empty."""
    data = latin_pdf(["Self review of a member"]).replace(b"startxref\n", b"startxref\n1")  # a wrong xref offset
    corpus = write_corpus(tmp_path / "corpus", {"张三.pdf": data, **good_files()})
    result = subprocess.run(
        [sys.executable, "-c", "from dupcheck.cli import main; main()", "scan", str(corpus), "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "DUPCHECK_INDEX_DIR": str(tmp_path / "indexes")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


# --- 8. very large files and --max-chars --------------------------------------------------------------------


def test_default_max_chars() -> None:
    assert DEFAULT_MAX_CHARS == 2_000_000


def test_50_mb_txt_is_refused_without_being_read(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", good_files())
    with (corpus / "王五.txt").open("wb") as handle:
        handle.truncate(50 * 2**20)  # sparse: 50 MB of NUL bytes that would read as binary if read
    assert_one_error_rest_scanned(corpus, "王五.txt", "too large: 50.0 MB (over --max-chars 2000000 characters)")


def test_text_longer_than_max_chars(tmp_path: Path) -> None:
    path = write(tmp_path, "长.txt", ("字" * 150).encode("utf-8"))  # 450 bytes: under 4 × 120, so it is decoded
    assert read_error(path, max_chars=120).reason == "too large: 150 characters (over --max-chars 120)"
    assert read_document(path, max_chars=150).text == "字" * 150


def test_file_over_four_bytes_a_character_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "长.txt", b"a" * 405)
    monkeypatch.setattr(reading, "_read_all", lambda *a: pytest.fail("read a file that is too large"))
    assert read_error(path, max_chars=100).reason == "too large: 405 bytes (over --max-chars 100 characters)"


def test_docx_and_pdf_longer_than_max_chars(tmp_path: Path) -> None:
    docx_path = write(tmp_path, "长.docx", docx_bytes(STUDY))
    assert read_error(docx_path, max_chars=20).reason == f"too large: {len(STUDY)} characters (over --max-chars 20)"
    pdf_path = write(tmp_path, "长.pdf", latin_pdf(["a" * 50], ["b" * 50]))
    assert read_error(pdf_path, max_chars=60).reason == "too large: more than --max-chars 60 characters"


def deflated_docx(document_xml: bytes) -> bytes:
    """A package whose word/document.xml is ``document_xml``, deflated (XML of one element repeated shrinks to
    a few bytes in a thousand)."""
    return rezip(docx_bytes("x"), {"word/document.xml": document_xml})


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("parsed a .docx that is too large"))


def document_xml(body: bytes, prefix: bytes = b"w") -> bytes:
    """A word/document.xml of ``body``, its elements named with ``prefix`` (b"" for the default namespace)."""
    tag = prefix + b":" if prefix else b""
    declaration = b"xmlns" + (b":" + prefix if prefix else b"")
    namespace = b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return b"<%sdocument %s=%s><%sbody>%s</%sbody></%sdocument>" % (tag, declaration, namespace, tag, body, tag, tag)


def test_docx_of_millions_of_empty_paragraphs_is_refused_before_it_is_parsed(
    tmp_path: Path, write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6.5 million empty paragraphs: 39 MB of XML in a file of about 100 KB, under every size limit."""
    data = deflated_docx(document_xml(b"<w:p/>" * 6_500_000))
    assert len(data) < 200_000
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "空段落.docx": data})
    no_parsing(monkeypatch)
    assert_one_error_rest_scanned(
        corpus,
        "空段落.docx",
        "too large: word/document.xml holds 6500000 paragraphs (over --max-chars 2000000 characters)",
    )


@pytest.mark.parametrize(
    ("prefix", "paragraph"),
    [
        (b"w", b"<w:p></w:p>"),
        (b"w", b'<w:p w:rsidR="00A1"><w:r><w:t>\xe5\xad\x97</w:t></w:r></w:p>'),
        (b"w", b"<w:p\n/>"),
        (b"ns0", b"<ns0:p/>"),  # any prefix
        (b"", b"<p/>"),  # or none
    ],
)
def test_paragraphs_over_max_chars_are_counted_in_any_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: bytes, paragraph: bytes
) -> None:
    path = write(tmp_path, "r.docx", deflated_docx(document_xml(paragraph * 31, prefix)))
    no_parsing(monkeypatch)
    assert read_error(path, max_chars=30).reason == (
        "too large: word/document.xml holds 31 paragraphs (over --max-chars 30 characters)"
    )


def test_docx_with_as_many_paragraphs_as_max_chars_is_read(tmp_path: Path) -> None:
    """Five paragraphs, four of them empty: five characters, within --max-chars 5; one more paragraph than 4."""
    path = write(tmp_path, "r.docx", docx_bytes("一", "", "", "", ""))
    assert read_document(path, max_chars=5).text == "一\n\n\n\n"
    assert (
        read_error(path, max_chars=4).reason
        == "too large: word/document.xml holds 5 paragraphs (over --max-chars 4 characters)"
    )


def test_docx_of_millions_of_elements_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One paragraph of empty runs holds no text to count but costs as much to parse as its runs."""
    monkeypatch.setattr(reading, "MAX_DOCX_ELEMENTS", 100_000)
    path = write(tmp_path, "r.docx", deflated_docx(document_xml(b"<w:p>" + b"<w:r/>" * 100_000 + b"</w:p>")))
    no_parsing(monkeypatch)
    reason = read_error(path).reason
    assert reason.startswith("too large: its XML parts hold ") and reason.endswith(" elements (limit 100000)")
    assert int(reason.split()[6]) > 100_000


def test_docx_element_limit_is_a_documented_constant() -> None:
    assert reading.MAX_DOCX_ELEMENTS == 5_000_000


@pytest.mark.parametrize("command", ["scan", "index"])
def test_max_chars_option(tmp_path: Path, write_corpus: WriteCorpus, command: str) -> None:
    corpus = write_corpus(
        tmp_path / "corpus", {"张三.txt": "短文。" * 10, "李四.txt": "短句。" * 10, "王五.txt": STYLE}
    )
    result = run(command, corpus, "--max-chars", "70", "--index", tmp_path / "idx.sqlite")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: 王五.txt: too large: {len(STYLE)} characters (over --max-chars 70)"]


def test_max_chars_option_for_check(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A corpus report over the limit is named and left out (status 1, as for a scan: the check is still
    reported); a draft over it ends the check (status 1)."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": "短文。" * 10, "李四.txt": STYLE})
    short = write(tmp_path, "王五-草稿.txt", ("短句。" * 10).encode())
    result = run("check", short, "--against", corpus, "--max-chars", "70")
    assert result.exit_code == 1 and "王五" in result.stdout
    assert result.stderr.splitlines() == [f"error: 李四.txt: too large: {len(STYLE)} characters (over --max-chars 70)"]
    long = write(tmp_path, "赵六-草稿.txt", SERVICE.encode())
    result = run("check", long, "--against", corpus, "--max-chars", "70")
    assert result.exit_code == 1
    assert f"赵六-草稿.txt: too large: {len(SERVICE)} characters (over --max-chars 70)" in result.stderr


def test_max_chars_must_be_positive(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", good_files())
    assert run("scan", corpus, "--max-chars", "0").exit_code == 2


# --- 9. encodings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (STUDY.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF8 + STUDY.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + STUDY.encode("utf-16-le"), "utf-16"),
        (STUDY.encode("utf-16-le"), "utf-16-le"),  # Notepad-style UTF-16 saved without its BOM
        (STUDY.encode("utf-16-be"), "utf-16-be"),
        (STUDY.encode("utf-8"), "utf-8"),  # never taken for BOM-less UTF-16
    ],
    ids=["gb18030", "utf8-bom", "utf16le-bom", "utf16le-no-bom", "utf16be-no-bom", "utf8"],
)
def test_encodings_read_exactly(tmp_path: Path, data: bytes, encoding: str) -> None:
    result = read_document(write(tmp_path, "r.txt", data))
    assert (result.text, result.encoding, result.replaced) == (STUDY, encoding, 0)


def test_big5_traditional_chinese(tmp_path: Path) -> None:
    result = read_document(write(tmp_path, "繁體.txt", BIG5_TEXT.encode("big5")))
    assert result.text == BIG5_TEXT
    assert result.encoding in {"big5", "cp950", "big5hkscs"}


@pytest.mark.parametrize("codec", ["gb18030", "utf-8"])
def test_one_corrupt_byte_is_replaced_and_the_rest_kept(tmp_path: Path, codec: str) -> None:
    data = STUDY.encode(codec)
    at = len("一、理论学习方面\n本人对党的".encode(codec))  # between two characters
    result = read_document(write(tmp_path, "r.txt", data[:at] + b"\xff" + data[at:]))
    assert (
        result.text
        == STUDY[: len("一、理论学习方面\n本人对党的")] + "\ufffd" + STUDY[len("一、理论学习方面\n本人对党的") :]
    )
    assert (result.encoding, result.replaced) == (codec, 1)


def test_gb18030_cut_off_mid_character(tmp_path: Path) -> None:
    data = STUDY.rstrip("\n").encode("gb18030")[:-1]
    result = read_document(write(tmp_path, "r.txt", data))
    assert result.text == STUDY.rstrip("\n")[:-1] + "\ufffd"
    assert result.encoding == "gb18030"


@pytest.mark.parametrize(("bad", "read"), [(3, True), (4, True), (5, False), (12, False)])
def test_a_few_corrupt_bytes_are_tolerated_up_to_one_in_a_thousand_characters(
    tmp_path: Path, bad: int, read: bool
) -> None:
    """4,000 characters of GB18030 tolerate at most 4 corrupt bytes (1 in 1,000; 3 in any text): 5 are a
    sign of another encoding, not of a few damaged bytes, and the file is refused rather than half replaced."""
    text = (STUDY * (4000 // len(STUDY) + 1))[:4000]
    data = bytearray(text.encode("gb18030"))
    # Inserted between two characters, from the end so that the earlier offsets still hold.
    for n in range(bad, 0, -1):
        data.insert(len(text[: n * len(text) // (bad + 1)].encode("gb18030")), 0xFF)
    path = write(tmp_path, "r.txt", bytes(data))
    if read:
        assert read_document(path).replaced == bad
    else:
        assert read_error(path).reason == "mixed or unknown text encoding: save it as UTF-8"


def test_many_corrupt_bytes_are_not_read_as_chinese(tmp_path: Path) -> None:
    data = bytearray(STUDY.encode("gb18030"))
    for i in range(0, len(data), 10):
        data[i] = 0xFF
    reason = read_error(write(tmp_path, "r.txt", bytes(data))).reason
    assert reason == "mixed or unknown text encoding: save it as UTF-8"  # not a text with a tenth replaced


@pytest.mark.parametrize("codecs_", [("gb18030", "utf-8"), ("utf-8", "gb18030")])
def test_two_encodings_in_one_file_are_refused_clearly(tmp_path: Path, codecs_: tuple[str, str]) -> None:
    """A GB18030 file with a UTF-8 paragraph pasted in (or the other way round): no half of it is mojibake."""
    data = STUDY.encode(codecs_[0]) + STYLE.encode(codecs_[1])
    reason = read_error(write(tmp_path, "混合.txt", data)).reason
    assert reason == "mixed or unknown text encoding: save it as UTF-8"


# --- 10. file names -----------------------------------------------------------------------------------------


def test_odd_file_names_are_scanned_with_exact_ids(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    names = {
        "张三 述职报告.txt": "张三",
        "综合 办公室/李四-发言 提纲.txt": "李四",
        unicodedata.normalize("NFD", "Zoé-初稿.txt"): "Zoé",
        unicodedata.normalize("NFC", "Zoé-终稿.txt"): "Zoé",  # same member, whichever form the name is in
        "😀王五_材料.md": "😀王五",
        "赵六（党支部）.txt": "赵六（党支部）",
    }
    texts = [
        STUDY,
        STYLE,
        SERVICE,
        STUDY.replace("本人", "我"),
        STYLE.replace("我", "本人"),
        SERVICE.replace("我", "本人"),
    ]
    files: dict[str, str | bytes] = dict(zip(names, texts, strict=True))
    newline_name = "孙\n七.txt"
    try:
        (tmp_path / newline_name).write_text("x")
        files[newline_name] = "四、纪律方面\n执行请示报告制度有时不够及时，对个人有关事项的报告存在拖延现象。\n"
        names[newline_name] = "孙"  # a newline separates like a space
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    corpus = write_corpus(tmp_path / "corpus", files)
    result, data = scan_json(corpus, "--members-by", "file")  # names cut at the first separator, as given
    assert result.exit_code == 0, result.stderr
    assert {d["id"]: d["member"] for d in data["documents"]} == {
        name: unicodedata.normalize("NFC", member) for name, member in names.items()
    }


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes are a Linux thing")
def test_file_name_that_is_not_utf8(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A name in GBK bytes (a zip made on Chinese Windows): read, shown with U+FFFD, output still printable."""
    corpus = write_corpus(tmp_path / "corpus", good_files())
    raw = os.fsencode(corpus) + b"/" + "王五-材料.txt".encode("gbk")
    try:
        with open(raw, "wb") as handle:
            handle.write(SERVICE.encode())
    except OSError:  # pragma: no cover
        pytest.skip("the file system refuses non-UTF-8 names")
    for fmt in ("json", "table"):
        result = run("scan", corpus, "--format", fmt)
        assert result.exit_code == 0, (result.stderr, result.exception)
    _, data = scan_json(corpus)
    (odd,) = scanned_ids(data) - {"张三.txt", "李四.txt"}
    assert "\ufffd" in odd
    odd.encode("utf-8")  # printable


# --- 11. unreadable files -----------------------------------------------------------------------------------


def test_permission_denied_through_the_open_call(
    tmp_path: Path, write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, chmod 000 does not stop reading: the denial is simulated at the open call the reader makes."""
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "王五.txt": SERVICE, "赵六.docx": docx_bytes(STYLE)})
    real_open = pathlib.Path.open

    def denying_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name in {"王五.txt", "赵六.docx"}:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", denying_open)
    result, data = scan_json(corpus)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 王五.txt: cannot read file (Permission denied)",
        "error: 赵六.docx: cannot read file (Permission denied)",
    ]
    assert scanned_ids(data) == {"张三.txt", "李四.txt"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_by_chmod(tmp_path: Path, write_corpus: WriteCorpus) -> None:  # pragma: no cover - as root
    corpus = write_corpus(tmp_path / "corpus", {**good_files(), "王五.txt": SERVICE})
    (corpus / "王五.txt").chmod(0)
    try:
        assert_one_error_rest_scanned(corpus, "王五.txt", "cannot read file (Permission denied)")
    finally:
        (corpus / "王五.txt").chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_does_not_block(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", good_files())
    os.mkfifo(corpus / "管道.txt")
    assert_one_error_rest_scanned(corpus, "管道.txt", "cannot read file (not a regular file)")


def test_folder_named_like_a_report(tmp_path: Path) -> None:
    (tmp_path / "文件夹.docx").mkdir()
    assert read_error(tmp_path / "文件夹.docx").reason == "cannot read file (it is a folder)"


# --- 12. links ----------------------------------------------------------------------------------------------


def symlink(link: Path, target: Path | str, *, folder: bool = False) -> None:
    try:
        os.symlink(target, link, target_is_directory=folder)
    except (OSError, NotImplementedError) as error:  # pragma: no cover - platforms without symlinks
        pytest.skip(f"cannot create symlinks here: {error}")


def test_links(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """File links are followed, folder links never, broken links and link loops are unreadable files."""
    outside = write_corpus(
        tmp_path / "outside", {"王五-材料.txt": SERVICE, "子目录/钱八.txt": STUDY.replace("本人", "我")}
    )
    corpus = write_corpus(tmp_path / "corpus", good_files())
    symlink(corpus / "王五.txt", outside / "王五-材料.txt")  # a file outside the corpus: read, as 王五.txt
    symlink(corpus / "外部目录", outside / "子目录", folder=True)  # never followed, silently
    symlink(corpus / "回环目录", corpus, folder=True)
    symlink(corpus / "断链.txt", tmp_path / "不存在.txt")
    symlink(corpus / "甲.txt", "乙.txt")
    symlink(corpus / "乙.txt", "甲.txt")
    symlink(corpus / "丙-张三副本.txt", "张三.txt")  # a second name for a report of the corpus
    result, data = scan_json(corpus)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 丙-张三副本.txt: same file as '张三.txt' (a link to it): read once",
        "error: 乙.txt: cannot read file (link loop)",
        "error: 断链.txt: cannot read file (broken link)",
        "error: 甲.txt: cannot read file (link loop)",
    ]
    assert {d["id"]: d["member"] for d in data["documents"]} == {
        "张三.txt": "张三",
        "李四.txt": "李四",
        "王五.txt": "王五",
    }


def test_self_link(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", good_files())
    symlink(corpus / "自己.txt", "自己.txt")
    assert_one_error_rest_scanned(corpus, "自己.txt", "cannot read file (link loop)")


# --- 13. two files of one member, identical files -----------------------------------------------------------


def test_identical_files_of_two_members_are_reuse(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": STUDY, "李四.txt": STUDY, "王五.txt": STYLE})
    result, data = scan_json(corpus)
    assert result.exit_code == 0
    documents = {d["id"]: d for d in data["documents"]}
    for ident, partner in (("张三.txt", "李四"), ("李四.txt", "张三")):
        assert documents[ident]["reuse"] >= 0.98
        assert documents[ident]["top_partner"] == partner
    assert documents["王五.txt"]["originality"] == 1.0


def test_identical_files_of_one_member_are_two_documents_never_reuse(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"张三-初稿.txt": STUDY, "张三-终稿.txt": STUDY, "李四.txt": STYLE})
    by_name = scan_json(corpus)[1]  # found by name: two versions of one report, the final one reported
    assert {d["id"]: d["earlier_versions"] for d in by_name["documents"]} == {
        "张三-终稿.txt": ["张三-初稿.txt"],
        "李四.txt": [],
    }
    assert by_name["matches"] == []
    result, data = scan_json(corpus, "--members-by", "file")  # by the older rule: two documents of one member
    assert result.exit_code == 0
    assert result.stderr == ""
    documents = {d["id"]: d for d in data["documents"]}
    assert set(documents) == {"张三-初稿.txt", "张三-终稿.txt", "李四.txt"}
    for ident in ("张三-初稿.txt", "张三-终稿.txt"):
        shares = documents[ident]
        assert (shares["originality"], shares["reuse"], shares["top_partner"]) == (1.0, 0.0, None)
    assert data["matches"] == []


# --- 14. no corpus, no report -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["scan", "index"])
def test_missing_corpus_is_a_usage_error(tmp_path: Path, command: str) -> None:
    result = run(command, tmp_path / "没有这个文件夹")
    assert result.exit_code == 2
    assert "does not exist or is not a folder" in result.stderr


@pytest.mark.parametrize(
    "files",
    [{}, {".隐藏.txt": STUDY, "~$张三.docx": b"\x05owner"}, {"templates/模板.txt": STUDY}],
    ids=["empty-folder", "only-hidden-and-lock-files", "only-templates"],
)
@pytest.mark.parametrize("command", ["scan", "index"])
def test_corpus_without_report_is_a_usage_error(
    tmp_path: Path, write_corpus: WriteCorpus, files: dict[str, str | bytes], command: str
) -> None:
    corpus = write_corpus(tmp_path / "corpus", files)
    result = run(command, corpus)
    assert result.exit_code == 2
    assert "holds no report" in result.stderr


def test_check_against_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    draft = write(tmp_path, "张三.txt", STUDY.encode())
    assert run("check", draft, "--against", tmp_path / "没有").exit_code == 2


def test_library_scan_of_missing_corpus(tmp_path: Path) -> None:
    from dupcheck.errors import UsageError

    with pytest.raises(UsageError):
        scan(tmp_path / "没有")


# --- 15. fuzzing: any bytes give text or a ReadError --------------------------------------------------------


def check_read(path: Path) -> None:
    try:
        result = read_document(path)
    except ReadError as error:
        assert error.path == str(path)
        assert error.reason and "\n" not in error.reason
        return
    assert isinstance(result, ReadText)
    assert isinstance(result.text, str) and result.text.strip()
    for hint in result.hints:
        assert 0 <= hint.start <= hint.end <= len(result.text)


def mutated(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


SAMPLE_DOCX = docx_bytes(STUDY, STYLE)
SAMPLE_PDF = latin_pdf(["Self review", "of a member"], ["second page"])
EDITS = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8)
FUZZ = settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_fuzz_any_bytes_any_suffix(fuzz_dir: Path, no_libreoffice: None, data: bytes, suffix: str) -> None:
    check_read(write(fuzz_dir, f"any{suffix}", data))


@FUZZ
@given(edits=EDITS, cut=st.integers(min_value=1))
def test_fuzz_damaged_docx(fuzz_dir: Path, edits: list[tuple[int, int]], cut: int) -> None:
    data = mutated(SAMPLE_DOCX, edits)
    check_read(write(fuzz_dir, "damaged.docx", data))
    check_read(write(fuzz_dir, "cut.docx", SAMPLE_DOCX[: cut % len(SAMPLE_DOCX)]))


@FUZZ
@given(document_xml=st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode)))
def test_fuzz_docx_with_any_document_xml(fuzz_dir: Path, document_xml: bytes) -> None:
    check_read(write(fuzz_dir, "xml.docx", rezip(SAMPLE_DOCX, {"word/document.xml": document_xml})))


@FUZZ
@given(edits=EDITS, cut=st.integers(min_value=1))
def test_fuzz_damaged_pdf(fuzz_dir: Path, edits: list[tuple[int, int]], cut: int) -> None:
    check_read(write(fuzz_dir, "damaged.pdf", mutated(SAMPLE_PDF, edits)))
    check_read(write(fuzz_dir, "cut.pdf", SAMPLE_PDF[: cut % len(SAMPLE_PDF)]))


@FUZZ
@given(text=st.text(min_size=1, max_size=300), codec=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]))
def test_fuzz_text_in_any_encoding(fuzz_dir: Path, text: str, codec: str) -> None:
    check_read(write(fuzz_dir, "text.md", text.encode(codec, errors="replace")))
