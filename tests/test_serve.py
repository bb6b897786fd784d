"""`dupcheck serve`'s rules, through Starlette's TestClient (checks run in a thread of the test's process, so
what they call can be watched): who may use it, which requests are refused, the limits checked before anything is
read, what a page holds of a colleague, and that nothing is kept unless the organisation says so. The command's
own refusals through click's CliRunner, with exact exit codes. What a member sees and clicks is in
test_serve_page.py (a real server and Chromium)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_scan import COPIED, prose, report_text, write

pytest.importorskip("starlette")
with warnings.catch_warnings():  # Starlette 1.x would have httpx's successor; httpx 0.28 does all it needs
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from dupcheck import serve
from dupcheck.cli import cli
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.html_report import decode_chunk
from dupcheck.index import SQLiteIndex
from dupcheck.serve import ServeConfig, make_app

BASE = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE}
TOKEN = "s3cret-code-for-all"
COLLEAGUE_OWN = prose(700 + 99, 120)  # 李秀英's preamble: not what the draft copies
DRAFT_OWN = prose(9 * 100 + 99, 120)


def draft_text() -> str:
    """王建国's draft: 李秀英's passage copied into his own writing."""
    return report_text(9, COPIED)


@pytest.fixture(scope="module")
def index_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    files = {f"成员{i}.txt": report_text(i) for i in range(6)}
    files["综合办公室/李秀英-对照检查.txt"] = report_text(7, COPIED)
    corpus = write(root / "corpus", files)
    location = root / "index" / "reports.sqlite"
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(location), "-q"])
    assert result.exit_code == 0, result.output
    return location


@pytest.fixture
def index_copy(index_file: Path, tmp_path: Path) -> Path:
    """A copy of the index a test may change."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(index_file.read_bytes())
    return copy


def client_for(config: ServeConfig) -> TestClient:
    return TestClient(make_app(config), base_url=BASE)


@pytest.fixture
def open_client(index_file: Path, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A client of a server on the index, with the config's fields ``changes`` replaces."""
    clients: list[TestClient] = []
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    def make(**changes: Any) -> TestClient:
        config = replace(ServeConfig(against=str(index_file), workers=0, temp_dir=str(uploads)), **changes)
        client = client_for(config)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def message_of(page: str) -> str:
    found = re.search(r'id="message">([^<]*)<', page)
    assert found, page
    return found.group(1)


def report_data(page: str) -> Any:
    """The overview's data (no text in it)."""
    (raw,) = re.findall(r'<script type="application/json" id="dupcheck-data">(.*?)</script>', page, re.DOTALL)
    return json.loads(raw)


def entries_of(page: str) -> dict[str, Any]:
    """Every text the page carries, with its matches, from its compressed chunks."""
    found = re.findall(r'<script type="text/plain" id="dupcheck-chunk-\d+">([A-Za-z0-9+/=]*)</script>', page)
    return {k: v for b64 in found for k, v in decode_chunk(b64).items()}


def readable(page: str) -> str:
    """Everything the page holds, its texts decompressed: what a member could read out of the file."""
    return page + json.dumps(entries_of(page), ensure_ascii=False)


def upload(
    client: TestClient,
    data: bytes | None = None,
    filename: str = "王建国-草稿.txt",
    *,
    csrf: str | None = None,
    headers: dict[str, str] | None = None,
    **fields: str,
) -> Any:
    if csrf is None:
        csrf = csrf_of(client.get("/").text)
    payload = draft_text().encode() if data is None else data
    return client.post(
        "/check",
        data={"csrf": csrf, **fields},
        files={"file": (filename, payload, "application/octet-stream")},
        headers=ORIGIN if headers is None else headers,
    )


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every draft the server hands to the check."""
    calls: list[str] = []
    check_against = serve.check_against

    def counted(draft: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(draft.name)
        return check_against(draft, *args, **kwargs)

    monkeypatch.setattr(serve, "check_against", counted)
    return calls


# -- the page and its report -----------------------------------------------------------------------------------


def test_the_upload_page_is_self_contained_with_its_security_headers(open_client: Callable[..., TestClient]) -> None:
    response = open_client().get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert re.findall(r'(?:src|href)="([^"]*)"', response.text) == ["/static/serve.css"]
    assert 'action="/check"' in response.text and "不会保存" in response.text


def test_an_upload_gets_the_check_report_with_the_copy(open_client: Callable[..., TestClient]) -> None:
    response = upload(open_client())
    assert response.status_code == 200, response.text
    assert "script-src 'unsafe-inline'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    (doc,) = report_data(response.text)["documents"]
    assert doc["id"] == "王建国-草稿.txt" and doc["reuse"] > 0.1
    entries = entries_of(response.text)
    ((_, kind, _, _, _, other, start, end),) = entries[doc["id"]]["matches"]
    assert kind == "reuse" and other == "其他成员 1 的材料" and len(entries[other]["text"][start:end]) > 200
    assert entries[other]["text"][start:end] in COPIED
    assert "其他成员 1" in response.text  # the verdict's card names the source as the page may


def test_the_report_page_holds_no_colleagues_name_file_or_other_text(open_client: Callable[..., TestClient]) -> None:
    page = readable(upload(open_client()).text)
    for held in ("李秀英", "李秀英-对照检查.txt", "综合办公室", COLLEAGUE_OWN[:20], COLLEAGUE_OWN[-20:]):
        assert held not in page
    assert COPIED[:30] in page and DRAFT_OWN[:30] in page


def test_show_sources_names_the_colleague_but_not_their_other_text(open_client: Callable[..., TestClient]) -> None:
    page = readable(upload(open_client(show_sources=True)).text)
    assert "李秀英" in page and "综合办公室/李秀英-对照检查.txt" in page
    assert COLLEAGUE_OWN[:20] not in page


def test_download_is_the_same_report_as_an_attachment(open_client: Callable[..., TestClient]) -> None:
    client = open_client()
    shown, downloaded = upload(client, action="show"), upload(client, action="download")
    assert "content-disposition" not in shown.headers
    assert downloaded.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert report_data(downloaded.text)["documents"] == report_data(shown.text)["documents"]
    assert entries_of(downloaded.text) == entries_of(shown.text)


def test_english_page(open_client: Callable[..., TestClient]) -> None:
    client = open_client(lang="en")
    assert '<html lang="en">' in client.get("/").text and "Check and download" in client.get("/").text
    assert report_data(upload(client).text)["page"]["lang"] == "en"


# -- who may use it ----------------------------------------------------------------------------------------------


def sign_in(client: TestClient, code: str) -> Any:
    return client.post("/login", data={"csrf": csrf_of(client.get("/").text), "code": code}, headers=ORIGIN)


def test_with_a_token_nothing_is_checked_before_the_code_is_entered(
    open_client: Callable[..., TestClient], watched: list[str]
) -> None:
    client = open_client(codes={TOKEN: ""})
    page = client.get("/").text
    assert 'action="/login"' in page and 'action="/check"' not in page
    assert upload(client, csrf=csrf_of(page)).status_code == 403
    wrong = sign_in(client, TOKEN[:-1] + "x")
    assert wrong.status_code == 403 and message_of(wrong.text) == "访问码不正确。"
    assert watched == []
    before = client.cookies.get(serve.SESSION_COOKIE)
    signed = client.post(
        "/login", data={"csrf": csrf_of(client.get("/").text), "code": TOKEN}, headers=ORIGIN, follow_redirects=False
    )
    assert signed.status_code == 303
    assert client.cookies.get(serve.SESSION_COOKIE) != before  # a new session once signed in
    assert 'action="/check"' in client.get("/").text
    assert upload(client).status_code == 200 and watched == ["王建国-草稿.txt"]


def test_codes_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = serve.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(serve.hmac, "compare_digest", spy)
    codes = {"code-of-one-0001": "甲", "code-of-two-0002": "乙"}
    assert serve.member_for("code-of-two-0002", codes) == "乙"
    assert serve.member_for("code-of-two-0003", codes) is None
    # Every code is compared, whether an earlier one matched or not.
    assert [b for _, b in compared] == [b"code-of-one-0001", b"code-of-two-0002"] * 2


def test_a_member_code_makes_the_draft_that_members(open_client: Callable[..., TestClient]) -> None:
    client = open_client(codes={"code-of-wang-01": "王建国"})
    assert sign_in(client, "code-of-wang-01").status_code == 200  # followed to the page
    page = client.get("/").text
    assert 'value="王建国" readonly' in page
    (doc,) = report_data(upload(client, filename="draft.txt", name="李秀英").text)["documents"]
    assert doc["member"] == "王建国"


# -- refused requests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Origin
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": BASE, "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_post_from_another_site_is_refused(
    open_client: Callable[..., TestClient], watched: list[str], headers: dict[str, str]
) -> None:
    response = upload(open_client(), headers=headers)
    assert response.status_code == 403 and message_of(response.text) == serve.strings("zh")["foreign"]
    assert watched == []


def test_a_post_without_the_sessions_csrf_token_is_refused(
    open_client: Callable[..., TestClient], watched: list[str]
) -> None:
    client = open_client()
    client.get("/")
    other = open_client()  # another session's token is no good either
    for csrf in ("", "forged", csrf_of(other.get("/").text)):
        response = upload(client, csrf=csrf)
        assert response.status_code == 403 and message_of(response.text) == serve.strings("zh")["expired"]
    client.cookies.clear()
    assert upload(client, csrf=csrf_of(other.get("/").text)).status_code == 403  # no session at all
    assert watched == []


def test_a_host_name_not_of_this_machine_is_refused(open_client: Callable[..., TestClient]) -> None:
    """On loopback a page elsewhere cannot rebind its own name to this server."""
    client = open_client()
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 421
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


# -- limits, refused files, nothing kept ---------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    open_client: Callable[..., TestClient], watched: list[str]
) -> None:
    client = open_client(max_bytes=1024 * 1024)
    response = upload(client, b"a" * (2 * 1024 * 1024), "big.txt")
    assert response.status_code == 413 and message_of(response.text) == "文件超过 1 MB 的上限。"
    assert watched == []
    assert upload(client).status_code == 200  # and the server goes on


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(
    open_client: Callable[..., TestClient],
) -> None:
    client = open_client(max_bytes=1024 * 1024)
    csrf = csrf_of(client.get("/").text)
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        for _ in range(64):
            sent.append(1)
            yield b"x" * 65536

    response = client.post(
        "/check",
        content=body(),
        headers={
            **ORIGIN,
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(4 * 1024 * 1024),
            "X-CSRF": csrf,
        },
    )
    assert response.status_code == 413
    assert len(sent) <= 1  # the first chunk at most: the length alone refused it


def test_uploads_past_the_pending_limit_are_told_to_come_back(
    open_client: Callable[..., TestClient], watched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each upload waiting for a worker holds its file in memory: past the limit one is refused, unread."""
    monkeypatch.setattr(serve, "PENDING_PER_WORKER", 0)
    response = upload(open_client())
    assert response.status_code == 503 and message_of(response.text) == serve.strings("zh")["full"]
    assert watched == []


def test_a_pdf_over_the_page_limit_is_refused_before_its_text_is_read(
    open_client: Callable[..., TestClient], watched: list[str]
) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(open_client(max_pages=2), buffer.getvalue(), "scan.pdf")
    assert response.status_code == 413 and message_of(response.text) == "文件超过 2 页的上限。"
    assert watched == []


def test_a_docx_over_the_page_limit_is_refused_before_its_text_is_read(
    open_client: Callable[..., TestClient], watched: list[str], tmp_path: Path
) -> None:
    """Word and WPS write the page count into docProps/app.xml: only that small part is opened."""
    import docx

    document = docx.Document()
    document.add_paragraph(draft_text())
    path = tmp_path / "long.docx"
    document.save(str(path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename != "docProps/app.xml":
                target.writestr(item, source.read(item))
        target.writestr("docProps/app.xml", "<Properties><Pages>301</Pages></Properties>")
    client = open_client()
    response = upload(client, buffer.getvalue(), "long.docx")
    assert response.status_code == 413 and message_of(response.text) == "文件超过 300 页的上限。"
    assert watched == []
    assert upload(client, path.read_bytes(), "long.docx").status_code == 200  # no page count: read as usual


def test_a_draft_over_the_character_limit_is_refused(open_client: Callable[..., TestClient]) -> None:
    response = upload(open_client(max_chars=500))
    assert response.status_code == 422 and "over --max-chars 500" in message_of(response.text)


@pytest.mark.parametrize(
    ("name", "data", "status", "says"),
    [
        ("草稿.exe", b"MZ\x90\x00", 415, "不支持此类文件"),
        ("草稿.docx", b"PK\x03\x04 not a zip", 422, "无法读取此文件"),
        ("草稿.pdf", b"%PDF-1.4 broken", 422, "无法读取此文件"),
        ("草稿.txt", b"", 400, "请先选择"),
    ],
)
def test_a_refused_file_gets_one_message_and_the_server_goes_on(
    open_client: Callable[..., TestClient], name: str, data: bytes, status: int, says: str
) -> None:
    client = open_client()
    response = upload(client, data, name)
    assert response.status_code == status and says in message_of(response.text)
    assert 'action="/check"' in response.text  # the form again, to choose another file
    assert upload(client).status_code == 200


def test_a_zip_bomb_is_refused_by_the_readers_limits(open_client: Callable[..., TestClient]) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    response = upload(open_client(), buffer.getvalue(), "bomb.docx")
    assert response.status_code == 422 and "无法读取此文件" in message_of(response.text)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_is_kept_without_add(open_client: Callable[..., TestClient], index_file: Path, tmp_path: Path) -> None:
    before = digest(index_file.parent)
    client = open_client()
    assert upload(client).status_code == 200
    assert upload(client, b"PK\x03\x04 broken", "草稿.docx").status_code == 422
    assert list((tmp_path / "uploads").iterdir()) == []  # the temporary copies are gone
    assert digest(index_file.parent) == before  # the index (and its derived files) unchanged


def test_with_add_the_draft_becomes_the_members_report(
    open_client: Callable[..., TestClient], index_copy: Path, tmp_path: Path
) -> None:
    client = open_client(against=str(index_copy), add=True, codes={"code-of-wang-01": "王建国"})
    assert "保存" in sign_in(client, "code-of-wang-01").text
    assert upload(client).status_code == 200
    index = SQLiteIndex(index_copy, FingerprintSettings(), read_only=True)
    try:
        added = {d.source.id: d.source.member for d in index.documents("")}
    finally:
        index.close()
    assert added["王建国-草稿.txt"] == "王建国"
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_replaced_index_is_opened_again(
    open_client: Callable[..., TestClient], index_copy: Path, tmp_path: Path
) -> None:
    client = open_client(against=str(index_copy))
    assert report_data(upload(client).text)["documents"][0]["reuse"] > 0.1
    corpus = write(tmp_path / "new", {f"成员{i}.txt": report_text(i) for i in range(6)})  # nobody copied from
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(index_copy), "--rebuild", "-q"])
    assert result.exit_code == 0, result.output
    assert report_data(upload(client).text)["documents"][0]["reuse"] == 0


def test_logs_hold_no_document_text_or_name(
    open_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = open_client()
    upload(client)
    upload(client, b"PK\x03\x04 broken", "秘密草稿.docx")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "checked an upload" in logged
    for held in ("王建国", "秘密草稿", DRAFT_OWN[:8], COPIED[:8]):
        assert held not in logged


# -- the command -------------------------------------------------------------------------------------------------


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["serve", *(str(a) for a in args)])


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--host", "0.0.0.0"], "refusing to serve on 0.0.0.0 without --token or --codes"),
        (["--host", "192.168.1.5", "--token", "short"], "at least 8 characters"),
        (["--add"], "--add needs --codes"),
        (["--token", TOKEN, "--codes", "codes.csv"], "give one of them"),
    ],
)
def test_the_command_refuses_an_unsafe_server(
    index_file: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], says: str
) -> None:
    monkeypatch.setattr(serve, "run", lambda config, port: pytest.fail("started"))
    result = run("--against", index_file, *extra)
    assert result.exit_code == 2 and says in result.output


def test_the_command_refuses_a_folder_to_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "run", lambda config, port: pytest.fail("started"))
    result = run("--against", tmp_path)
    assert result.exit_code == 2 and "not an index file" in result.output


def test_the_command_serves_what_it_was_told(index_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[ServeConfig, int]] = []
    monkeypatch.setattr(serve, "run", lambda config, port: started.append((config, port)))
    codes = tmp_path / "codes.csv"
    codes.write_text("# member,code\n王建国,code-of-wang-01\n李秀英,code-of-li-0002\n", encoding="utf-8")
    result = run(
        "--against",
        index_file,
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
        "--codes",
        codes,
        "--add",
        "--lang",
        "en",
        "--show-sources",
        "--max-upload-mb",
        "5",
    )
    assert result.exit_code == 0, result.output
    ((config, port),) = started
    assert port == 9000 and config.host == "0.0.0.0" and config.add and config.show_sources and config.lang == "en"
    assert dict(config.codes) == {"code-of-wang-01": "王建国", "code-of-li-0002": "李秀英"}
    assert config.max_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("王建国\n", "line 1: expected 'member,code'"),
        ("甲,code-0000001\n乙,code-0000001\n", "line 2: this code is given twice"),
    ],
)
def test_a_bad_codes_file_is_refused(index_file: Path, tmp_path: Path, text: str, says: str) -> None:
    codes = tmp_path / "codes.csv"
    codes.write_text(text, encoding="utf-8")
    result = run("--against", index_file, "--codes", codes)
    assert result.exit_code == 2 and says in result.output


def test_an_index_that_cannot_be_used_stops_the_command_before_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("served"))
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database at all" * 100)
    result = run("--against", broken)
    assert result.exit_code == 1 and str(broken) in result.output


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from Linux's /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_worker_processes_end_with_the_server_however_it_is_stopped(index_file: Path, stop: int) -> None:
    """A real server whose worker processes have checked drafts: stopped as a service manager or `kill` stops it,
    or killed outright, it leaves no process behind (uvicorn ends a server by the signal itself after SIGTERM,
    which once left both workers running, holding the index open)."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    command = [sys.executable, "-c", "from dupcheck.cli import main; main()", "serve", "--against", str(index_file)]
    command += ["--port", url.rsplit(":", 1)[1], "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    page = client.get("/")
                    break
                time.sleep(0.1)
            for _ in range(2):
                page = client.get("/")
                files = {"file": ("王建国-草稿.txt", draft_text().encode(), "application/octet-stream")}
                answer = client.post("/check", data={"csrf": csrf_of(page.text)}, files=files, headers={"Origin": url})
                assert answer.status_code == 200, answer.text
        workers = children_of(server.pid)
        assert workers
        server.send_signal(stop)
        server.wait(30)
        deadline = time.monotonic() + 15
        while any(running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if running(w)]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_a_worker_is_ready_before_its_first_draft(index_file: Path) -> None:
    """A worker imports the readers' libraries and reads the index's derived data into memory when it starts,
    so the first member to upload a .docx waits for neither (in a fresh interpreter: nothing imported before)."""
    code = f"""
import sys
from dupcheck import serve
config = serve.ServeConfig(against={str(index_file)!r})
serve.start_worker(config)
before = [m for m in ("docx", "pypdf") if m in sys.modules]
serve._prepare(config)
index = serve._worker.index[0]
print(before, [m for m in ("docx", "pypdf", "charset_normalizer") if m in sys.modules])
print(sorted({{type(a).__name__ for a in index._bases[""][1].values()}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.splitlines() == ["[] ['docx', 'pypdf', 'charset_normalizer']", "['ndarray']"]


def test_a_worker_that_cannot_read_its_index_ahead_still_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Reading ahead is only to save time: an index that cannot be opened then (gone, not an index) is named in
    one warning, and the worker starts (its checks report the problem)."""
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    for against in (tmp_path / "gone.sqlite", broken):
        config = ServeConfig(against=str(against))
        serve.start_worker(config)
        with caplog.at_level(logging.WARNING, logger="dupcheck.serve"):
            serve._prepare(config)
        assert str(against) in caplog.records[-1].getMessage()
