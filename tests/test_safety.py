"""Safety: dupcheck never writes into the corpus and never uses the network; what it writes (HTML, CSV, an
SQLite index) cannot be turned against whoever opens it; and the normaliser and the outliner hold their
invariants on any text (property tests).
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import FakeTerminal
from test_export import EVERY, OBEYED, raw_controls
from test_scan import COPIED, prose, report_text, write
from test_untrusted import excel_sees

from dupcheck import cli as cli_module
from dupcheck.check import check_draft, load_draft
from dupcheck.cli import cli
from dupcheck.export import CSV_FILES, write_csv
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.html_report import decode_chunk, render_html
from dupcheck.index import SQLiteIndex, default_index_path
from dupcheck.members import Membership
from dupcheck.model import ScanSettings
from dupcheck.normalise import normalise
from dupcheck.read_text import HeadingHint
from dupcheck.scan import scan
from dupcheck.sections import find_sections
from dupcheck.untrusted import safe_cell

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpus"
DRAFT_NAME = "王五-对照检查材料.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the example corpus (.txt in three encodings, .md, .docx, a templates folder)."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "corpus"))


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder beside the corpus for everything dupcheck writes; the default index goes there too."""
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setenv("DUPCHECK_INDEX_DIR", str(folder / "index"))
    return folder


@pytest.fixture
def draft(outside: Path) -> Path:
    """A draft that takes a paragraph from a member of the example corpus."""
    taken = (EXAMPLE / "高远.txt").read_text(encoding="utf-8")[200:500]
    path = outside / DRAFT_NAME
    path.write_text(f"对照检查材料\n一、存在的问题\n{prose(5, 200)}\n{taken}\n{prose(6, 200)}\n", encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder below ``root`` (and ``root`` itself): type and permissions, size (files),
    modification time and, for files, the SHA-256 of the content."""
    entries: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                entries[rel] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
            else:
                entries[rel] = (info.st_mode, info.st_mtime_ns)
    return entries


def run(*args: Any) -> Result:
    """The CLI in this process (so the write and network guards below see everything it does)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def every_command(corpus: Path, outside: Path, draft: Path) -> list[list[Any]]:
    """Each command and output of dupcheck, writing only to ``outside``."""
    return [
        ["scan", corpus],
        ["scan", corpus, "--evidence", "--format", "table", "--output", outside / "report.txt"],
        ["scan", corpus, "--format", "json", "--output", outside / "report.json"],
        ["scan", corpus, "--format", "csv", "--output", outside / "csv"],
        ["scan", corpus, "--format", "xlsx", "--output", outside / "report.xlsx"],
        ["scan", corpus, "--html", outside / "report.html", "--lang", "en"],
        ["index", corpus],  # to the default index, under DUPCHECK_INDEX_DIR
        ["index", corpus, "--index", outside / "named.sqlite", "--round", "2024"],
        ["scan", corpus, "--format", "json", "--output", outside / "indexed.json"],  # through the default index
        ["check", draft, "--against", corpus],
        ["check", draft, "--against", corpus, "--add"],
        ["check", draft, "--against", corpus, "--format", "json", "--output", outside / "check.json"],
        ["check", draft, "--against", corpus, "--html", outside / "check.html"],
        ["check", draft, "--against", outside / "named.sqlite", "--round", "2024", "--add"],
        ["text", corpus / "运维检修部" / "李晓梅-对照检查材料.docx"],
    ]


def run_every_command(corpus: Path, outside: Path, draft: Path) -> None:
    for args in every_command(corpus, outside, draft):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    for name in ("report.txt", "report.json", "report.xlsx", "report.html", "indexed.json", "check.json", "check.html"):
        assert (outside / name).stat().st_size > 0, name
    assert sorted(p.name for p in (outside / "csv").iterdir()) == sorted(CSV_FILES)
    assert default_index_path(corpus).is_file() and default_index_path(corpus).is_relative_to(outside)


# ---------------------------------------------------------------------------------------------------------
# Guards: writes into a folder, and the network, raise and are recorded. Both the Python functions that
# write (monkeypatched) and the interpreter's audit events (which also see C code and functions imported
# before the patch) are watched.


class WriteIntoCorpus(AssertionError):
    """Raised for a write into a guarded folder (an AssertionError, so no `except OSError` swallows it)."""


class NetworkUse(AssertionError):
    """Raised for any use of a socket or a name lookup while the network is blocked."""


_GUARDED: list[Path] = []  # folders no write may reach
_NETWORK_BLOCKED: list[bool] = []
VIOLATIONS: list[str] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WRITE_EVENTS = {  # audit event -> positions of the paths it writes
    "os.mkdir": (0,),
    "os.rename": (0, 1),  # os.replace raises it too
    "os.remove": (0,),  # os.unlink too
    "os.rmdir": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.truncate": (0,),
    "os.link": (1,),
    "os.symlink": (1,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.copyfile": (1,),
    "shutil.copymode": (1,),
    "shutil.copystat": (1,),
    "shutil.copytree": (1,),
    "shutil.move": (0, 1),
    "shutil.rmtree": (0,),
    "sqlite3.connect": (0,),  # SQLite opens its file (and journal) for writing
}


def _inside_guarded(path: Any) -> bool:
    if not _GUARDED or path is None or isinstance(path, int):
        return False
    try:
        name = os.fsdecode(path)
    except TypeError:
        return False
    if name in ("", ":memory:"):
        return False
    resolved = Path(os.path.realpath(name.removeprefix("file:").split("?")[0]))
    return any(resolved == root or resolved.is_relative_to(root) for root in _GUARDED)


def _refuse_write(what: str, path: Any) -> None:
    if _inside_guarded(path):
        VIOLATIONS.append(f"{what}: {path}")
        raise WriteIntoCorpus(f"{what} into the corpus: {path}")


def _is_write_mode(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _audit(event: str, args: tuple) -> None:
    if _GUARDED:
        if event == "open" and _is_write_mode(args[1], args[2]):
            _refuse_write("open for writing", args[0])
        elif event in _WRITE_EVENTS:
            for i in _WRITE_EVENTS[event]:
                if i < len(args):
                    _refuse_write(event, args[i])
    if _NETWORK_BLOCKED and event.startswith("socket."):
        VIOLATIONS.append(event)
        raise NetworkUse(f"network use: {event}{args!r}")


sys.addaudithook(_audit)  # a hook cannot be removed: it does nothing unless a guard is on


@contextmanager
def no_writes_into(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every write into ``folder`` raises WriteIntoCorpus; the test fails if one happened, even if caught."""

    def guard_open(real: Callable) -> Callable:
        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if _is_write_mode(mode, None):
                _refuse_write("open for writing", file)
            return real(file, mode, *args, **kwargs)

        return open_

    def guard_os_open(real: Callable) -> Callable:
        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
            if flags & _WRITE_FLAGS:
                _refuse_write("os.open for writing", path)
            return real(path, flags, *args, **kwargs)

        return os_open

    def guard_path_method(name: str) -> Callable:
        real = getattr(Path, name)

        def method(self: Path, *args: Any, **kwargs: Any) -> Any:
            _refuse_write(f"Path.{name}", self)
            for arg in args[:1]:  # rename/replace/symlink_to/hardlink_to: the other path
                if isinstance(arg, str | os.PathLike):
                    _refuse_write(f"Path.{name}", arg)
            return real(self, *args, **kwargs)

        return method

    def guard_function(module: Any, name: str, positions: tuple[int, ...]) -> None:
        real = getattr(module, name)

        def function(*args: Any, **kwargs: Any) -> Any:
            for i in positions:
                if i < len(args):
                    _refuse_write(f"{module.__name__}.{name}", args[i])
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, function)

    def guard_path_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if _is_write_mode(mode, None):
            _refuse_write("Path.open for writing", self)
        return real_path_open(self, mode, *args, **kwargs)

    real_path_open = Path.open
    monkeypatch.setattr(builtins, "open", guard_open(builtins.open))
    monkeypatch.setattr(io, "open", guard_open(io.open))
    monkeypatch.setattr(os, "open", guard_os_open(os.open))
    monkeypatch.setattr(Path, "open", guard_path_open)
    for name in ("write_text", "write_bytes", "touch", "mkdir", "unlink", "rmdir", "rename", "replace", "chmod"):
        monkeypatch.setattr(Path, name, guard_path_method(name))
    monkeypatch.setattr(Path, "symlink_to", guard_path_method("symlink_to"))
    monkeypatch.setattr(Path, "hardlink_to", guard_path_method("hardlink_to"))
    for name, positions in {
        "mkdir": (0,),
        "makedirs": (0,),
        "remove": (0,),
        "unlink": (0,),
        "rmdir": (0,),
        "rename": (0, 1),
        "replace": (0, 1),
        "chmod": (0,),
        "utime": (0,),
        "truncate": (0,),
    }.items():
        guard_function(os, name, positions)
    guard_function(sqlite3, "connect", (0,))
    for name in ("copy", "copy2", "copyfile", "copytree", "move", "rmtree"):
        guard_function(shutil, name, (1,) if name != "rmtree" else (0,))

    VIOLATIONS.clear()
    _GUARDED.append(folder.resolve())
    try:
        yield
    finally:
        _GUARDED.clear()
    assert VIOLATIONS == [], "writes into the corpus"


@contextmanager
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Sockets cannot be made, connected or named: each attempt raises NetworkUse and fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        VIOLATIONS.append("socket function")
        raise NetworkUse(f"network use: {args!r}")

    class NoSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            refuse(*args, **kwargs)

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse)
    VIOLATIONS.clear()
    _NETWORK_BLOCKED.append(True)
    try:
        yield
    finally:
        _NETWORK_BLOCKED.clear()
    assert VIOLATIONS == [], "network use"


def test_the_write_guard_catches_every_kind_of_write(tmp_path, monkeypatch):
    """The guard is not vacuous: each way of writing into the folder raises, reading does not."""
    folder = tmp_path / "guarded"
    folder.mkdir()
    (folder / "a.txt").write_text("内容", encoding="utf-8")
    attempts: list[Callable[[], object]] = [
        lambda: open(folder / "b.txt", "w"),  # noqa: SIM115
        lambda: io.open(folder / "b.txt", "ab"),  # noqa: UP020, SIM115
        lambda: (folder / "b.txt").write_text("x"),
        lambda: (folder / "a.txt").write_bytes(b"x"),
        lambda: (folder / "a.txt").open("r+"),
        lambda: (folder / "sub").mkdir(),
        lambda: (folder / "a.txt").unlink(),
        lambda: (folder / "a.txt").touch(),
        lambda: os.open(folder / "b.txt", os.O_WRONLY | os.O_CREAT),
        lambda: os.replace(tmp_path / "elsewhere", folder / "a.txt"),
        lambda: sqlite3.connect(folder / "index.sqlite"),
        lambda: shutil.copyfile(folder / "a.txt", folder / "c.txt"),
        lambda: os.utime(folder / "a.txt"),
    ]
    for attempt in attempts:
        with pytest.raises(WriteIntoCorpus), no_writes_into(folder, monkeypatch):
            attempt()
    VIOLATIONS.clear()
    with no_writes_into(folder, monkeypatch):
        assert (folder / "a.txt").read_text(encoding="utf-8") == "内容"
        with open(folder / "a.txt", "rb") as handle:
            assert handle.read()
        (tmp_path / "outside.txt").write_text("x")
        sqlite3.connect(tmp_path / "outside.sqlite").close()
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_the_network_guard_blocks_sockets_and_name_lookups(monkeypatch):
    """The guard is not vacuous: a connection, a lookup and a raw socket all raise."""
    for attempt in (
        lambda: socket.create_connection(("127.0.0.1", 9), timeout=0.1),
        lambda: socket.getaddrinfo("localhost", 80),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM),
        lambda: __import__("_socket").socket(),  # the C socket type itself: caught by the audit hook
    ):
        with pytest.raises(NetworkUse), no_network(monkeypatch):
            attempt()
    VIOLATIONS.clear()


# ---------------------------------------------------------------------------------------------------------
# Never a write into the corpus


def test_no_command_changes_the_corpus(corpus, outside, draft):
    """Scans (table, JSON, CSV, HTML), index builds and checks with --add leave every file and folder of the
    corpus as it was: same names, sizes, modification times and SHA-256."""
    before = snapshot(corpus)
    run_every_command(corpus, outside, draft)
    assert snapshot(corpus) == before


def test_no_command_writes_into_the_corpus_under_the_write_guard(corpus, outside, draft, monkeypatch):
    """The same commands, and the library calls they make, with every write into the corpus raising."""
    before = snapshot(corpus)
    with no_writes_into(corpus, monkeypatch):
        run_every_command(corpus, outside, draft)
        report = scan(corpus)
        index = SQLiteIndex(outside / "library.sqlite", FingerprintSettings())
        try:
            indexed = scan(corpus, index=index)
            document = load_draft(draft)
            others, population = index.reference_for(document, "", ScanSettings())
            checked = check_draft(document, others, ScanSettings(), population)
            index.add(document)
        finally:
            index.close()
        write_csv(report, outside / "library-csv", threshold=0.7)
        (outside / "library.html").write_text(render_html(checked), encoding="utf-8")
    assert [d.id for d in indexed.documents] == [d.id for d in report.documents]
    assert snapshot(corpus) == before


def test_a_read_only_corpus_is_enough(corpus, outside, draft):
    """Every command works on a corpus without write permission (chmod -R a-w). As root that does not stop a
    write, which is why the guard above exists; this shows dupcheck needs no write access to the corpus."""
    for path in [corpus, *corpus.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        before = snapshot(corpus)
        run_every_command(corpus, outside, draft)
        assert snapshot(corpus) == before
    finally:
        for path in [corpus, *corpus.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


INSIDE = [
    pytest.param(["scan", "{corpus}", "--format", "json", "--output", "{corpus}/report.json"], id="scan-json-output"),
    pytest.param(["scan", "{corpus}", "--output", "{corpus}/结果/report.txt"], id="scan-table-output"),
    pytest.param(["scan", "{corpus}", "--format", "csv", "--output", "{corpus}/csv"], id="scan-csv-folder"),
    pytest.param(["scan", "{corpus}", "--format", "csv", "--output", "{corpus}"], id="scan-csv-into-corpus-itself"),
    pytest.param(["scan", "{corpus}", "--format", "xlsx", "--output", "{corpus}/r.xlsx"], id="scan-xlsx"),
    pytest.param(["scan", "{corpus}", "--html", "{corpus}/report.html"], id="scan-html"),
    pytest.param(["scan", "{corpus}", "--html", "{corpus}/综合办公室/../report.html"], id="scan-html-dotdot"),
    pytest.param(["scan", "{corpus}", "--format", "json", "--output", "{outside}/link/r.json"], id="via-symlink"),
    pytest.param(["scan", "{corpus}", "--index", "{corpus}/index.sqlite"], id="scan-index"),
    pytest.param(["index", "{corpus}", "--index", "{corpus}/index.sqlite"], id="index-index"),
    pytest.param(["index", "{corpus}", "--index", "{corpus}/sub/index.sqlite", "--rebuild"], id="index-rebuild"),
    pytest.param(["check", "{draft}", "--against", "{corpus}", "--html", "{corpus}/check.html"], id="check-html"),
    pytest.param(["check", "{draft}", "--against", "{corpus}", "--output", "{corpus}/check.txt"], id="check-output"),
]


@pytest.mark.parametrize("args", INSIDE)
def test_an_output_inside_the_corpus_is_refused(corpus, outside, draft, args):
    """--output, --html and --index inside the corpus: exit 2 with the reason, and nothing left behind."""
    (outside / "link").symlink_to(corpus)
    values = {"corpus": corpus, "outside": outside, "draft": draft}
    before = snapshot(corpus)
    result = run(*(a.format(**values) for a in args))
    assert result.exit_code == 2, result.output
    assert "corpus" in result.output
    assert snapshot(corpus) == before


def test_a_default_index_dir_inside_the_corpus_is_refused(corpus, outside, monkeypatch):
    """DUPCHECK_INDEX_DIR pointing into the corpus is refused like --index."""
    monkeypatch.setenv("DUPCHECK_INDEX_DIR", str(corpus / ".dupcheck"))
    before = snapshot(corpus)
    result = run("index", corpus)
    assert result.exit_code == 2 and "inside the corpus" in result.output
    assert snapshot(corpus) == before


# ---------------------------------------------------------------------------------------------------------
# No network


def test_library_and_cli_work_without_network(outside, draft, monkeypatch):
    """The example corpus scanned, indexed (SQLite), checked, and written as CSV and HTML, through the library
    and through the CLI, with sockets and name lookups raising."""
    with no_network(monkeypatch):
        report = scan(EXAMPLE)
        assert report.errors == [] and report.pairs
        index = SQLiteIndex(outside / "library.sqlite", FingerprintSettings())
        try:
            update = index.update(EXAMPLE)
            indexed = scan(EXAMPLE, index=index)  # its own update changes nothing
            document = load_draft(draft)
            others, population = index.reference_for(document, "", ScanSettings())
            checked = check_draft(document, others, ScanSettings(), population)
            index.add(document)
        finally:
            index.close()
        assert update.added and indexed.pairs == report.pairs
        assert checked.documents[0].shares.reuse > 0
        assert len(write_csv(report, outside / "csv", threshold=0.7)) == len(CSV_FILES)
        assert "<!DOCTYPE html>" in render_html(report)
        run_every_command(EXAMPLE, outside, draft)


# ---------------------------------------------------------------------------------------------------------
# What dupcheck writes cannot be turned against the reader


def test_html_report_escapes_document_text(tmp_path):
    """Text that would close the data's script element or open a tag stays data: none of it appears raw."""
    payload = "</script><script>alert(1)</script><img src=x onerror=alert(2)><!--"
    files = {f"成员{i}.txt": report_text(i, COPIED + payload if i < 2 else "") for i in range(4)}
    files["<b>成员9.txt"] = payload + report_text(9)
    page = render_html(scan(write(tmp_path / "c", files)))
    assert payload not in page and "<script>alert" not in page and "<img src=x" not in page
    assert page.count("</script>") == page.count("<script")  # only the page's own script elements
    data = re.search(r'<script type="application/json" id="dupcheck-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None and "<b>成员9" in json.loads(data.group(1))["members"]["<b>成员9.txt"]
    # The texts travel compressed: the payload is in them, as it was, once decoded.
    chunks = re.findall(r'<script type="text/plain" id="dupcheck-chunk-\d+">([A-Za-z0-9+/=]*)</script>', page)
    texts = {doc: e["text"] for b64 in chunks for doc, e in decode_chunk(b64).items()}
    assert payload in texts["成员0.txt"] and texts["<b>成员9.txt"].startswith(payload)


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def test_csv_cells_cannot_start_a_formula(tmp_path):
    """Cells beginning with = + - @, a tab or a carriage return are written as text (a leading quote), whether
    they come from a file name, a folder name or a section title."""
    for value in FORMULAS:
        assert safe_cell(value) == "'" + value
    assert safe_cell("成员") == "成员" and safe_cell(0.5) == 0.5
    files = {
        "=HYPERLINK(1)/+成员甲.txt": "=cmd|' /C calc'!A0\n" + report_text(1, COPIED),
        "-成员乙.txt": "@SUM(A1:A2)\n" + report_text(2, COPIED),
        "@成员丙.txt": report_text(3),
        "\t成员丁.txt": report_text(4),
        "\r成员戊.txt": report_text(5),
    }
    report = scan(write(tmp_path / "c", files))
    assert report.pairs
    cells = []
    for path in write_csv(report, tmp_path / "csv", threshold=0.7):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for expected in (
        "'=cmd|' /C calc'!A0",
        "'@SUM(A1:A2)",
        "'=HYPERLINK(1)",
        "'-成员乙",
        "'@成员丙.txt",
        "'\t成员丁.txt",
    ):
        assert any(cell.startswith(expected) for cell in cells), expected


def test_csv_cells_cannot_start_a_formula_after_whitespace_or_in_full_width(tmp_path):
    """Excel and WPS drop leading whitespace (U+3000 and NBSP too) and read full-width ＝＋－＠ as formula signs
    in some locales: such names and folders are written quoted, and nothing reads as a formula once stripped."""
    files = {
        "　＝HYPERLINK(1)/＋成员己.txt": report_text(6, COPIED),
        " =成员庚.txt": report_text(7, COPIED),
        "\xa0@成员辛.txt": report_text(8),
        "\n-成员壬.txt": report_text(9),
        "－成员癸.txt": report_text(10),
    }
    report = scan(write(tmp_path / "c", files), membership=Membership(by="file"))
    cells = []
    for path in write_csv(report, tmp_path / "csv", threshold=0.7):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if excel_sees(cell).startswith(tuple("=+-@＝＋－＠"))]
    for expected in (
        "'　＝HYPERLINK(1)/＋成员己.txt",
        "'　＝HYPERLINK(1)",
        "' =成员庚.txt",
        "'\xa0@成员辛.txt",
        "'\n-成员壬.txt",
    ):
        assert expected in cells, expected
    assert {"'＋成员己", "'－成员癸", "'=成员庚", "'-成员壬"} <= set(cells)  # members


# ---------------------------------------------------------------------------------------------------------
# What is printed cannot be turned against the reviewer's terminal


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """A corpus whose names and shared passage hold every kind of control a terminal obeys; a draft, an
    unreadable file and a link named likewise; a folder and a broken index beside it."""
    passage = COPIED[:130] + EVERY + COPIED[130:]
    corpus = write(
        tmp_path / "c",
        {
            f"甲{EVERY}-对照检查材料.txt": report_text(1, passage),
            f"乙{EVERY}-对照检查材料.txt": report_text(2, passage),
            "丙-对照检查材料.txt": report_text(3),
        },
    )
    (corpus / f"坏{EVERY}.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / f"链{EVERY}.txt").symlink_to(corpus / f"甲{EVERY}-对照检查材料.txt")
    out = tmp_path / "out"
    (out / f"结果{EVERY}").mkdir(parents=True)
    (out / f"坏索引{EVERY}.sqlite").write_bytes(b"not an index " * 100)
    draft = write(out, {f"王五{EVERY}-对照检查材料.txt": report_text(4, passage)}) / f"王五{EVERY}-对照检查材料.txt"
    return {"corpus": corpus, "out": out, "draft": draft}


def assert_every_error_line_is_one_line(output: str) -> None:
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert errors and all(re.fullmatch(r"error: \S.*: \S.*", line) for line in errors), errors


PRINTED = [
    pytest.param(["scan", "{corpus}", "--members-by", "file"], 1, id="scan-table"),
    pytest.param(["scan", "{corpus}", "--members-by", "file", "--evidence"], 1, id="scan-evidence"),
    pytest.param(["check", "{draft}", "--against", "{corpus}", "--members-by", "file"], 1, id="check"),
    pytest.param(["members", "{corpus}", "--members-by", "file"], 1, id="members"),
    pytest.param(["index", "{corpus}", "--index", "{out}/索引{every}.sqlite"], 1, id="index"),
    pytest.param(["text", "{corpus}/坏{every}.txt"], 1, id="text-error"),
]


@pytest.mark.parametrize(("args", "status"), PRINTED)
def test_names_and_texts_reach_the_terminal_escaped(hostile, args, status):
    """No control character reaches the terminal raw (newlines between lines aside), from a table, the evidence,
    a check, the member table, a summary or an error line; each is shown as its escape."""
    result = run(*(a.format(**hostile, every=EVERY) for a in args))
    assert result.exit_code == status, result.output
    assert raw_controls(result.output) == []
    for escaped in OBEYED.values():
        assert escaped in result.output, escaped
    assert_every_error_line_is_one_line(result.output)


def test_the_error_line_of_a_link_escapes_the_name_it_quotes(hostile):
    result = run("scan", hostile["corpus"], "-q")
    shown = "".join(OBEYED.values())
    assert f"error: 链{shown}.txt: same file as '甲{shown}-对照检查材料.txt' (a link to it)" in result.output
    assert f"error: 坏{shown}.txt: not a text file (binary content)" in result.output


USAGE = [
    pytest.param(["scan", "{corpus}", "--format", "json", "--output", "{out}/结果{every}"], 2, id="output-is-a-folder"),
    pytest.param(["scan", "{corpus}", "--members", "{out}/结果{every}"], 2, id="click-members-is-a-folder"),
    pytest.param(["scan", "{corpus}", "--index", "{out}/坏索引{every}.sqlite"], 1, id="broken-index"),
]


@pytest.mark.parametrize(("args", "status"), USAGE)
def test_usage_errors_that_quote_a_path_escape_it(hostile, args, status):
    """Our usage errors, click's own and a library error all quote the path they refuse: escaped."""
    result = run(*(a.format(**hostile, every=EVERY) for a in args))
    assert result.exit_code == status
    assert raw_controls(result.output) == []
    assert "".join(OBEYED.values()) in result.output


def test_summary_and_wrote_lines_escape_the_names_they_list(hostile):
    """The --fail-under line lists documents, a 'wrote' line the files written: their names are escaped."""
    for name in (f"坏{EVERY}.txt", f"链{EVERY}.txt"):
        (hostile["corpus"] / name).unlink()
    out, shown = hostile["out"], "".join(OBEYED.values())
    csv_folder, page = out / f"表{EVERY}", out / f"页{EVERY}.html"
    result = run("scan", hostile["corpus"], "--format", "csv", "-o", csv_folder, "--html", page, "--fail-under", 99)
    assert result.exit_code == 3
    assert raw_controls(result.output) == []
    assert f"wrote {out}/页{shown}.html" in result.output and f"wrote {out}/表{shown}/documents.csv" in result.output
    below = next(line for line in result.output.splitlines() if "below 99% originality: " in line)
    assert f"甲{shown}-对照检查材料.txt" in below and f"乙{shown}-对照检查材料.txt" in below


def test_the_member_csv_on_a_terminal_is_escaped_and_whole_in_a_pipe(hostile, monkeypatch):
    piped = run("members", hostile["corpus"], "--members-by", "file", "--format", "csv")
    assert piped.exit_code == 1
    files = [row[0] for row in csv.reader(io.StringIO(piped.stdout))]
    assert f"甲{EVERY}-对照检查材料.txt" in files  # a pipe gets the names whole
    terminal = FakeTerminal(True)
    monkeypatch.setattr(cli_module, "_stdout", lambda: terminal)
    shown = run("members", hostile["corpus"], "--members-by", "file", "--format", "csv")
    assert shown.exit_code == 1
    assert raw_controls(terminal.getvalue().replace("\r\n", "\n")) == []  # csv ends its lines with CR LF
    assert f"甲{''.join(OBEYED.values())}-对照检查材料.txt" in terminal.getvalue()


def test_json_on_the_terminal_escapes_controls_and_reads_back_the_names(hostile):
    result = run("scan", hostile["corpus"], "--members-by", "file", "--format", "json", "-q")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert raw_controls(result.stdout) == []
    assert f"甲{EVERY}-对照检查材料.txt" in {d["id"] for d in data["documents"]}


def test_members_named_like_numbers_are_shown_as_written(tmp_path):
    """Members '007' and '1e3' (their whole column looks numeric) are not shown as 7 and 1000."""
    corpus = write(tmp_path / "c", {"007-材料.txt": report_text(1, COPIED), "1e3-材料.txt": report_text(2, COPIED)})
    rows = {"scan": r"^{0} +{0}-材料\.txt ", "members": r"^{0}-材料\.txt +{0} +{0} "}  # member first, or file
    for command, row in rows.items():
        result = run(command, corpus, "--members-by", "file")
        assert result.exit_code == 0, result.output
        for name in ("007", "1e3"):
            assert re.search(row.format(name), result.output, flags=re.M), (command, name)


SQL = "'); DROP TABLE documents; --"


def test_index_takes_names_and_text_as_parameters(tmp_path, outside, draft):
    """A round, folder, member, file name and text holding SQL are stored and read back intact."""
    corpus = write(
        tmp_path / "c",
        {
            f"{SQL}/{SQL}.txt": SQL + "\n" + report_text(1, COPIED),
            f"{SQL}/第二份.txt": report_text(2),
            '成员"3/成员3.txt': report_text(3, COPIED),
            "成员4/成员4.txt": report_text(4),
        },
    )
    location = outside / "sql.sqlite"
    index = SQLiteIndex(location, FingerprintSettings())
    try:
        update = index.update(corpus, round=SQL, membership=Membership(by="folder"))
        assert update.errors == [] and len(update.added) == 4
        documents = {d.source.id: d for d in index.documents(SQL)}
        assert index.rounds() == [SQL]
    finally:
        index.close()
    stored = documents[f"{SQL}/{SQL}.txt"]
    assert (stored.source.member, stored.source.unit) == (SQL, SQL)
    assert stored.text == (corpus / SQL / f"{SQL}.txt").read_text(encoding="utf-8")
    with sqlite3.connect(location) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (4,)
    result = run("check", draft, "--against", location, "--round", SQL, "--member", SQL, "--add")
    assert result.exit_code == 0, result.output
    result = run("scan", corpus, "--index", location, "--round", SQL, "--members-by", "folder", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [sorted(p["members"]) for p in json.loads(result.output)["pairs"]] == [sorted([SQL, '成员"3'])]


# ---------------------------------------------------------------------------------------------------------
# Fuzzing: the normaliser and the outliner on any text

# Characters that stress the normaliser: NFKC expansions (㍿ → 株式会社, ﬁ → fi, ½ → 1⁄2, ㈠ → (一)), Kangxi
# radicals and compatibility ideographs, combining marks, controls, invisibles, full-width forms, Traditional
# characters, astral ideographs, separators.
SPECIAL = (
    "㍿ﬁ½①㈠⑴⼀⻌\uf900\U0002f800\u0301\u0308\u3099\u034f\u200b\u200d\u2060\ufeff\u00ad\u3164\ufe0f"
    "\x00\x07\x1b\x85\u2028ＡＢ１２ａé學習體乾隆著覆臺𠮷\U00031350 \u3000\t\n\r，。、；：“”《》()"
)
TEXT = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL)), max_size=80)


def token_groups(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tokens) per source slice: a slice NFKC expands (㍿) gives several tokens."""
    n = normalise(text)
    groups: list[tuple[int, int, str]] = []
    for start, end, token in zip(n.starts.tolist(), n.ends.tolist(), n.tokens, strict=True):
        if groups and groups[-1][:2] == (start, end):
            groups[-1] = (start, end, groups[-1][2] + token)
        else:
            groups.append((start, end, token))
    return groups


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_normalise_maps_every_token_back_to_its_own_characters(text):
    """For any text: as many offsets as tokens, each token's slice lies inside the text, slices follow each
    other without overlapping, and each slice normalises to exactly its tokens.

    The one exception to strictly increasing starts: a character NFKC expands into several tokens (㍿ →
    株式会社, ½ → 1 2) gives them all its own slice, so equal starts come only as one slice's tokens."""
    n = normalise(text)
    assert len(n.tokens) == len(n.starts) == len(n.ends)
    assert not any(unicodedata.category(t) == "Cc" for t in n.tokens)  # the aligner blanks with controls
    previous_end = 0
    for start, end, tokens in token_groups(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace()
        assert normalise(text[start:end]).tokens == tokens, (text[start:end], tokens)
        previous_end = end


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=6), st.sampled_from([" ", "\u3000", "\n", "，", "。"]))
def test_normalise_is_the_same_piece_by_piece(pieces, separator):
    """The tokens of pieces joined by a separator are the pieces' tokens: a token never depends on the text
    around it (the fold to Simplified looks at one character, never at the phrase)."""
    assert normalise(separator.join(pieces)).tokens == "".join(normalise(p).tokens for p in pieces)


# NFKC turns a symbol into letters (㏾ → 31日); right after a letter they would join its word in NFKC text but
# not in the original, where the symbol is its own piece. Such symbols are left out of this property.
def _nfkc_safe(char: str) -> bool:
    return char.isalnum() or not any(c.isalnum() for c in unicodedata.normalize("NFKC", char))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL)).filter(_nfkc_safe), max_size=40))
def test_normalise_does_not_see_unicode_normalisation(text):
    """A copy put through NFKC (full-width to half-width, compatibility forms, composed accents) normalises to
    the same tokens. Found and fixed with this test: compatibility ideographs of U+2F800–2FA1F were not
    folded, and an accent written as a combining mark (e + U+0301) split a word that é kept whole."""
    assert normalise(unicodedata.normalize("NFKC", text)).tokens == normalise(text).tokens
    assert normalise(unicodedata.normalize("NFC", text)).tokens == normalise(text).tokens


def test_regressions_found_by_fuzzing():
    """Bugs the property tests and the evasion cases found in the normaliser."""
    # Compatibility ideographs of the supplement (U+2F800–2FA1F) were tokens of their own, unlike U+F900–FAFF.
    assert normalise("\U0002f800\U0002f801").tokens == normalise("丽丸").tokens
    # A combining accent split a Latin word and kept it apart from the precomposed word.
    assert normalise("cafe\u0301 x\u200b\u0301").tokens == normalise("café x\u0301").tokens
    # Invisible characters outside the old list split words (U+034F, bidi controls, variation selectors) or,
    # the Hangul filler U+3164 that shows as a blank, became a token between every two characters.
    assert normalise("wo\u034fr\u202ed\ufe0f").tokens == normalise("word").tokens
    assert normalise("学\u3164习\uffa0理\U000e0020论").tokens == "学习理论"
    # Ideographs of extension H (U+31350–323AF) were dropped by Python 3.11, and words for Python 3.12+.
    assert normalise("学\U00031350习").tokens == "学\U00031350习"


LINE_STARTS = ["一、", "二．", "十二.", "（一）", "(三)", "1.", "12、", "（3）", "(4)", "第一部分", "第二章", "第三节"]
LINE_STARTS += ["# ", "## ", "###### ", "####### ", "#", "2.26", "1.5倍", "  一、", "\t（二）", ""]
LINE = st.builds(
    lambda head, body, end: head + body + end,
    st.sampled_from(LINE_STARTS),
    st.text(
        st.one_of(st.characters(codec="utf-8", exclude_characters="\n"), st.sampled_from("学习。；一、#")), max_size=50
    ),
    st.sampled_from(["", "\r", "。", " ", "#"]),
)
OUTLINE_TEXT = st.one_of(st.lists(LINE, max_size=12).map("\n".join), st.text(max_size=200))
HINTS = st.lists(
    st.builds(HeadingHint, start=st.integers(-3, 400), end=st.integers(-3, 400), level=st.integers(-2, 9)),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(OUTLINE_TEXT, HINTS)
def test_find_sections_outline_is_well_formed(text, hints):
    """For any text and any heading hints (stale ones too): level-1 sections tile [0, len(text)], each section
    lies in the text and starts a line, levels go down one at a time, and each section lies in its parent (the
    nearest section before it one level up). A blank text has no sections."""
    sections = find_sections(text, hints)
    if not text.strip():
        assert sections == []
        return
    tops = [s for s in sections if s.level == 1]
    assert tops and tops[0].start == 0 and tops[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(tops))
    assert sections[0].level == 1
    for i, s in enumerate(sections):
        assert 0 <= s.start < s.end <= len(text)
        assert s.start == 0 or text[s.start - 1] == "\n"
        assert len(s.title) <= 60 and "\n" not in s.title
        if i:
            assert 1 <= s.level <= sections[i - 1].level + 1
            assert sections[i - 1].start <= s.start  # document order
        if s.level > 1:
            parent = next(p for p in reversed(sections[:i]) if p.level == s.level - 1)
            assert parent.start <= s.start and s.end <= parent.end
    same_level = sorted((s.level, s.start, s.end) for s in sections)
    for (la, _, end_a), (lb, start_b, _) in itertools.pairwise(same_level):
        assert la != lb or end_a <= start_b
