"""What a member sees of `dupcheck serve`, in a real headless Chromium (the system's, driven by Playwright, as in
test_html_report.py) against a real server: uvicorn in a thread on a free loopback port, its checks in a worker
process. Without Playwright or Chromium these tests are skipped, unless CI is set: then they fail."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_html_report import browser  # noqa: F401  (the fixture: the system's Chromium)
from test_scan import COPIED, report_text
from test_serve import COLLEAGUE_OWN, index_file, readable  # noqa: F401  (the fixture: an index in which 李秀英 wrote COPIED)

uvicorn = pytest.importorskip("uvicorn")

from dupcheck.serve import ServeConfig, make_app, strings  # noqa: E402

CODE = "code-of-wang-01"


class Running:
    """uvicorn serving an app on a socket of its own, in a thread, until stopped."""

    def __init__(self, config: ServeConfig) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(make_app(config), log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        for _ in range(200):  # until it listens (a worker process starts with it)
            if self.server.started:
                return
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.socket.close()


@pytest.fixture(scope="module")
def serving(index_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:  # noqa: F811
    """Start a server with the config's fields ``changes`` replaces (once per set of changes): its URL."""
    running: dict[str, Running] = {}
    uploads = tmp_path_factory.mktemp("uploads")

    def start(**changes: Any) -> str:
        key = repr(sorted(changes.items()))
        if key not in running:
            config = ServeConfig(against=str(index_file), workers=1, temp_dir=str(uploads))
            running[key] = Running(replace(config, **changes))
        return running[key].url

    yield start
    for server in running.values():
        server.stop()
    assert list(uploads.iterdir()) == []  # no upload left behind


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(message.text))
    yield tab
    context.close()


@pytest.fixture(scope="module")
def draft_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """王建国's draft as Word writes it: his own paragraphs and 李秀英's passage."""
    import docx

    document = docx.Document()
    for paragraph in report_text(9, COPIED).split("\n"):
        document.add_paragraph(paragraph)
    path = tmp_path_factory.mktemp("drafts") / "王建国-对照检查材料.docx"
    document.save(str(path))
    return path


def choose_and_check(page: Any, path: Path, button: str = "#check") -> None:
    page.set_input_files("#file", str(path))
    page.click(button)


def test_uploading_a_docx_shows_the_report_with_the_copy(
    page: Any, serving: Callable[..., str], draft_docx: Path
) -> None:
    url = serving()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    assert page.locator("#storage").inner_text() == strings("zh")["notStored"]
    choose_and_check(page, draft_docx)
    page.locator("#overview").wait_for(state="visible")
    rows = page.eval_on_selector_all("#ranking tr.doc-row", "rows => rows.map(r => r.dataset.doc)")
    assert rows == ["王建国-对照检查材料.docx"]
    page.locator("a.doc-link").click()
    page.locator("#document").wait_for(state="visible")
    reused = "".join(page.locator("#doc-text .span-reuse").all_text_contents())
    assert len(reused) > 200 and reused in COPIED
    page.locator("#doc-text .span-reuse").first.click()
    page.locator("#side-by-side").wait_for(state="visible")
    assert page.locator(".side-other .side-member").inner_text() == "其他成员 1"
    content = page.content()
    assert "李秀英" not in content and COLLEAGUE_OWN[:20] not in content
    assert page.problems == []
    assert all(r.startswith(url) for r in requests), requests  # nothing from anywhere else


def test_the_report_downloads_as_one_html_file(
    page: Any, serving: Callable[..., str], draft_docx: Path, tmp_path: Path
) -> None:
    page.goto(serving())
    with page.expect_download() as download:
        choose_and_check(page, draft_docx, "#download")
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "王建国-对照检查材料.report.html"
    page.goto(saved.as_uri())  # it opens on its own, offline
    page.locator("#overview").wait_for(state="visible")
    assert page.locator("a.doc-link").inner_text() == "王建国-对照检查材料.docx"
    assert "李秀英" not in readable(saved.read_text(encoding="utf-8"))


def test_a_refused_file_shows_its_message_and_another_can_be_checked(
    page: Any, serving: Callable[..., str], draft_docx: Path, tmp_path: Path
) -> None:
    page.goto(serving())
    broken = tmp_path / "草稿.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")
    choose_and_check(page, broken)
    assert page.locator("#message").inner_text().startswith("无法读取此文件")
    wrong = tmp_path / "草稿.exe"
    wrong.write_bytes(b"MZ")
    choose_and_check(page, wrong)
    assert page.locator("#message").inner_text() == strings("zh")["badType"]
    choose_and_check(page, draft_docx)
    page.locator("#overview").wait_for(state="visible")
    # The browser notes each refusal's status (422, 415) in its console: those and nothing else.
    assert [p for p in page.problems if "the server responded with a status of 4" not in p] == []
    assert len(page.problems) == 2


def test_the_code_page_lets_only_a_member_in(page: Any, serving: Callable[..., str], draft_docx: Path) -> None:
    page.goto(serving(codes={CODE: "王建国"}))
    assert page.locator("#upload").count() == 0
    page.fill("#code", "not-the-right-code")
    page.click("#enter")
    assert page.locator("#message").inner_text() == strings("zh")["badCode"]
    page.fill("#code", CODE)
    page.click("#enter")
    page.locator("#upload").wait_for()
    assert page.locator("#name").input_value() == "王建国"
    choose_and_check(page, draft_docx)
    page.locator("#overview").wait_for(state="visible")
    assert len(page.problems) == 1 and "status of 403" in page.problems[0]  # the wrong code's, only


def test_the_english_page(page: Any, serving: Callable[..., str], draft_docx: Path) -> None:
    page.goto(serving(lang="en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#check").inner_text() == "Check" and page.title() == "Self-check"
    choose_and_check(page, draft_docx)
    page.locator("#overview").wait_for(state="visible")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("a.doc-link").click()
    page.locator("#doc-text .span-reuse").first.click()
    page.locator("#side-by-side").wait_for(state="visible")
    assert page.locator(".side-other .side-member").inner_text() == "another member 1"
    assert page.problems == []
