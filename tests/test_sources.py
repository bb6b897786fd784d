"""Where a checked draft's text comes from: sources with their shares, sentences many reports share folded into one
line, template files by name, and the verdict (src/dupcheck/sources.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_scan import prose, report_text, write

from dupcheck.check import check_against
from dupcheck.report import DocumentResult, GroupResult, MatchResult, Report, Shares, Side
from dupcheck.sources import FOLD_AT, VERDICTS, summarise, template_name, verdict_code

FROM_A = prose(7001, 300)  # the draft copies this from 成员1 ...
FROM_B = prose(7002, 200)  # ... this from 成员2 ...
TEMPLATE = prose(7003, 150)  # ... a paragraph of the template ...
COMMON = prose(7004, 40)  # ... and holds a sentence ten other members share
MEMBERS = 40  # ten of forty is less than --boilerplate-share (30 %): reuse, not boilerplate


def copied_corpus(root: Path) -> tuple[Path, Path, Path]:
    """A corpus of 40 members, a template folder given from outside it, and a draft that copies from 成员1,
    成员2 and the template and holds the sentence 成员3 … 成员12 share."""
    files = {}
    for i in range(MEMBERS):
        insert = {1: FROM_A, 2: FROM_B}.get(i, COMMON if 3 <= i < 13 else "")
        files[f"成员{i}.txt"] = report_text(i, insert)
    corpus = write(root / "corpus", files)
    templates = write(root / "官方模板", {"参考模板.txt": TEMPLATE})
    drafts = write(root / "drafts", {"成员0-草稿.txt": report_text(90, FROM_A + COMMON, FROM_B, TEMPLATE)})
    return corpus, templates.resolve(), drafts / "成员0-草稿.txt"


def found_chars(passage: str) -> int:
    """The characters of a copied ``passage`` a passage covers: it starts and ends on a character of the text, so
    the full stop that closes it is left out."""
    return len(passage.rstrip("。"))


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    corpus, templates, draft = copied_corpus(tmp_path_factory.mktemp("sources"))
    return check_against(draft, corpus, templates=[templates]), draft, templates


def test_sources_are_the_two_members_and_the_template_by_file_name_with_their_shares(checked) -> None:
    result, _, templates = checked
    summary = result.summary()
    chars = summary.draft.chars
    assert [(s.kind, s.name) for s in summary.sources] == [
        ("reuse", "成员1"),
        ("reuse", "成员2"),
        ("template", "参考模板.txt"),
    ]
    a, b, t = summary.sources
    assert a.chars == found_chars(FROM_A)
    assert a.share == pytest.approx(a.chars / chars)
    assert b.chars == found_chars(FROM_B) and t.chars == found_chars(TEMPLATE)
    assert t.documents == ("参考模板.txt",) and [p.doc for p in t.passages] == ["参考模板.txt"]
    assert str(templates) not in repr(summary.to_dict())  # never the template's absolute path


def test_the_sentence_ten_members_share_is_one_line_with_their_count(checked) -> None:
    result, draft, _ = checked
    summary = result.summary()
    (line,) = summary.shared
    text = draft.read_text(encoding="utf-8")
    assert text[line.start : line.end] == COMMON.rstrip("。")
    # Ten holders are more than are compared pair by pair: counted, not named (nor listed under each of them).
    assert line.reports == 10 and line.members == ()
    assert line.share == pytest.approx(line.chars / summary.draft.chars)
    assert not any(s.name in {f"成员{i}" for i in range(3, 13)} for s in summary.sources)


def test_the_verdict_of_a_draft_a_third_copied_from_members(checked) -> None:
    result, _, _ = checked
    assert result.summary().verdict.code == "others"
    assert result.summary(0.5).verdict.ready is True and result.summary(0.9).verdict.ready is False


# Hand-made reports, for exact counts.


def report_of(draft_text: str, matches: list[tuple[str, int, int, str]], groups=(), members=None) -> Report:
    """A check report: the draft ``d.txt`` and ``matches`` (kind, start, end, other document) against it."""
    shares = Shares(originality=1.0, reuse=0.0, template=0.0, boilerplate=0.0)
    draft = DocumentResult("d.txt", "我", "", len(draft_text), shares, (), ())
    found = [MatchResult(kind, 0.9, Side("d.txt", s, e), Side(other, 0, e - s)) for kind, s, e, other in matches]
    names = members or {other: other.removesuffix(".txt") for _, _, _, other in matches}
    return Report(
        documents=[draft],
        matches=found,
        pairs=[],
        groups=list(groups),
        errors=[],
        settings={},
        texts={"d.txt": draft_text},
        members={"d.txt": "我", **names},
    )


def test_overlapping_passages_of_one_source_count_their_characters_once() -> None:
    report = report_of(
        "字" * 400, [("reuse", 0, 100, "甲.txt"), ("reuse", 50, 150, "甲.txt"), ("reuse", 300, 350, "乙.txt")]
    )
    a, b = summarise(report).sources
    assert (a.name, a.chars, len(a.passages)) == ("甲", 150, 2) and a.share == pytest.approx(150 / 400)
    assert (b.name, b.chars) == ("乙", 50)
    assert summarise(report).not_own_chars == 200


def test_whitespace_is_not_counted_in_a_share() -> None:
    report = report_of("字 字\n字" * 10, [("reuse", 0, 5, "甲.txt")])
    assert summarise(report).sources[0].chars == 3


def test_a_stretch_is_folded_from_fold_at_reports_on() -> None:
    below = [("reuse", 10, 40, f"成员{i}.txt") for i in range(FOLD_AT - 1)]
    assert not summarise(report_of("字" * 100, below)).shared
    at = [*below, ("reuse", 12, 41, "另一人.txt")]  # nearly the same stretch, one more report
    summary = summarise(report_of("字" * 100, at))
    (line,) = summary.shared
    assert (line.start, line.end, line.reports, summary.sources) == (10, 41, FOLD_AT, ())


def test_a_paragraph_holding_a_common_sentence_stays_under_its_source() -> None:
    common = [("reuse", 110, 125, f"成员{i}.txt") for i in range(6)]
    report = report_of("字" * 400, [("reuse", 0, 300, "甲.txt"), *common])
    summary = summarise(report)
    assert [s.name for s in summary.sources] == ["甲"] and summary.sources[0].chars == 300
    assert [(line.start, line.end, line.reports) for line in summary.shared] == [(110, 125, 6)]


def test_a_group_wider_than_pairs_are_aligned_for_is_one_line_with_its_members() -> None:
    sides = [Side("d.txt", 20, 60), *(Side(f"成员{i}.txt", 0, 40) for i in range(9))]
    group = GroupResult(members=("我", *(f"成员{i}" for i in range(9))), passages=tuple(sides))
    summary = summarise(report_of("字" * 100, [], groups=[group], members={}))
    (line,) = summary.shared
    assert (line.start, line.end, line.reports) == (20, 60, 9)
    assert line.members == tuple(f"成员{i}" for i in range(9))


def test_a_template_is_named_by_its_file_name_whatever_its_path() -> None:
    assert template_name("/home/审核人/材料/模板/参考模板.docx") == "参考模板.docx"
    assert template_name(r"C:\Users\审核人\模板\参考模板.docx") == "参考模板.docx"
    assert template_name("templates/模板.txt") == "模板.txt"
    report = report_of("字" * 100, [("template", 0, 50, "/srv/x/模板.txt"), ("template", 60, 90, "/srv/y/模板.txt")])
    (source,) = summarise(report).sources
    assert (source.name, source.documents, source.chars) == ("模板.txt", ("模板.txt",), 80)


def test_one_stretch_found_twice_in_a_source_is_one_passage() -> None:
    report = report_of("字" * 100, [("template", 0, 20, "模板.txt"), ("template", 0, 20, "模板.txt")])
    assert len(summarise(report).sources[0].passages) == 1


def draft_with(**shares: float) -> DocumentResult:
    values = {"reuse": 0.0, "template": 0.0, "boilerplate": 0.0, "self_": 0.0, "collective": 0.0, **shares}
    values["originality"] = 1 - sum(values.values())
    return DocumentResult("d.txt", "我", "", 1000, Shares(**values), (), ())


@pytest.mark.parametrize(
    ("shares", "code"),
    [
        ({}, "own"),
        ({"boilerplate": 0.25}, "own"),
        ({"reuse": 0.04}, "own"),
        ({"reuse": 0.05}, "mostly_own"),
        ({"reuse": 0.19}, "mostly_own"),
        ({"reuse": 0.20}, "others"),
        ({"reuse": 0.10, "collective": 0.10}, "others"),
        ({"self_": 0.25}, "self"),
        ({"template": 0.25}, "template"),
        ({"template": 0.25, "reuse": 0.25}, "others"),
        ({"boilerplate": 0.25, "template": 0.1}, "mixed"),
    ],
)
def test_verdicts_follow_the_documented_thresholds(shares: dict[str, float], code: str) -> None:
    assert verdict_code(draft_with(**shares)) == code
    assert VERDICTS[code]["en"] and VERDICTS[code]["zh"]
