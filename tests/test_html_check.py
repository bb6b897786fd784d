"""The self-check's card on the HTML page (src/dupcheck/html_check.py): sources with their shares, the sentence many
reports share once with its count, the template by file name, the verdict; Chinese and English; text escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from test_sources import copied_corpus, report_of

from dupcheck.check import check_against
from dupcheck.html_report import render_html
from dupcheck.sources import summarise

CARD = re.compile(r'<section id="check-summary" class="card">.*?</section>', re.S)


def cells(card: str) -> list[list[str]]:
    """The rows of the card's tables, as text."""
    return [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)] for row in re.findall(r"<tr>(.*?)</tr>", card)
    ]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    corpus, templates, draft = copied_corpus(tmp_path_factory.mktemp("html_check"))
    return check_against(draft, corpus, templates=[templates]), templates


def test_the_check_page_opens_with_its_sources_the_shared_sentence_and_the_verdict(checked) -> None:
    result, templates = checked
    page = render_html(result.report, check=result.summary(0.8))
    (card,) = CARD.findall(page)
    rows = cells(card)
    assert rows[1:4] == [
        ["成员1", "其他成员", "17.2%", "1"],
        ["成员2", "其他成员", "11.4%", "1"],
        ["参考模板.txt", "模板", "8.6%", "1"],
    ]
    assert next(r for r in rows if "10 份材料共有" in r)[1:] == ["10 份材料共有", "2.3%"]
    assert "<h3>参考模板.txt · 模板</h3>" in card and str(templates) not in card
    verdict = re.search(r'<p id="check-verdict" data-verdict="others">(.*?)</p>', card).group(1)
    status = "暂不宜提交：原创 60.5%，低于要求的 80.0%。"
    advice = "本稿有相当部分是其他成员的文字：提交前请改写上列段落"
    assert verdict == f"<strong>结论：</strong>{status} {advice}"
    assert page.index(card) < page.index('id="filters"')  # above the overview


def test_the_card_speaks_english_with_lang_en(checked) -> None:
    result, _ = checked
    (card,) = CARD.findall(render_html(result.report, lang="en", check=result.summary()))
    assert "<h2>Where this draft&#x27;s text comes from</h2>" in card and "shared with 10 reports" in card
    assert "most" not in card.split("check-verdict")[1] and "other members&#x27; text: rewrite" in card


def test_a_scan_page_and_a_check_page_without_its_summary_have_no_card(checked) -> None:
    result, _ = checked
    assert 'id="check-summary"' not in render_html(result.report)


def test_names_and_text_in_the_card_are_escaped() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    report = report_of(
        f"{hostile}字字字字字字字字", [("reuse", 0, 20, f"{hostile}.txt")], members={f"{hostile}.txt": hostile}
    )
    (card,) = CARD.findall(render_html(report, check=summarise(report)))
    assert "<img" not in card and html.escape(hostile, quote=True) in card
    assert cells(card)[1][0] == hostile  # shown as the text it is


def test_a_draft_with_nothing_found_says_so(tmp_path: Path) -> None:
    report = report_of("字" * 50, [])
    (card,) = CARD.findall(render_html(report, lang="en", check=summarise(report)))
    assert "No passage of this draft was found" in card and 'data-verdict="own"' in card
