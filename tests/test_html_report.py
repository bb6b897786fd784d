"""The HTML report: a self-contained page whose data cannot break out of its script element (checked on the
text), and what a reviewer sees and clicks in it (checked in a real headless Chromium, driven by Playwright).

The browser tests use the system's Chromium (never a browser Playwright downloads). Without Playwright or
Chromium they are skipped, unless the environment variable ``CI`` is set: then they fail.
Screenshots go to the folder ``DUPCHECK_SCREENSHOTS`` names, or to the test's temporary folder.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from test_scan import prose

from dupcheck.check import check_draft, load_draft
from dupcheck.corpus import discover
from dupcheck.html_report import (
    CONTENT_SECURITY_POLICY,
    FOLDER_PAGE,
    chunk_entries,
    chunk_file,
    decode_chunk,
    html_output,
    is_report_folder,
    page_data,
    render_html,
    script_json,
)
from dupcheck.model import ScanSettings
from dupcheck.outputs import write_tree
from dupcheck.prepare import load
from dupcheck.read_text import IntegrityFlags
from dupcheck.report import DocumentResult, MatchResult, Report, SectionResult, Shares, Side, SpanResult
from dupcheck.scan import scan
from dupcheck.sources import summarise

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
WriteCorpus = Callable[..., Path]  # the write_corpus fixture from conftest.py

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Injected into texts, titles and names; each sets window.__pwned if it ever runs.
SCRIPT_PAYLOAD = "</script><script>window.__pwned = 1</script>"
IMG_PAYLOAD = '"><img src=x onerror="window.__pwned = 2">'
HEADING_PAYLOAD = "一、<img src=x onerror=window.__pwned=3>"  # short enough to be a section heading
TITLE_PAYLOAD = "</title><script>window.__pwned = 4</script>"
MEMBER_PAYLOAD = "<b>成员5"  # a file name cannot hold '/', so no closing tag: still must show as text
ASTRAL = "𠮷"  # outside the BMP: one code point, two UTF-16 units

DATA_ELEMENT = re.compile(r'<script type="application/json" id="dupcheck-data">(.*?)</script>', re.DOTALL)
CHUNK_ELEMENT = re.compile(r'<script type="text/plain" id="dupcheck-chunk-(\d+)">([A-Za-z0-9+/=]*)</script>')


COPIED = prose(7, 120) + SCRIPT_PAYLOAD + prose(8, 60) + ASTRAL + IMG_PAYLOAD + prose(9, 120)


def injection_report_text(seed: int, insert: str = "", heading: str = "一、存在的问题") -> str:
    return (
        f"对照检查材料{seed}\n{prose(seed * 10, 100)}\n{heading}\n{prose(seed * 10 + 1, 150)}{ASTRAL * 3}{insert}"
        f"{prose(seed * 10 + 2, 150)}\n二、整改措施\n{prose(seed * 10 + 3, 150)}\n"
    )


def data_of(page_html: str) -> tuple[str, Any]:
    """The raw content of the data element and what it parses to."""
    (raw,) = DATA_ELEMENT.findall(page_html)
    return raw, json.loads(raw)


def entries_of(page_html: str) -> dict[str, Any]:
    """Every text's entry, from the page's compressed chunks, in chunk order."""
    found = CHUNK_ELEMENT.findall(page_html)
    assert [int(i) for i, _ in found] == list(range(len(found)))
    return {k: v for _, b64 in found for k, v in decode_chunk(b64).items()}


@pytest.fixture(scope="module")
def report() -> Report:
    return scan(CORPUS)


@pytest.fixture(scope="module")
def page_html(report: Report) -> str:
    return render_html(report)


def doc_of(report: Report, member: str) -> DocumentResult:
    (doc,) = [d for d in report.documents if d.member == member]
    return doc


def first_reuse(report: Report, doc_id: str, partner: str) -> tuple[Side, Side]:
    """This document's side and the partner's side of its first reuse match with ``partner``."""
    for m in report.matches:
        for mine, other in ((m.a, m.b), (m.b, m.a)):
            if m.kind == "reuse" and mine.doc == doc_id and report.members[other.doc] == partner:
                return mine, other
    raise AssertionError(f"no reuse of {doc_id} with {partner}")


# ---- the page as text


def test_page_is_one_self_contained_file(page_html: str) -> None:
    lowered = page_html.lower()
    assert page_html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<link" not in lowered and "<script src" not in lowered and "@import" not in lowered
    assert "http://" not in lowered and "https://" not in lowered and "url(" not in lowered
    chunks = len(CHUNK_ELEMENT.findall(page_html))
    assert chunks >= 1
    assert lowered.count("<script") == 2 + chunks  # the data, the texts' chunks and the page's own script, inline
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in page_html
    assert "<title>dupcheck 查重报告</title>" in page_html


def test_the_overview_data_holds_no_text_and_the_chunks_hold_every_text(report: Report, page_html: str) -> None:
    raw, data = data_of(page_html)
    assert not re.search("[<>&\u2028\u2029]", raw)
    full = json.loads(json.dumps(report.to_dict()))
    assert [d["id"] for d in data["documents"]] == [d["id"] for d in full["documents"]]
    for shown, d in zip(data["documents"], full["documents"], strict=True):
        assert "spans" not in shown
        assert shown["sections"] == [s for s in d["sections"] if s["level"] == 1]
        assert {k: v for k, v in shown.items() if k not in ("sections", "partner_link")} == {
            k: v for k, v in d.items() if k not in ("sections", "spans")
        }
    wang = doc_of(report, "王建国")
    assert report.texts[wang.id][:40] not in raw  # no text travels uncompressed
    assert data["members"] == report.members and data["matches"] == len(report.matches)
    assert data["page"]["threshold"] == 0.7 and data["page"]["lang"] == "zh" and data["page"]["chunkPath"] is None
    entries = entries_of(page_html)
    assert set(entries) == set(report.texts) == set(data["chunks"])
    assert {doc_id: e["text"] for doc_id, e in entries.items()} == report.texts
    assert entries == json.loads(json.dumps(chunk_entries(report)))
    assert entries[wang.id]["spans"] == [[s.start, s.end, s.label] for s in wang.spans]
    assert [s[:4] for s in entries[wang.id]["sections"]] == [[s.title, s.level, s.start, s.end] for s in wang.sections]
    # Every match, from both of its sides, under its index in the report.
    for k, m in enumerate(report.matches):
        assert [k, m.kind, round(m.similarity, 4), m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end] in entries[m.a.doc][
            "matches"
        ]
        assert [k, m.kind, round(m.similarity, 4), m.b.start, m.b.end, m.a.doc, m.a.start, m.a.end] in entries[m.b.doc][
            "matches"
        ]


def test_pair_and_partner_links_open_the_first_reuse_match_from_the_row_members_side(report: Report) -> None:
    """Every pair both ways round (the heat map's cells) and every document's top partner: the link is the first
    reuse match between the two members, with the row member's side as "mine"."""
    data = page_data(report, lang="zh", threshold=0.7, title="t")
    assert len(data["pairs"]) == len(report.pairs) >= 2

    def first_between(mine_of: Callable[[str], bool], partner: str) -> list[Any]:
        for k, m in enumerate(report.matches):
            for mine, other in ((m.a, m.b), (m.b, m.a)):
                if m.kind == "reuse" and mine_of(mine.doc) and report.members[other.doc] == partner:
                    return [k, mine.doc, mine.start, mine.end]
        raise AssertionError(partner)

    for (a, b, *_, link_a, link_b), p in zip(data["pairs"], report.pairs, strict=True):
        assert (a, b) == (p.member_a, p.member_b)
        assert link_a == first_between(lambda doc, a=a: report.members[doc] == a, b)
        assert link_b == first_between(lambda doc, b=b: report.members[doc] == b, a)
    for shown, d in zip(data["documents"], report.documents, strict=True):
        expected = first_between(lambda doc, d=d: doc == d.id, d.top_partner) if d.top_partner else None
        assert shown["partner_link"] == expected


def test_groups_carry_their_size_and_an_excerpt_of_the_first_members_passage(report: Report) -> None:
    (group,) = page_data(report, lang="zh", threshold=0.7, title="t")["groups"]
    (g,) = report.groups
    first = next(p for p in g.passages if report.members[p.doc] == g.members[0])
    assert group["members"] == list(g.members) and group["passages"] == len(g.passages)
    assert (group["doc"], group["start"], group["end"]) == (first.doc, first.start, first.end)
    assert group["excerpt"].rstrip("…") in " ".join(report.excerpt(first).split())
    assert len(group["excerpt"]) == 90
    assert group["holders"] == len(g.members)  # a scan lists every holder
    counted = replace(report, groups=[replace(g, members=g.members[:1], passages=(first,), holders=648)])
    (one,) = page_data(counted, lang="zh", threshold=0.7, title="t")["groups"]
    assert (one["members"], one["holders"], one["passages"]) == ([g.members[0]], 648, 1)  # a check counts them


def test_a_report_over_the_limit_is_a_folder_of_a_page_and_its_chunks(report: Report, page_html: str) -> None:
    single = html_output(report)
    assert not single.folder and single.files == {FOLDER_PAGE: page_html}
    assert single.size == len(page_html.encode()) and single.texts_size == sum(
        len(t.encode()) for t in report.texts.values()
    )
    folder = html_output(report, limit=single.size - 1)
    chunks = CHUNK_ELEMENT.findall(page_html)
    assert folder.folder and list(folder.files) == [FOLDER_PAGE] + [chunk_file(i) for i in range(len(chunks))]
    page = folder.files[FOLDER_PAGE]
    assert not CHUNK_ELEMENT.findall(page) and data_of(page)[1]["page"]["chunkPath"] == "data/"
    for i, b64 in chunks:
        assert folder.files[chunk_file(int(i))] == f'dupcheckChunk({i},"{b64}");\n'
    assert folder.size == sum(len(t.encode()) for t in folder.files.values())


def hand_made_report() -> Report:
    """A report whose every string is hostile: ids, member, unit, section title and the text itself."""
    text = f"标题\n{SCRIPT_PAYLOAD}\n{IMG_PAYLOAD}\n<!-- \u2028\u2029 & &amp; \ud800 {ASTRAL}\n"
    shares = Shares(originality=0.5, reuse=0.5, template=0.0, boilerplate=0.0)
    doc = DocumentResult(
        id=f"{SCRIPT_PAYLOAD}.txt",
        member=IMG_PAYLOAD,
        unit=SCRIPT_PAYLOAD,
        chars=len(text),
        shares=shares,
        sections=[SectionResult(HEADING_PAYLOAD, 1, 0, len(text), len(text), shares)],
        spans=[SpanResult(3, 40, "reuse")],
        top_partner=MEMBER_PAYLOAD,
        top_partner_share=0.5,
    )
    other = "other.txt"
    return Report(
        documents=[doc],
        matches=[MatchResult("reuse", 0.9, Side(doc.id, 3, 40), Side(other, 0, 37))],
        pairs=[],
        groups=[],
        errors=[],
        settings={},
        texts={doc.id: text, other: text[3:40]},
        members={doc.id: IMG_PAYLOAD, other: MEMBER_PAYLOAD},
        outlines={doc.id: [(0, len(text), HEADING_PAYLOAD)], other: []},
    )


def test_hostile_strings_appear_only_escaped_in_the_data() -> None:
    report = hand_made_report()
    page = render_html(report, title=TITLE_PAYLOAD)
    raw, data = data_of(page)
    for forbidden in ("</script", "<script", "<img", "<!--", "\u2028", "\u2029", "<b>", "&amp;"):
        assert forbidden not in raw.lower()
    assert "\\u003cimg src=x" in raw  # the member's name
    assert {doc_id: e["text"] for doc_id, e in entries_of(page).items()} == report.texts  # the lone surrogate too
    assert data["page"]["title"] == TITLE_PAYLOAD
    assert data["documents"][0]["member"] == IMG_PAYLOAD
    # The title is also in <title>, escaped as HTML; the page's markup outside the data holds no payload.
    assert "<title>&lt;/title&gt;&lt;script&gt;window.__pwned = 4&lt;/script&gt;</title>" in page
    outside = CHUNK_ELEMENT.sub("", page.replace(raw, ""))
    assert "__pwned" not in outside.replace("&lt;script&gt;window.__pwned = 4&lt;/script&gt;", "")
    page.encode("utf-8")  # a lone surrogate in a text does not make the page unwritable


def test_script_json_escapes_exactly_what_could_end_the_script() -> None:
    value = {"a</script>": "<!--<b>&\u2028\u2029\ud83d", "n": [1, 2.5, None, True]}
    text = script_json(value)
    assert json.loads(text) == value
    assert not re.search("[<>&\u2028\u2029]", text)


def test_english_title_and_options_are_checked(report: Report) -> None:
    page = render_html(report, lang="en", threshold=0.5)
    assert '<html lang="en">' in page and "<title>dupcheck report</title>" in page
    assert data_of(page)[1]["page"]["threshold"] == 0.5
    assert "<title>Round 3</title>" in render_html(report, lang="en", title="Round 3")
    with pytest.raises(ValueError, match="language"):
        render_html(report, lang="fr")
    with pytest.raises(ValueError, match="threshold"):
        render_html(report, threshold=70)


# ---- the page in a browser


def needs(reason: str) -> None:
    """Skip for want of a browser, or fail when CI is set (CI must run these tests)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (the environment variable CI is set: these tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's Chromium, headless. Playwright's ``launch`` gives it a fresh temporary profile
    (user-data-dir) of its own, deleted when it closes."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        needs("Playwright is not installed (pip install playwright; the browser is the system's chromium)")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        needs("no chromium browser (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Viewer:
    """A page in its own browser context, with every console error, page error and request it makes."""

    page: Any
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.shows("overview")

    def goto(self, path: Path, **params: str | int) -> None:
        """Navigate to a view of the page by its URL fragment, as a link would."""
        fragment = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        self.page.goto(path.as_uri() + "#" + fragment)
        self.shows("side-by-side" if "cmp" in params else "document")

    def shows(self, view: str) -> None:
        """Wait until ``view`` is the one shown and drawn (a link changes the hash; the page follows on hashchange,
        once the texts the view needs are decoded)."""
        self.page.locator(f'body[data-view="{view}"]:not([data-busy])').wait_for(state="attached")
        self.page.locator(f"#{view}").wait_for(state="visible")
        assert self.page.eval_on_selector_all(".view", "vs => vs.filter(v => !v.hidden).map(v => v.id)") == [view]

    def click(self, target: Any, view: str) -> None:
        target.click()
        self.shows(view)

    def visible_rows(self, selector: str, attribute: str) -> list[str]:
        return self.page.eval_on_selector_all(
            selector, f"rows => rows.filter(r => !r.hidden).map(r => r.getAttribute('{attribute}'))"
        )

    def assert_clean(self) -> None:
        assert self.problems == []
        assert [url for url in self.requests if not url.startswith(("file:", "data:"))] == []


@pytest.fixture
def viewer(browser: Any) -> Iterator[Viewer]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    v = Viewer(page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            v.problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: v.problems.append(f"page error: {error}"))
    page.on("request", lambda request: v.requests.append(request.url))
    yield v
    context.close()


@pytest.fixture(scope="module")
def report_file(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def spans_text(viewer: Viewer, label: str) -> list[str]:
    return viewer.page.locator(f"#doc-text .span-{label}").all_text_contents()


def assert_spans_match_offsets(viewer: Viewer, text: str) -> None:
    """Every labelled segment shows exactly the text its (code point) offsets name."""
    segments = viewer.page.eval_on_selector_all(
        "#doc-text .span", "spans => spans.map(s => [+s.dataset.start, +s.dataset.end, s.textContent])"
    )
    assert segments
    assert all(text[start:end] == shown for start, end, shown in segments)


def test_overview_ranks_every_document_least_original_first(viewer: Viewer, report_file: Path, report: Report) -> None:
    viewer.open(report_file)
    rows = viewer.page.locator("#ranking tr.doc-row")
    assert rows.count() == 14
    assert viewer.visible_rows("#ranking tr.doc-row", "data-doc") == [d.id for d in report.documents]
    wang = viewer.page.locator('#ranking tr.doc-row[data-member="王建国"]')
    assert wang.get_attribute("data-unit") == "综合办公室"
    assert wang.locator("td.original").inner_text() == "64.6%"
    assert wang.locator(".top-partner").inner_text() == "周海涛 29.1%"
    level1 = [s for s in doc_of(report, "王建国").sections if s.level == 1]
    bars = wang.locator(".sec-bar")
    assert [bars.nth(i).get_attribute("title").split(" · ")[0] for i in range(bars.count())] == [
        s.title for s in level1
    ]
    # Each bar is captioned with its heading; one below the threshold says so in its title, with no red frame
    # (nearly every part of a report is below it: a frame on each would tell nothing).
    assert bars.locator(".sec-caption").all_inner_texts() == [
        t if len(t) <= 7 else t[:6] + "…" for t in (s.title for s in level1)
    ]
    flagged = [s.title for s in level1 if s.shares.originality < 0.7]
    titles = bars.evaluate_all("a => a.map(x => x.title)")
    assert [t.split(" · ")[0] for t in titles if t.endswith(" · 低于阈值")] == flagged
    assert bars.evaluate_all("a => a.map(x => getComputedStyle(x).borderTopStyle)") == ["none"] * len(level1)
    assert viewer.page.locator("#overview h2").first.inner_text() == "材料排名（原创比例由低到高）"
    assert viewer.page.locator("#pager").is_hidden()  # 14 rows are one page
    # A section's bar opens the document at that section.
    viewer.click(bars.nth([s.title for s in level1].index(flagged[1])), "document")
    section = viewer.page.locator(f'#doc-text .section[data-title="{flagged[1]}"]')
    assert section.count() == 1
    assert section.evaluate("s => s.getBoundingClientRect().top") == pytest.approx(0, abs=2)
    viewer.page.go_back()
    viewer.shows("overview")
    assert viewer.page.title() == "dupcheck 查重报告"
    viewer.assert_clean()


def test_integrity_flags_show_under_the_file_name_and_in_the_document_view(
    viewer: Viewer, report: Report, tmp_path: Path
) -> None:
    flags = IntegrityFlags(hidden=7442, white=12)
    wang = doc_of(report, "王建国")
    flagged = copy.copy(report)
    flagged.documents = [replace(d, integrity=flags) if d.id == wang.id else d for d in report.documents]
    path = tmp_path / "flags.html"
    path.write_text(render_html(flagged), encoding="utf-8")
    viewer.open(path)
    notes = "已去除隐藏文字 7,442 字 · 白色文字 12 字（已计入正文）"
    assert viewer.page.locator("#ranking .integrity").all_inner_texts() == [notes]
    assert viewer.page.locator('#ranking tr.doc-row[data-member="王建国"] td.doc .integrity').inner_text() == notes
    viewer.click(viewer.page.locator('#ranking tr.doc-row[data-member="王建国"] a.doc-link'), "document")
    assert viewer.page.locator("#doc-summary .integrity").inner_text() == "文件提示：" + notes
    viewer.goto(path, doc=doc_of(report, "周海涛").id)
    viewer.shows("document")
    assert viewer.page.locator("#doc-summary .integrity").count() == 0
    viewer.assert_clean()


def test_document_view_shows_sections_and_labelled_spans(viewer: Viewer, report_file: Path, report: Report) -> None:
    wang = doc_of(report, "王建国")
    viewer.goto(report_file, doc=wang.id)
    page = viewer.page
    assert "王建国" in page.locator("#doc-title").inner_text()
    mine, _ = first_reuse(report, wang.id, "周海涛")
    planted = report.excerpt(mine)[:20]
    assert planted in "".join(spans_text(viewer, "reuse"))
    assert_spans_match_offsets(viewer, report.texts[wang.id])
    sections = page.locator('#doc-text > .section[data-level="1"]')
    assert sections.evaluate_all("s => s.map(x => x.dataset.title)") == [s.title for s in wang.sections if s.level == 1]
    assert page.locator("#doc-text").evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert "雷同" in page.locator("#doc-summary .legend").inner_text()

    liu = doc_of(report, "刘芳")
    viewer.click(page.locator("a.back").first, "overview")
    viewer.click(page.locator('#ranking tr.doc-row[data-member="刘芳"] a.doc-link'), "document")
    assert "刘芳" in page.locator("#doc-title").inner_text()
    template = next(m for m in report.matches if m.kind == "template" and m.a.doc == liu.id)
    assert report.excerpt(template.a)[:20] in "".join(spans_text(viewer, "template"))
    assert_spans_match_offsets(viewer, report.texts[liu.id])
    viewer.assert_clean()


def test_a_reuse_span_opens_both_passages_side_by_side(viewer: Viewer, report_file: Path, report: Report) -> None:
    wang = doc_of(report, "王建国")
    mine, other = first_reuse(report, wang.id, "周海涛")
    viewer.goto(report_file, doc=wang.id)
    page = viewer.page
    viewer.click(page.locator("#doc-text .span-reuse").first, "side-by-side")
    assert page.locator(".side-this .side-member").inner_text() == "王建国"
    assert page.locator(".side-other .side-member").inner_text() == "周海涛"
    assert page.locator(".side-other .side-doc").inner_text() == other.doc
    assert page.locator(".side-this .passage-text").text_content() == report.excerpt(mine)
    assert page.locator(".side-other .passage-text").text_content() == report.excerpt(other)
    assert page.locator("mark.diff").count() >= 1  # the copy was disguised
    # What is not marked is a common subsequence of the two passages: the same characters on both sides.
    unmarked = page.eval_on_selector_all(
        ".passage-text",
        "ps => ps.map(p => [...p.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join(''))",
    )
    assert unmarked[0] == unmarked[1] and len(unmarked[0]) > 0.9 * len(report.excerpt(mine))

    viewer.click(page.locator("a.open-partner"), "document")
    assert page.locator("#doc-title").inner_text() == f"周海涛 · {other.doc}"
    target = "".join(page.locator("#doc-text .target").all_text_contents())
    assert target == report.excerpt(other)
    page.go_back()
    viewer.shows("side-by-side")
    viewer.click(page.locator("#sbs-back"), "document")
    assert "王建国" in page.locator("#doc-title").inner_text()
    viewer.assert_clean()


def test_matrix_cell_of_a_pair_opens_their_passages(viewer: Viewer, report_file: Path, report: Report) -> None:
    viewer.open(report_file)
    page = viewer.page
    cells = page.locator("#matrix td.cell")
    assert cells.count() == 14 * 14
    cell = page.locator('#matrix td.cell[data-a="王建国"][data-b="周海涛"]')
    pair = next(p for p in report.pairs if {p.member_a, p.member_b} == {"王建国", "周海涛"})
    share = pair.share_a if pair.member_a == "王建国" else pair.share_b
    assert float(cell.get_attribute("data-share")) == pytest.approx(share, abs=1e-4)
    assert cell.inner_text() == str(round(100 * share))
    assert page.locator('#matrix td.cell[data-a="高远"]').evaluate_all("c => c.every(x => x.textContent === '')")
    viewer.click(cell, "side-by-side")
    assert page.locator(".side-this .side-member").inner_text() == "王建国"
    assert page.locator(".side-other .side-member").inner_text() == "周海涛"
    viewer.assert_clean()


def test_the_group_is_listed_and_opens_the_passage(viewer: Viewer, report_file: Path, report: Report) -> None:
    viewer.open(report_file)
    page = viewer.page
    groups = page.locator("#groups li.group")
    assert groups.count() == 1
    assert groups.locator(".chip").all_text_contents() == ["何雪", "郑国栋", "黄丽华"]
    (group,) = report.groups
    assert groups.locator(".group-docs").inner_text() == f"3 名成员 · {len(group.passages)} 处段落"
    first = next(p for p in group.passages if report.members[p.doc] == "何雪")
    assert report.excerpt(first)[:20] in groups.locator(".group-excerpt").inner_text()
    viewer.click(groups, "document")
    assert "何雪" in page.locator("#doc-title").inner_text()
    assert "".join(page.locator("#doc-text .target").all_text_contents()) == report.excerpt(first)
    viewer.assert_clean()


def test_a_passage_several_members_share_lists_them_to_choose_from(
    viewer: Viewer, report_file: Path, report: Report
) -> None:
    (group,) = report.groups
    huang = next(p for p in group.passages if report.members[p.doc] == "黄丽华")
    viewer.goto(report_file, cmp="", doc=huang.doc, s=huang.start, e=huang.end)
    page = viewer.page
    choices = page.locator(".partners a.partner-choice")
    assert choices.count() == 2
    first = page.locator(".side-other .side-member").inner_text()
    assert {first} < {"何雪", "郑国栋"} and first in page.locator(".partner-choice.current").inner_text()
    other = ({"何雪", "郑国栋"} - {first}).pop()
    choices.filter(has_text=other).click()
    page.locator(".side-other .side-member", has_text=other).wait_for()
    assert page.locator(".side-this .side-member").inner_text() == "黄丽华"
    assert other in page.locator(".partner-choice.current").inner_text()
    viewer.assert_clean()


def test_filters_hide_rows(viewer: Viewer, report_file: Path, report: Report) -> None:
    viewer.open(report_file)
    page = viewer.page
    rows = "#ranking tr.doc-row"
    page.select_option("#filter-unit", "综合办公室")
    office = [d.id for d in report.documents if d.unit == "综合办公室"]
    assert viewer.visible_rows(rows, "data-doc") == office and len(office) == 5
    assert set(viewer.visible_rows("#matrix tr.matrix-row", "data-member")) == {report.members[d] for d in office}
    page.select_option("#filter-unit", "")
    assert len(viewer.visible_rows(rows, "data-doc")) == 14

    page.fill("#filter-member", "高")
    assert viewer.visible_rows(rows, "data-member") == ["高远"]
    page.fill("#filter-member", "")

    page.fill("#filter-overlap", "10")
    visible = viewer.visible_rows(rows, "data-member")
    assert "高远" not in visible and set(visible) == {"王建国", "周海涛", "郑国栋", "黄丽华", "何雪"}
    assert "高远" not in viewer.visible_rows("#matrix th.col", "data-member")
    assert "高远" not in viewer.visible_rows("#matrix tr.matrix-row", "data-member")
    assert page.locator("#filter-count").inner_text() == "显示 5 / 14 份材料"
    page.fill("#filter-overlap", "0")
    assert len(viewer.visible_rows(rows, "data-doc")) == 14
    viewer.assert_clean()


def test_english_page(viewer: Viewer, report: Report, tmp_path: Path) -> None:
    path = tmp_path / "report-en.html"
    path.write_text(render_html(report, lang="en"), encoding="utf-8")
    viewer.open(path)
    page = viewer.page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title() == "dupcheck report"
    assert page.locator("#overview h2").all_inner_texts()[:2] == [
        "Documents, least original first",
        "Overlap between members",
    ]
    assert page.locator("#ranking thead th").all_inner_texts()[:3] == ["Member", "Document", "Original"]
    viewer.click(page.locator('#ranking tr.doc-row[data-member="王建国"] a.doc-link'), "document")
    assert "reuse" in page.locator("#doc-summary .legend").inner_text()
    viewer.click(page.locator("#doc-text .span-reuse").first, "side-by-side")
    assert page.locator(".side-this .side-role").inner_text() == "This document"
    assert page.locator("a.open-partner").inner_text() == "Open 周海涛's document →"
    viewer.assert_clean()


@pytest.fixture(scope="module")
def injection_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Six members; two share a passage holding script and markup, one heading and one member name hold
    markup too, and astral characters come before the passage."""
    root = tmp_path_factory.mktemp("injection")
    files = {f"成员{i}.txt": injection_report_text(i, COPIED if i < 2 else "") for i in range(1, 5)}
    files["成员0.md"] = injection_report_text(0, COPIED, heading="# " + HEADING_PAYLOAD)
    files[f"{MEMBER_PAYLOAD}.txt"] = injection_report_text(5)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return scan(root)


def test_injected_markup_runs_nothing_and_shows_as_text(
    viewer: Viewer, injection_report: Report, tmp_path: Path
) -> None:
    report = injection_report
    (match,) = report.matches
    assert SCRIPT_PAYLOAD in report.excerpt(match.a) and IMG_PAYLOAD in report.excerpt(match.a)
    path = tmp_path / "injection.html"
    path.write_text(render_html(report, title=TITLE_PAYLOAD), encoding="utf-8")
    viewer.open(path)
    page = viewer.page

    def nothing_ran() -> bool:
        page.wait_for_timeout(100)  # an image's error handler would run once its load has failed
        return page.evaluate("typeof window.__pwned") == "undefined"

    assert nothing_ran()
    assert page.title() == TITLE_PAYLOAD
    assert MEMBER_PAYLOAD in page.locator("#ranking").inner_text()

    doc = next(d for d in report.documents if d.id == "成员0.md")
    viewer.goto(path, doc=doc.id)
    assert nothing_ran()
    shown = page.locator("#doc-text").text_content()
    assert SCRIPT_PAYLOAD in shown and IMG_PAYLOAD in shown
    assert page.locator(f'#doc-text .section[data-title="{HEADING_PAYLOAD}"]').count() == 1
    assert_spans_match_offsets(viewer, report.texts[doc.id])  # astral characters do not shift offsets
    assert ASTRAL * 3 in shown

    viewer.click(page.locator("#doc-text .span-reuse").first, "side-by-side")
    assert SCRIPT_PAYLOAD in page.locator(".side-other .passage-text").text_content()

    assert nothing_ran()
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    assert page.locator("script").count() == 2 + len(CHUNK_ELEMENT.findall(path.read_text(encoding="utf-8")))
    viewer.assert_clean()


def test_hostile_ids_names_and_units_navigate_and_show_as_text(viewer: Viewer, tmp_path: Path) -> None:
    report = hand_made_report()
    (doc,) = report.documents
    path = tmp_path / "hostile.html"
    path.write_text(render_html(report, title=TITLE_PAYLOAD), encoding="utf-8")
    viewer.open(path)
    page = viewer.page
    assert page.locator("#filter-unit option").all_text_contents()[1] == SCRIPT_PAYLOAD
    page.select_option("#filter-unit", SCRIPT_PAYLOAD)
    assert viewer.visible_rows("#ranking tr.doc-row", "data-doc") == [doc.id]
    assert page.locator("#ranking td.member").inner_text() == IMG_PAYLOAD
    assert page.locator("#ranking .sec-bar").get_attribute("title").startswith(HEADING_PAYLOAD)
    viewer.click(page.locator("a.doc-link"), "document")
    assert page.locator("#doc-title").inner_text() == f"{IMG_PAYLOAD} · {doc.id}"
    assert page.locator("#doc-text").text_content().endswith(report.texts[doc.id])
    assert_spans_match_offsets(viewer, report.texts[doc.id])  # a lone surrogate is one code point, as in Python
    viewer.click(page.locator("#doc-text .span-reuse"), "side-by-side")
    assert page.locator(".side-other .side-member").inner_text() == MEMBER_PAYLOAD
    assert page.locator(".side-other .passage-text").text_content() == report.texts["other.txt"]
    page.wait_for_timeout(100)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    viewer.assert_clean()


def test_check_report_shows_the_one_draft(
    viewer: Viewer, report: Report, tmp_path: Path, write_corpus: WriteCorpus
) -> None:
    """``dupcheck check``'s report: one document, its partners only as texts to compare with."""
    draft_path = write_corpus(tmp_path / "drafts", {"王建国-草稿.txt": report.texts["综合办公室/王建国.txt"]})
    draft = load_draft(draft_path / "王建国-草稿.txt")
    sources, _ = discover(CORPUS)
    others = [load(s) for s in sources if s.member != "王建国"]
    checked = check_draft(draft, others, ScanSettings())
    assert [d.member for d in checked.documents] == ["王建国"]
    path = tmp_path / "check.html"
    path.write_text(render_html(checked, check=summarise(checked)), encoding="utf-8")
    viewer.open(path)
    page = viewer.page
    assert page.locator("#check-summary").is_visible()
    assert page.locator("#check-summary table.check-sources td").first.inner_text() == "周海涛"
    assert page.locator("#check-verdict").inner_text().startswith("结论：原创 64.6%。 本稿有相当部分是其他成员的文字")
    assert viewer.visible_rows("#ranking tr.doc-row", "data-doc") == ["王建国-草稿.txt"]
    assert page.locator('#matrix td.cell.hit[data-a="王建国"][data-b="周海涛"]').count() == 1
    viewer.click(page.locator("a.doc-link"), "document")
    assert not page.locator("#check-summary").is_visible()  # it belongs to the overview
    viewer.click(page.locator("#doc-text .span-reuse").first, "side-by-side")
    assert page.locator(".side-other .side-member").inner_text() == "周海涛"
    assert page.locator("a.open-partner").count() == 0  # 周海涛's report is not one of this report's documents
    viewer.click(page.locator("a.open-source"), "document")
    assert page.locator("#doc-title").inner_text() == "周海涛 · 运维检修部/周海涛.txt"
    assert page.locator("#doc-text .target").count() >= 1
    viewer.assert_clean()


def long_passage_report(a: str, b: str) -> Report:
    """Two members whose whole reports are one shared passage."""
    shares = Shares(originality=0.0, reuse=1.0, template=0.0, boilerplate=0.0)
    docs = [
        DocumentResult(id, member, "", len(text), shares, [], [SpanResult(0, len(text), "reuse")], partner, 1.0)
        for id, member, text, partner in (("甲.txt", "甲", a, "乙"), ("乙.txt", "乙", b, "甲"))
    ]
    return Report(
        documents=docs,
        matches=[MatchResult("reuse", 0.9, Side("甲.txt", 0, len(a)), Side("乙.txt", 0, len(b)))],
        pairs=[],
        groups=[],
        errors=[],
        settings={},
        texts={"甲.txt": a, "乙.txt": b},
        members={"甲.txt": "甲", "乙.txt": "乙"},
        outlines={"甲.txt": [], "乙.txt": []},
    )


@pytest.mark.parametrize("length", [400, 5000])
def test_long_passages_are_compared_character_by_character(viewer: Viewer, tmp_path: Path, length: int) -> None:
    """Up to 2,000 × 2,000 characters a full LCS, beyond it one within a diagonal band: either way what is
    left unmarked is the same on both sides, and every edit is marked."""
    a = prose(length, length)
    edits = range(length // 10, length - 10, length // 10)
    b = "".join(f"{ASTRAL}x" if i in edits else ("" if i - 3 in edits else c) for i, c in enumerate(a))
    path = tmp_path / "long.html"
    path.write_text(render_html(long_passage_report(a, b)), encoding="utf-8")
    viewer.goto(path, doc="甲.txt")
    viewer.click(viewer.page.locator("#doc-text .span-reuse"), "side-by-side")
    unmarked = viewer.page.eval_on_selector_all(
        ".passage-text",
        "ps => ps.map(p => [...p.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join(''))",
    )
    assert unmarked[0] == unmarked[1] and len(unmarked[0]) >= len(a) - 2 * len(edits)
    assert viewer.page.locator(".side-other mark.diff").all_text_contents() == [f"{ASTRAL}x"] * len(edits)
    viewer.assert_clean()


def test_passages_too_long_to_compare_are_left_unmarked(viewer: Viewer, tmp_path: Path) -> None:
    a, b = prose(1, 6000), prose(2, 2000)
    path = tmp_path / "too-long.html"
    path.write_text(render_html(long_passage_report(a, b), lang="en"), encoding="utf-8")
    viewer.goto(path, cmp=0, doc="甲.txt", s=0, e=len(a))
    assert viewer.page.locator("mark.diff").count() == 0
    assert viewer.page.locator(".side-other .passage-text").text_content() == b
    assert viewer.page.locator(".diff-note").inner_text() == "Passages too long to compare character by character."
    viewer.assert_clean()


def test_screenshots(viewer: Viewer, report_file: Path, report: Report, tmp_path: Path) -> None:
    """Screenshots of the overview, of an open side-by-side view and of the printed report's first page, for a
    person to look at (``DUPCHECK_SCREENSHOTS=docs/images`` takes the README's)."""
    folder = Path(os.environ.get("DUPCHECK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    viewer.open(report_file)
    overview = folder / "report-overview.png"
    viewer.page.screenshot(path=str(overview), full_page=True)
    viewer.goto(report_file, doc=doc_of(report, "王建国").id)
    viewer.click(viewer.page.locator("#doc-text .span-reuse").first, "side-by-side")
    side_by_side = folder / "report-side-by-side.png"
    viewer.page.screenshot(path=str(side_by_side), full_page=True)
    viewer.page.goto(report_file.as_uri() + "#print")
    viewer.shows("print")
    printed = folder / "report-print.png"
    viewer.page.emulate_media(media="print")
    viewer.page.locator(".print-member").first.screenshot(path=str(printed))
    for path in (overview, side_by_side, printed):
        assert path.stat().st_size > 10_000
        print(f"screenshot: {path}")
    viewer.assert_clean()


# ---- large reports: paging, the heat map of a real corpus, the printed report, the folder


def many_report(n: int) -> Report:
    """``n`` members, each with a short text, every one sharing a passage with the next: a ranking of ``n`` rows."""
    texts = {f"成员{i:04d}.txt": f"一、标题\n成员{i:04d}的材料正文。" + "共同的段落" * 4 for i in range(n)}
    docs = []
    for i, doc_id in enumerate(texts):
        reuse = round(0.5 * (n - i) / n, 4)
        sections = (SectionResult("一、标题", 1, 0, len(texts[doc_id]), 20, Shares(1 - reuse, reuse, 0, 0)),)
        docs.append(
            DocumentResult(doc_id, doc_id[:-4], f"单位{i % 3}", 30, Shares(1 - reuse, reuse, 0, 0), sections, ())
        )
    return Report(
        documents=docs,
        matches=[],
        pairs=[],
        groups=[],
        errors=[],
        settings={},
        texts=texts,
        members={d.id: d.member for d in docs},
    )


def test_the_ranking_draws_one_page_of_rows_at_a_time(viewer: Viewer, tmp_path: Path) -> None:
    report = many_report(250)
    ids = [d.id for d in report.documents]
    path = tmp_path / "many.html"
    path.write_text(render_html(report), encoding="utf-8")
    viewer.open(path)
    page = viewer.page
    rows = "#ranking tr.doc-row"
    assert page.locator(rows).count() == 100  # the other 150 rows are not in the page at all
    assert viewer.visible_rows(rows, "data-doc") == ids[:100]
    assert page.locator("#page-info").inner_text() == "第 1–100 份，共 250 份（第 1 / 3 页）"
    assert page.locator("#page-prev").is_disabled() and page.locator("#page-first").is_disabled()
    page.click("#page-next")
    assert viewer.visible_rows(rows, "data-doc") == ids[100:200]
    page.click("#page-last")
    assert viewer.visible_rows(rows, "data-doc") == ids[200:]
    assert page.locator("#page-info").inner_text() == "第 201–250 份，共 250 份（第 3 / 3 页）"
    assert page.locator("#page-next").is_disabled() and page.locator("#page-last").is_disabled()
    # A document opened from the third page and closed again: still the third page.
    viewer.click(page.locator(f'{rows}[data-doc="{ids[210]}"] a.doc-link'), "document")
    assert page.locator("#doc-text").inner_text().startswith("一、标题")
    page.go_back()
    viewer.shows("overview")
    assert viewer.visible_rows(rows, "data-doc") == ids[200:]
    # A filter starts again at its first page.
    page.select_option("#filter-unit", "单位1")
    unit1 = [d.id for d in report.documents if d.unit == "单位1"]
    assert len(unit1) == 83 and viewer.visible_rows(rows, "data-doc") == unit1
    assert page.locator("#pager").is_hidden()
    page.fill("#filter-member", "成员000")
    assert viewer.visible_rows(rows, "data-doc") == [i for i in unit1 if i.startswith("成员000")]
    viewer.assert_clean()


REAL = Path(os.environ.get("DUPCHECK_REAL_CORPUS", ROOT.parent / "shared" / "corpus-real"))


@pytest.fixture(scope="module")
def real_report() -> Report:
    if not (REAL / "docs").is_dir():
        pytest.skip(f"the real corpus is not at {REAL} (set DUPCHECK_REAL_CORPUS)")
    return scan(REAL / "docs")


def test_the_heat_map_of_the_real_corpus_fills_the_width_and_keeps_its_names_in_view(
    viewer: Viewer, real_report: Report, tmp_path: Path
) -> None:
    """Over a hundred members: as many columns as the card's width holds, those whose reports share most,
    the rest counted in a note; scrolled down and right, the member names stay at the top and the left edge."""
    report = real_report
    members = {d.member for d in report.documents}
    assert len(members) >= 100
    path = tmp_path / "real.html"
    path.write_text(render_html(report), encoding="utf-8")
    viewer.open(path)
    page = viewer.page
    box = page.locator("#matrix-scroll")
    width = box.evaluate("b => b.clientWidth")
    columns = page.locator("#matrix th.col").evaluate_all("cs => cs.map(c => c.dataset.member)")
    assert len(columns) == min(60, (width - 120) // 30) and len(columns) >= 30
    assert page.locator("#matrix tr.matrix-row").count() == len(columns)
    table_width = page.locator("#matrix").evaluate("t => t.getBoundingClientRect().width")
    assert 0.85 * width <= table_width <= width + 1  # the width used, and no more
    # The members of the pairs who share most, each with a partner in view: no row without a coloured cell.
    strongest = max(report.pairs, key=lambda q: max(q.share_a, q.share_b))
    assert {strongest.member_a, strongest.member_b} <= set(columns)
    hits = page.locator("#matrix tr.matrix-row").evaluate_all("rs => rs.map(r => r.querySelectorAll('.hit').length)")
    assert min(hits) >= 1
    left = len(members) - len(columns)
    assert page.locator("#matrix-note").inner_text() == (
        f"列出相互雷同最多的 {len(columns)} 名成员，另有 {left} 名未列出（可用上方筛选缩小范围）。"
    )
    # Most cells of those shown carry a share of 1 % or more (members who hardly share are left out).
    labels = page.locator("#matrix td.cell.hit").all_inner_texts()
    assert labels and sum(label != "<1" for label in labels) >= len(labels) / 3

    page.locator("#matrix-card").scroll_into_view_if_needed()
    box.evaluate("b => { b.style.maxHeight = '300px'; b.scrollTop = 400; b.scrollLeft = 300; }")
    page.wait_for_timeout(100)
    top = box.evaluate("b => b.getBoundingClientRect().top")
    left_edge = box.evaluate("b => b.getBoundingClientRect().left")
    head = page.locator("#matrix th.col").nth(len(columns) // 2).evaluate("c => c.getBoundingClientRect().top")
    row_head = page.locator("#matrix th.row").nth(len(columns) - 1).evaluate("c => c.getBoundingClientRect().left")
    assert head == pytest.approx(top, abs=1.5) and row_head == pytest.approx(left_edge, abs=1.5)
    # A cell opens the two members' first shared passage.
    cell = page.locator("#matrix td.cell.hit").first
    a, b = cell.get_attribute("data-a"), cell.get_attribute("data-b")
    viewer.click(cell, "side-by-side")
    assert page.locator(".side-this .side-member").inner_text() == a
    assert page.locator(".side-other .side-member").inner_text() == b
    viewer.assert_clean()


def chinese_font() -> bool:
    done = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(done.stdout.strip())


def holds(text: str, name: str) -> bool:
    """Whether a PDF page's text holds ``name``. A PDF's text maps some glyphs to look-alike radicals (U+2E80–
    U+2FDF: 黄 comes back as ⻩) that NFKC does not fold: such a character stands for any one."""
    pattern = "".join(f"(?:{re.escape(c)}|[\u2e80-\u2fdf])" for c in name)
    return re.search(pattern, text) is not None


def printed(viewer: Viewer, pdf: Path) -> list[str]:
    """The text of each page of the view shown, printed to PDF by Chromium (with the page's print rules)."""
    try:
        import pypdf
    except ImportError:
        needs("pypdf is not installed (pip install pypdf): the printed pages are read with it")
    viewer.page.pdf(path=str(pdf), prefer_css_page_size=True)
    return [unicodedata.normalize("NFKC", p.extract_text()) for p in pypdf.PdfReader(pdf).pages]


def test_the_printed_report_gives_one_member_per_page(
    viewer: Viewer, report_file: Path, report: Report, tmp_path: Path
) -> None:
    if not shutil.which("fc-list") or not chinese_font():
        needs("no Chinese font installed (apt-get install fonts-noto-cjk): a printed page would be boxes")
    viewer.open(report_file)
    assert viewer.page.locator("#print-link").inner_text() == "打印版检测报告"
    viewer.click(viewer.page.locator("#print-link"), "print")
    members = [d.member for d in report.documents]
    assert viewer.page.locator(".print-member").evaluate_all("ps => ps.map(p => p.dataset.member)") == members
    pages = printed(viewer, tmp_path / "all.pdf")
    assert len(pages) == len(members)
    for text, d in zip(pages, report.documents, strict=True):
        assert "打印版检测报告" in text and holds(text, d.member) and holds(text.replace("\n", ""), d.id)
        assert [m for m in members if holds(text.split("\n")[1], m)] == [d.member]  # the name under the heading
    wang = pages[members.index("王建国")]
    assert "周海涛" in wang and "原创 64.6%" in wang
    # The members the filters leave, and one member from the document view.
    viewer.open(report_file)
    viewer.page.select_option("#filter-unit", "综合办公室")
    viewer.click(viewer.page.locator("#print-link"), "print")
    office = [d.member for d in report.documents if d.unit == "综合办公室"]
    assert viewer.page.locator(".print-member").evaluate_all("ps => ps.map(p => p.dataset.member)") == office
    assert len(printed(viewer, tmp_path / "office.pdf")) == len(office) == 5
    viewer.goto(report_file, doc=doc_of(report, "何雪").id)
    viewer.click(viewer.page.locator("#doc-print"), "print")
    (one,) = printed(viewer, tmp_path / "one.pdf")
    assert holds(one, "何雪") and not holds(one, "王建国")
    viewer.assert_clean()


def test_a_report_folder_opens_offline_and_loads_each_texts_file_beside_it(
    viewer: Viewer, report: Report, tmp_path: Path
) -> None:
    written = html_output(report, limit=0)
    folder = tmp_path / "report"
    write_tree(folder, written.files, ours=is_report_folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(written.files)
    viewer.open(folder / FOLDER_PAGE)
    page = viewer.page
    assert page.locator("#ranking tr.doc-row").count() == 14
    assert [u for u in viewer.requests if u.endswith(".js")] == []  # no text loaded for the overview
    wang = doc_of(report, "王建国")
    viewer.click(page.locator(f'#ranking tr.doc-row[data-doc="{wang.id}"] a.doc-link'), "document")
    assert_spans_match_offsets(viewer, report.texts[wang.id])
    viewer.click(page.locator("#doc-text .span-reuse").first, "side-by-side")
    assert page.locator(".side-other .side-member").inner_text() == "周海涛"
    loaded = [u for u in viewer.requests if u.endswith(".js")]
    assert loaded and all(u.startswith((folder / "data").as_uri() + "/") for u in loaded)
    viewer.assert_clean()
    # A texts file gone (the folder not kept whole): the document view says so.
    for chunk in (folder / "data").iterdir():
        chunk.unlink()
    page.goto("about:blank")  # a fresh page: nothing decoded yet
    viewer.problems.clear()
    viewer.goto(folder / FOLDER_PAGE, doc=wang.id)
    assert "未能载入材料全文" in page.locator("#doc-text .load-error").inner_text()
