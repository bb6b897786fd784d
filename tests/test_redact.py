"""What a member's served report keeps of their colleagues: only the passages that match theirs, under a neutral
name unless show_sources; templates named and whole; and nothing else of the colleague in the report or its page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_scan import COPIED, prose, report_text, write

from dupcheck.check import check_against
from dupcheck.html_report import decode_chunk, render_html
from dupcheck.redact import PASSAGE_GAP, redacted
from dupcheck.report import Report

TEMPLATE = prose(4242, 180)
OTHER_COPY = prose(31_337, 220)  # what 王芳 shares with the draft


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """王建国's draft copies a passage of 李秀英's report and one of 王芳's, and a template paragraph."""
    root = tmp_path_factory.mktemp("redact")
    files = {f"成员{i}.txt": report_text(i) for i in range(6)}
    files["综合办公室/李秀英-对照检查.txt"] = report_text(7, COPIED)
    files["综合办公室/王芳.txt"] = report_text(8, "", OTHER_COPY)
    files["templates/模板.txt"] = TEMPLATE
    corpus = write(root / "corpus", files)
    draft = write(root / "drafts", {"王建国.txt": report_text(9, COPIED, OTHER_COPY, TEMPLATE)}) / "王建国.txt"
    return check_against(draft, corpus).report


def readable(page: str) -> str:
    """A page and its texts, decompressed from its chunks: all a reader could get out of the file."""
    found = re.findall(r'<script type="text/plain" id="dupcheck-chunk-\d+">([A-Za-z0-9+/=]*)</script>', page)
    return page + json.dumps([decode_chunk(b64) for b64 in found], ensure_ascii=False)


def colleague_texts(report: Report) -> dict[str, str]:
    return {doc: text for doc, text in report.texts.items() if report.members.get(doc) in ("李秀英", "王芳")}


def test_the_check_found_both_copies_and_the_template(checked: Report) -> None:
    kinds = sorted(m.kind for m in checked.matches)
    assert kinds == ["reuse", "reuse", "template"] and len(colleague_texts(checked)) == 2


def test_a_colleague_is_named_neutrally_and_only_the_matching_passages_are_kept(checked: Report) -> None:
    shown = redacted(checked)
    as_json = json.dumps([shown.to_dict(), shown.texts, shown.members, shown.outlines], ensure_ascii=False)
    for name in ("李秀英", "王芳", "李秀英-对照检查.txt", "王芳.txt", "综合办公室/"):
        assert name not in as_json
    assert sorted(m for m in shown.members.values() if m not in ("王建国", "")) == ["其他成员 1", "其他成员 2"]
    # Each match shows, on the colleague's side, exactly the passage it showed before.
    for before, after in zip(checked.matches, shown.matches, strict=True):
        assert shown.excerpt(after.b) == checked.excerpt(before.b) and after.a == before.a
    # And nothing more of the colleagues' reports: their text is the matched passages, nothing between.
    for doc, text in colleague_texts(checked).items():
        kept = [checked.excerpt(m.b) for m in checked.matches if m.b.doc == doc]
        new_id = next(m.b.doc for b, m in zip(checked.matches, shown.matches, strict=True) if b.b.doc == doc)
        assert shown.texts[new_id] == PASSAGE_GAP.join(kept)
        assert prose(7 * 100 + 99, 120)[:30] not in as_json  # 李秀英's own preamble
        assert len(shown.texts[new_id]) < len(text) / 2
        assert shown.outlines[new_id] == []


def test_pairs_and_top_partner_name_no_colleague(checked: Report) -> None:
    shown = redacted(checked, lang="en")
    (draft,) = shown.documents
    assert draft.top_partner is not None and draft.top_partner.startswith("another member ")
    members = {m for p in shown.pairs for m in (p.member_a, p.member_b)}
    assert members == {"王建国", "another member 1", "another member 2"}
    assert shown.errors == [] and draft.earlier_versions == ()


def test_templates_keep_their_name_and_text(checked: Report) -> None:
    shown = redacted(checked)
    (template,) = [m.b.doc for m in shown.matches if m.kind == "template"]
    original = next(m.b.doc for m in checked.matches if m.kind == "template")
    assert template == original and shown.texts[template] == checked.texts[original]


def test_show_sources_names_the_colleagues_but_keeps_only_the_passages(checked: Report) -> None:
    shown = redacted(checked, show_sources=True)
    assert {"李秀英", "王芳"} <= set(shown.members.values())
    doc = "综合办公室/李秀英-对照检查.txt"
    assert shown.texts[doc] == PASSAGE_GAP.join(checked.excerpt(m.b) for m in checked.matches if m.b.doc == doc)
    assert prose(7 * 100 + 99, 120)[:30] not in json.dumps(shown.texts, ensure_ascii=False)


def test_the_page_of_a_redacted_report_holds_nothing_of_the_colleague(checked: Report, tmp_path: Path) -> None:
    page, whole = readable(render_html(redacted(checked))), readable(render_html(checked))
    for held in ("李秀英", "王芳", "李秀英-对照检查.txt", prose(7 * 100 + 99, 120)[:30], prose(801, 150)[:30]):
        assert held not in page
        assert held in whole  # what the reviewer's page holds
    assert COPIED[:30] in page  # the passage the draft shares is shown


def test_the_members_own_earlier_report_is_named_as_theirs_and_cut_alike(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dupcheck.cli import cli

    mine = prose(808, 220)
    last_year = write(tmp_path / "2023", {f"成员{i}.txt": report_text(i, mine if i == 0 else "") for i in range(6)})
    index = tmp_path / "shared.sqlite"
    assert CliRunner().invoke(cli, ["index", str(last_year), "--index", str(index), "--round", "2023"]).exit_code == 0
    draft = write(tmp_path / "d", {"成员0.txt": report_text(70, mine)}) / "成员0.txt"
    checked = check_against(draft, index, round="2024").report
    (match,) = [m for m in checked.matches if m.kind == "self"]
    shown = redacted(checked)
    (after,) = [m for m in shown.matches if m.kind == "self"]
    assert after.b.doc == "本人此前的材料" and shown.members[after.b.doc] == "成员0"
    assert shown.texts[after.b.doc] == checked.excerpt(match.b)  # the passage, not the whole earlier report
    assert "2023:成员0.txt" not in json.dumps(shown.to_dict(), ensure_ascii=False)
