"""The HTML report's script, src/dupcheck/html/report.js, run under node: its helpers that compute rather than
draw (wording from templates, percentages, links, code-point excerpts, which section a position is in, which
match a link opens, the members' filter statistics, the matrix's colours, the character diff), called on the
real asset with page data from ``page_data`` and checked for exact values.

tests/html_script_harness.mjs loads the script in a node:vm sandbox whose ``module`` makes it export these
helpers instead of building the page. Skipped when ``node`` is not on PATH, unless ``CI`` is set (then they
fail). What the page draws and does is tested in Chromium by tests/test_html_report.py.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from dupcheck.html_report import STRINGS, chunk_entries, page_data
from dupcheck.read_text import IntegrityFlags
from dupcheck.report import (
    DocumentResult,
    MatchResult,
    PairResult,
    Report,
    SectionResult,
    Shares,
    Side,
    SpanResult,
)

NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("html_script_harness.mjs")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(autouse=True)
def _node() -> None:
    """Without node these tests are skipped, unless the environment variable ``CI`` is set: then they fail."""
    if NODE is None:
        reason = "node is not on PATH: report.js's helpers are run under node"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


ASTRAL = "𠮷"  # one code point, two UTF-16 units


def shares(original: float, reuse: float = 0.0, template: float = 0.0, own: float = 0.0) -> Shares:
    return Shares(original, reuse, template, round(1 - original - reuse - template - own, 4), own)


def small_report() -> Report:
    """甲 (two documents, units a and b), 乙 (no unit) and a template that is no document of the report."""
    texts = {
        "a/甲.txt": ASTRAL + "一、标题甲的文字（一）小节内容与乙相同的段落" + "x" * 10,
        "b/甲.txt": "甲的另一份材料",
        "乙.txt": "乙的材料与甲相同的段落",
        "模板.docx": "模板标题与模板正文",
    }
    first = DocumentResult(
        "a/甲.txt",
        "甲",
        "a",
        30,
        shares(0.6, reuse=0.25, template=0.1),
        [
            SectionResult("一、标题", 1, 1, 20, 19, shares(0.5, reuse=0.5)),
            SectionResult("（一）小节", 2, 8, 14, 6, shares(0.7, reuse=0.3)),
        ],
        [SpanResult(8, 14, "reuse")],
        "乙",
        0.25,
    )
    second = DocumentResult("b/甲.txt", "甲", "b", 7, shares(0.6, reuse=0.4), [], [], "乙", 0.4)
    third = DocumentResult("乙.txt", "乙", "", 11, shares(0.5, reuse=0.5), [], [SpanResult(2, 8, "reuse")], "甲", 0.5)
    return Report(
        documents=[first, second, third],
        matches=[
            MatchResult("template", 0.8, Side("a/甲.txt", 20, 25), Side("模板.docx", 0, 4)),
            MatchResult("reuse", 0.95, Side("a/甲.txt", 8, 14), Side("乙.txt", 2, 8)),
            MatchResult("reuse", 0.9, Side("乙.txt", 0, 2), Side("b/甲.txt", 0, 2)),
        ],
        pairs=[PairResult("甲", "乙", 8, 8, 0.2, 0.5, 2)],
        groups=[],
        errors=[],
        settings={},
        texts=texts,
        members={"a/甲.txt": "甲", "b/甲.txt": "甲", "乙.txt": "乙", "模板.docx": ""},
        outlines={"a/甲.txt": [(1, 20, "一、标题"), (8, 14, "（一）小节")], "模板.docx": [(0, 4, "模板标题")]},
    )


def data_of(report: Report, lang: str = "en", threshold: float = 0.7) -> dict[str, Any]:
    return page_data(report, lang=lang, threshold=threshold, title="t")


def stored(report: Report) -> tuple[Any, ...]:
    """The call that puts every text's entry where the page keeps decoded chunks (as opening documents does)."""
    return ("remember", chunk_entries(report))


@pytest.fixture(scope="module")
def script() -> Iterator[Path]:
    with resources.as_file(resources.files("dupcheck") / "html" / "report.js") as path:
        yield path


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    return data_of(small_report())


def run(script: Path, data: dict[str, Any], *calls: tuple[Any, ...]) -> list[Any]:
    """Each call ``(name, *args)`` of report.js's helpers, in one node process, and what it returned."""
    assert NODE is not None
    payload = json.dumps({"data": data, "calls": [list(call) for call in calls]}, ensure_ascii=False)
    done = subprocess.run(
        [NODE, str(HARNESS), str(script)],
        input=payload.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    results = json.loads(done.stdout)
    assert len(results) == len(calls)
    for call, result in zip(calls, results, strict=True):
        assert "error" not in result, f"{call[0]}: {result['error']}"
    return [result["value"] for result in results]


# ---- wording and numbers


def test_fmt_fills_named_slots_once_and_leaves_unknown_ones(script: Path, small: dict[str, Any]) -> None:
    en = STRINGS["en"]
    assert run(
        script,
        small,
        ("fmt", en["shown"], {"n": 3, "total": 14}),
        ("fmt", en["matrixCell"], {"a": "甲", "b": "乙", "chars": 8, "share": "20.0%", "n": 2}),
        ("fmt", "{a}{b}", {"a": "{b}", "b": "x"}),  # an inserted value is not filled in again
        ("fmt", "{n} / {missing}", {"n": 0}),
        ("fmt", "{n}", {"n": None}),
        ("fmt", 5, {}),
        ("fmt", STRINGS["zh"]["summary"], {"docs": 14, "pairs": 4, "groups": 1, "matches": 10}),
    ) == [
        "3 of 14 documents shown",
        "甲 and 乙: 8 characters of 甲's text (20.0%), 2 passage(s)",
        "{b}x",
        "0 / {missing}",
        "null",
        "5",
        "14 份材料 · 4 对成员存在雷同 · 1 组多人共用段落 · 10 处对应段落",
    ]


def test_pct_is_one_decimal_and_treats_missing_as_zero(script: Path, small: dict[str, Any]) -> None:
    assert run(
        script,
        small,
        ("pct", 0.2913),
        ("pct", 0.12345),
        ("pct", 1),
        ("pct", 0),
        ("pct", None),
        ("pct", 0.00049),
    ) == ["29.1%", "12.3%", "100.0%", "0.0%", "0.0%", "0.0%"]


def test_short_collapses_white_space_and_cuts_at_code_points(script: Path, small: dict[str, Any]) -> None:
    assert run(
        script,
        small,
        ("short", "  a\n\n b\t c ", 10),
        ("short", "abcdefghij", 10),
        ("short", "abcdefghijk", 10),
        ("short", ASTRAL * 12, 10),
    ) == ["a b c", "abcdefghij", "abcdefghi…", ASTRAL * 9 + "…"]


def test_to_int_unique_and_links(script: Path, small: dict[str, Any]) -> None:
    assert run(
        script,
        small,
        ("toInt", "12"),
        ("toInt", "12abc"),
        ("toInt", "-3"),
        ("toInt", ""),
        ("toInt", None),
        ("unique", [3, 1, 3, 2, 1]),
        ("hash", {"doc": "a b/c.txt", "s": 3}),
        ("hash", {"doc": "甲.txt"}),
        ("compareHref", 3, {"doc": "乙.txt", "start": 1, "end": 4}),
    ) == [
        12,
        12,
        -3,
        None,
        None,
        [3, 1, 2],
        "#doc=a+b%2Fc.txt&s=3",
        "#doc=%E7%94%B2.txt",
        "#cmp=3&doc=%E4%B9%99.txt&s=1&e=4",
    ]


def test_shares_summary_names_own_earlier_only_when_there_is_some(script: Path) -> None:
    doc = {"originality": 0.646, "reuse": 0.291, "template": 0, "boilerplate": 0.063, "self": 0}
    own = {**doc, "originality": 0.546, "self": 0.1}
    data = data_of(small_report())
    assert run(script, data, ("sharesSummary", doc), ("sharesSummary", own)) == [
        "original 64.6% · reuse 29.1% · template 0.0% · boilerplate 6.3%",
        "original 54.6% · reuse 29.1% · template 0.0% · boilerplate 6.3% · own earlier 10.0%",
    ]
    assert run(script, data_of(small_report(), lang="zh"), ("sharesSummary", doc)) == [
        "原创 64.6% · 雷同 29.1% · 模板 0.0% · 通用表述 6.3%"
    ]


def test_integrity_notes_are_worded_in_the_page_language_with_their_counts(script: Path) -> None:
    report = small_report()
    flags = IntegrityFlags(hidden=7442, placeholders=2)
    report.documents[0] = replace(report.documents[0], integrity=flags)
    first, second = report.documents[0].id, report.documents[1].id
    en, zh = ({d["id"]: d for d in data_of(report, lang=lang)["documents"]} for lang in ("en", "zh"))
    assert run(script, data_of(report), ("integrityNotes", en[first]), ("integrityNotes", en[second])) == [
        list(flags.notes()),
        [],
    ]
    assert run(script, data_of(report, lang="zh"), ("integrityNotes", zh[first])) == [
        ["已去除隐藏文字 7,442 字", "2 个内容控件仍显示占位文字"]
    ]


def test_is_flagged_below_the_page_threshold_only_with_text(script: Path) -> None:
    data = data_of(small_report(), threshold=0.7)
    assert run(
        script,
        data,
        ("isFlagged", {"chars": 10, "originality": 0.69}),
        ("isFlagged", {"chars": 10, "originality": 0.7}),
        ("isFlagged", {"chars": 0, "originality": 0.0}),
    ) == [True, False, False]
    assert run(script, data_of(small_report(), threshold=0.5), ("isFlagged", {"chars": 10, "originality": 0.6})) == [
        False
    ]


# ---- documents, sections and matches


def test_excerpts_and_members_of_documents_and_other_texts(script: Path, small: dict[str, Any]) -> None:
    assert (
        run(
            script,
            small,
            ("excerpt", "a/甲.txt", 0, 5),  # nothing decoded yet: no text
            stored(small_report()),
            ("excerpt", "乙.txt", 2, 6),
            ("excerpt", "no such id", 0, 5),
            ("codePoints", "b/甲.txt"),
            ("memberOf", "a/甲.txt"),
            ("memberOf", "乙.txt"),
            ("memberOf", "模板.docx"),
            ("memberOf", "no such id"),
        )[2:]
        == ["材料与甲", "", list("甲的另一份材料"), "甲", "乙", "", ""]
    )
    # Offsets are code points: the astral character is one (a fresh page, whose first excerpt was not cached).
    assert run(script, small, stored(small_report()), ("excerpt", "a/甲.txt", 0, 5))[1] == ASTRAL + "一、标题"


def test_section_at_is_the_innermost_section(script: Path, small: dict[str, Any]) -> None:
    assert (
        run(
            script,
            small,
            stored(small_report()),
            ("sectionAt", "a/甲.txt", 0),  # before the first heading
            ("sectionAt", "a/甲.txt", 1),
            ("sectionAt", "a/甲.txt", 8),
            ("sectionAt", "a/甲.txt", 13),
            ("sectionAt", "a/甲.txt", 14),  # ends are exclusive
            ("sectionAt", "a/甲.txt", 20),
            ("sectionAt", "模板.docx", 2),  # not a document of the report: its outline
            ("sectionAt", "乙.txt", 2),
        )[1:]
        == ["", "一、标题", "（一）小节", "（一）小节", "一、标题", "", "模板标题", ""]
    )


def test_links_of_pairs_and_partners_open_the_match_they_name(script: Path, small: dict[str, Any]) -> None:
    assert small["pairs"][0][7:] == [[1, "a/甲.txt", 8, 14], [1, "乙.txt", 2, 8]]
    assert [d["partner_link"] for d in small["documents"]] == [
        [1, "a/甲.txt", 8, 14],
        [2, "b/甲.txt", 0, 2],
        [1, "乙.txt", 2, 8],
    ]
    assert run(script, small, ("linkHref", small["pairs"][0][7]), ("linkHref", None)) == [
        "#cmp=1&doc=a%2F%E7%94%B2.txt&s=8&e=14",
        None,
    ]


def test_member_stats_for_the_filters(script: Path, small: dict[str, Any]) -> None:
    """Per member: every unit of their documents, and the highest reuse share of any of them."""
    assert run(script, small, ("memberStats",)) == [
        {"甲": {"units": ["a", "b"], "reuse": 0.4}, "乙": {"units": [""], "reuse": 0.5}}
    ]


def test_doc_meta_leaves_out_a_unit_nobody_has(script: Path, small: dict[str, Any]) -> None:
    a, _, b = small["documents"]
    assert run(script, data_of(small_report(), lang="zh"), ("docMeta", a), ("docMeta", b)) == [
        "单位：a · 30 字",
        "11 字",
    ]


# ---- the heat map's members and their order


def clusters_report() -> Report:
    """Eight members in two clusters (甲乙丙丁 and 子丑寅卯) who share within their cluster only; the most
    reuse alternates between the clusters, so a ranking by reuse alone would interleave them."""
    first, second = "甲乙丙丁", "子丑寅卯"
    order = [m for pair in zip(first, second, strict=True) for m in pair]  # 甲 子 乙 丑 …: most reuse first
    reuse = {m: 0.4 - 0.04 * i for i, m in enumerate(order)}
    docs = [
        DocumentResult(f"{m}.txt", m, "", 100, shares(1 - reuse[m], reuse=reuse[m]), [], [], None, 0.0) for m in order
    ]
    pairs = [
        PairResult(a, b, 10, 10, 0.1 + 0.01 * i, 0.1 + 0.01 * i, 1)
        for cluster in (first, second)
        for i, (a, b) in enumerate((a, b) for a in cluster for b in cluster if a < b)
    ]
    return Report(
        documents=docs,
        matches=[],
        pairs=pairs,
        groups=[],
        errors=[],
        settings={},
        texts={d.id: "文" * 100 for d in docs},
        members={d.id: d.member for d in docs},
    )


def test_the_heat_map_shows_who_shares_most_and_seats_each_cluster_together(script: Path) -> None:
    data = data_of(clusters_report())
    members = [d["member"] for d in data["documents"]]
    everyone, top = run(script, data, ("matrixMembers", members, 8), ("matrixMembers", members, 4))
    assert everyone["left"] == 0 and sorted(everyone["members"]) == sorted(members)
    halves = ["".join(sorted(everyone["members"][:4])), "".join(sorted(everyone["members"][4:]))]
    assert sorted(halves) == sorted(["".join(sorted("甲乙丙丁")), "".join(sorted("子丑寅卯"))])
    assert everyone["members"][0] == "甲"  # the one who shares most leads
    # Four places: the two pairs who share most (one in each cluster), each member beside their partner; not the
    # four members with the most reuse (甲 子 乙 丑), who would share nothing shown but 甲–乙.
    first, second = sorted(clusters_report().pairs, key=lambda q: -q.share_a)[:2]
    assert top["left"] == 4
    assert sorted(top["members"]) == sorted([first.member_a, first.member_b, second.member_a, second.member_b])
    for q in (first, second):
        assert abs(top["members"].index(q.member_a) - top["members"].index(q.member_b)) == 1


def test_members_who_share_nothing_come_after_those_who_do(script: Path) -> None:
    """Two clusters and two members (丙, 甲 of another unit) who share nothing: with room for all, those who
    share come first; with room for two, a pair, never a member alone."""
    report = clusters_report()
    report.documents += [
        DocumentResult(f"{m}2.txt", m + "2", "", 100, shares(1.0), [], [], None, 0.0) for m in ("丙", "甲")
    ]
    data = data_of(report)
    members = [d["member"] for d in data["documents"]]
    everyone, two = run(script, data, ("matrixMembers", members, 10), ("matrixMembers", members, 2))
    assert everyone["left"] == 0 and everyone["members"][-2:] == ["丙2", "甲2"]  # by name, after everyone else
    strongest = max(report.pairs, key=lambda q: q.share_a)
    assert two["left"] == 8 and sorted(two["members"]) == sorted([strongest.member_a, strongest.member_b])


# ---- the side-by-side view's choices


def test_fragments_inside_a_longer_passage_of_the_same_text_are_folded_into_it(script: Path) -> None:
    """A long passage of 甲 matches 乙's text once whole and three times in fragments inside it, and 丙's text
    once inside it: the fragments of 乙 fold into the whole, 丙's stays a source of its own."""
    text = "文" * 400
    shares_ = shares(0.5, reuse=0.5)
    docs = [
        DocumentResult(f"{m}.txt", m, "", 400, shares_, [], [SpanResult(0, 300, "reuse")], None, 0.0) for m in "甲乙丙"
    ]
    matches = [
        MatchResult("reuse", 0.95, Side("甲.txt", 0, 300), Side("乙.txt", 0, 300)),
        MatchResult("reuse", 0.9, Side("甲.txt", 10, 40), Side("乙.txt", 320, 350)),
        MatchResult("reuse", 0.97, Side("甲.txt", 50, 90), Side("乙.txt", 10, 50)),
        MatchResult("reuse", 0.9, Side("甲.txt", 200, 300), Side("乙.txt", 200, 300)),
        MatchResult("reuse", 0.9, Side("甲.txt", 100, 150), Side("丙.txt", 0, 50)),
        MatchResult("reuse", 0.9, Side("甲.txt", 250, 320), Side("乙.txt", 250, 320)),  # reaches beyond: its own
    ]
    texts, members = {d.id: text for d in docs}, {d.id: d.member for d in docs}
    report = Report(docs, matches, [], [], [], {}, texts=texts, members=members)
    data = data_of(report)
    _, plain, wanted, beyond = run(
        script,
        data,
        stored(report),
        ("compareChoice", "甲.txt", None, 0, 300),
        ("compareChoice", "甲.txt", "2", 0, 300),  # a fragment asked for by its match stays, and is shown
        ("compareChoice", "甲.txt", None, 260, 310),
    )
    listed = [c["k"] for c in plain["candidates"]]
    assert sorted(listed) == [0, 4, 5] and plain["folded"] == 3 and plain["chosen"]["k"] == listed[0]
    assert plain["chosen"]["other"]["doc"] == "乙.txt"
    assert sorted(c["k"] for c in wanted["candidates"]) == [0, 2, 4, 5] and wanted["chosen"]["k"] == 2
    assert wanted["folded"] == 2
    assert sorted(c["k"] for c in beyond["candidates"]) == [0, 5] and beyond["folded"] == 1
    assert run(script, data, ("compareChoice", "no such id", None, 0, 5)) == [
        {"candidates": [], "chosen": None, "folded": 0}
    ]


# ---- the matrix's colours and the character diff


def test_heat_runs_from_near_white_to_vermillion(script: Path, small: dict[str, Any]) -> None:
    assert run(script, small, ("heat", 0), ("heat", 0.15), ("heat", 0.18), ("heat", 0.3), ("heat", 0.9)) == [
        {"color": "rgb(250, 236, 224)", "dark": False},
        {"color": "rgb(231, 165, 112)", "dark": False},
        {"color": "rgb(228, 151, 90)", "dark": True},
        {"color": "rgb(213, 94, 0)", "dark": True},
        {"color": "rgb(213, 94, 0)", "dark": True},
    ]


def test_diff_marks_a_longest_common_subsequence(script: Path, small: dict[str, Any]) -> None:
    assert run(
        script,
        small,
        ("diff", list("abcd"), list("abxd")),
        ("diff", list("kitten"), list("sitting")),
        ("diff", list("same"), list("same")),
        ("diff", [], list("ab")),
        ("diff", [ASTRAL, "a"], ["a"]),
    ) == [
        {"sameA": [1, 1, 0, 1], "sameB": [1, 1, 0, 1], "complete": True},
        {"sameA": [0, 1, 1, 1, 0, 1], "sameB": [0, 1, 1, 1, 0, 1, 0], "complete": True},
        {"sameA": [1, 1, 1, 1], "sameB": [1, 1, 1, 1], "complete": True},
        {"sameA": [], "sameB": [0, 0], "complete": True},
        {"sameA": [0, 1], "sameB": [1], "complete": True},
    ]


def test_diff_of_long_passages_within_a_band_and_beyond_it(script: Path, small: dict[str, Any]) -> None:
    """2,500 × 2,500 characters is over the page's 4,000,000 cells: aligned within a diagonal band, still
    exact for scattered edits. 2,100 against 3,100 wholly different characters is beyond even the band: left
    unmarked (all "same") and said to be incomplete."""
    rng = random.Random(5)
    a = [rng.choice("abcdefgh") for _ in range(2500)]
    edits = set(range(7, 2500, 97))
    b = ["#" if i in edits else c for i, c in enumerate(a)]
    banded, beyond = run(script, small, ("diff", a, b), ("diff", ["a"] * 2100, ["b"] * 3100))
    assert banded["complete"] is True
    assert banded["sameB"] == [0 if i in edits else 1 for i in range(2500)]
    assert sum(banded["sameA"]) == 2500 - len(edits)
    assert beyond == {"sameA": [1] * 2100, "sameB": [1] * 3100, "complete": False}
