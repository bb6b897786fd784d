"""`dupcheck index` and `dupcheck check` through the CLI, with exact exit codes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_scan import COPIED, COPIED_SPAN, prose, report_text, write
from test_sources import copied_corpus

from dupcheck.check import load_draft
from dupcheck.cli import cli
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index import Plan, SQLiteIndex, default_index_path
from dupcheck.index.base import draft_record

TEMPLATE_PARAGRAPH = prose(4242, 180)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(autouse=True)
def index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Default indexes go to a folder of the test, never to the user's cache."""
    folder = tmp_path / "indexes"
    monkeypatch.setenv("DUPCHECK_INDEX_DIR", str(folder))
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    files = {f"成员{i}.txt": report_text(i, COPIED if i == 1 else "") for i in range(8)}
    files["templates/模板.txt"] = TEMPLATE_PARAGRAPH
    return write(tmp_path / "corpus", files)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """成员0's new draft: a passage 成员1 wrote, a template paragraph, and the rest their own."""
    return (
        write(tmp_path / "drafts", {"成员0-草稿.txt": report_text(90, COPIED, TEMPLATE_PARAGRAPH)}) / "成员0-草稿.txt"
    )


def test_index_reports_what_it_did_and_a_second_run_changes_nothing(corpus: Path, index_dir: Path) -> None:
    first = run("index", corpus)
    assert first.exit_code == 0, first.output
    assert "9 added, 0 updated, 0 removed, 0 unchanged" in first.output
    second = run("index", corpus)
    assert "0 added, 0 updated, 0 removed, 9 unchanged" in second.output
    assert default_index_path(corpus).parent == index_dir and default_index_path(corpus).is_file()


def test_index_inside_the_corpus_is_refused(corpus: Path) -> None:
    result = run("index", corpus, "--index", corpus / "i.sqlite")
    assert result.exit_code == 2 and "inside the corpus" in result.output
    assert not (corpus / "i.sqlite").exists()


def test_check_shows_shares_sections_sources_and_a_verdict(corpus: Path, draft: Path) -> None:
    assert run("index", corpus).exit_code == 0
    result = run("check", draft, "--against", corpus)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Draft 成员0-草稿.txt (member 成员0)")
    assert "Sections" in out and "一、存在的问题" in out
    lines = out.splitlines()
    sources = lines[lines.index("Where your text comes from (share of your draft, characters counted once)") + 3 :]
    assert sources[0].split()[:3] == ["成员1", "another", "member"]
    assert sources[1].split()[:3] == ["模板.txt", "the", "template"]  # CORPUS/templates/模板.txt, by its name
    assert "[1] 成员1, another member: 成员1.txt" in lines and "[2] 模板.txt, the template" in lines
    assert lines[-1].startswith("Verdict: most of this draft is your own writing, but some passages are other")


def test_check_groups_by_source_folds_a_common_sentence_and_ends_with_a_verdict(tmp_path: Path) -> None:
    """The draft copies from 成员1, 成员2 and a template given by its absolute path, and holds a sentence ten
    other members share: one block per source, the sentence on one line with its count, the template by name."""
    corpus, templates, draft = copied_corpus(tmp_path)
    result = run("check", draft, "--against", corpus, "--template", templates)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Where your text comes from (share of your draft, characters counted once)")
    rows = [line.split() for line in lines[start + 3 : start + 6]]
    assert [row[0] for row in rows] == ["成员1", "成员2", "参考模板.txt"] and lines[start + 6] == ""
    assert [row[-2:] for row in rows] == [["17.2%", "1"], ["11.4%", "1"], ["8.6%", "1"]]
    assert "[3] 参考模板.txt, the template" in lines
    shared = lines[lines.index("Sentences many reports share (each once, not under every source)") + 3 :]
    assert "shared with 10 reports" in shared[0] and shared[1] == ""
    assert str(templates) not in result.output  # the template's folder is no business of the member's
    assert lines[-1] == (
        "Verdict: a large part of this draft is other members' text: rewrite the passages above before submitting "
        "(60.5% your own writing)."
    )
    assert not any("成员3" in line for line in lines)  # the ten are counted, not listed one by one


def test_check_json_holds_the_grouping(tmp_path: Path) -> None:
    corpus, templates, draft = copied_corpus(tmp_path)
    result = run("check", draft, "--against", corpus, "--template", templates, "--format", "json", "--fail-under", "80")
    assert result.exit_code == 3, result.output
    check = json.loads(result.output)["check"]
    assert [(s["kind"], s["name"], s["share"], len(s["passages"])) for s in check["sources"]] == [
        ("reuse", "成员1", 0.1718, 1),
        ("reuse", "成员2", 0.1142, 1),
        ("template", "参考模板.txt", 0.0859, 1),
    ]
    ((shared),) = check["shared"]
    # Ten members hold it: more than are compared pair by pair, so the check counts them and names none (an index
    # would have to read their reports to name them).
    assert shared["reports"] == 10 and shared["members"] == []
    assert check["verdict"] == {
        "code": "others",
        "ready": False,
        "fail_under": 0.8,
        "text": "a large part of this draft is other members' text: rewrite the passages above before submitting",
    }
    assert check["draft"] == "成员0-草稿.txt" and check["not_own_share"] == round(
        check["not_own_chars"] / check["chars"], 4
    )


def test_check_json_has_the_scan_schema_and_only_the_draft(corpus: Path, draft: Path) -> None:
    result = run("check", draft, "--against", corpus, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["schema"] == "dupcheck.report/3"
    (doc,) = report["documents"]
    assert doc["id"] == "成员0-草稿.txt" and doc["member"] == "成员0"
    reuse = [s for s in doc["spans"] if s["label"] == "reuse"]
    text = draft.read_text(encoding="utf-8")
    assert [text[s["start"] : s["end"]] for s in reuse] == [COPIED_SPAN]
    assert {m["kind"] for m in report["matches"]} == {"reuse", "template"}


@pytest.mark.parametrize(("fail_under", "exit_code", "word"), [("95", 3, "NOT READY"), ("20", 0, "ready")])
def test_check_fail_under(corpus: Path, draft: Path, fail_under: str, exit_code: int, word: str) -> None:
    result = run("check", draft, "--against", corpus, "--fail-under", fail_under)
    assert result.exit_code == exit_code
    assert result.output.splitlines()[-1].startswith(f"Verdict: {word}")


def test_check_adds_the_draft_only_when_asked(corpus: Path, draft: Path) -> None:
    assert run("index", corpus).exit_code == 0
    path = default_index_path(corpus)

    def indexed() -> set[str]:
        index = SQLiteIndex(path, FingerprintSettings())
        try:
            return {d.source.id for d in index.documents()}
        finally:
            index.close()

    assert run("check", draft, "--against", corpus).exit_code == 0
    assert "成员0-草稿.txt" not in indexed()
    assert run("check", draft, "--against", path, "--add").exit_code == 0
    assert "成员0-草稿.txt" in indexed()


def test_check_against_a_corpus_without_an_index_creates_none(corpus: Path, draft: Path, index_dir: Path) -> None:
    result = run("check", draft, "--against", corpus)
    assert result.exit_code == 0 and "another member" in result.output
    assert not index_dir.exists()


def test_check_against_an_index_file(corpus: Path, draft: Path, tmp_path: Path) -> None:
    index = tmp_path / "shared.sqlite"
    assert run("index", corpus, "--index", index).exit_code == 0
    result = run("check", draft, "--against", index)
    assert result.exit_code == 0 and "[1] 成员1, another member: 成员1.txt" in result.output


def test_check_finds_the_members_own_earlier_report(tmp_path: Path) -> None:
    mine = prose(808, 220)
    last_year = write(tmp_path / "2023", {f"成员{i}.txt": report_text(i, mine if i == 0 else "") for i in range(6)})
    index = tmp_path / "shared.sqlite"
    assert run("index", last_year, "--index", index, "--round", "2023").exit_code == 0
    draft = write(tmp_path / "d", {"成员0.txt": report_text(70, mine)}) / "成员0.txt"
    result = run("check", draft, "--against", index, "--round", "2024")
    assert result.exit_code == 0, result.output
    assert "[1] 2023:成员0.txt, your earlier report" in result.output.splitlines()
    assert result.output.splitlines()[-1].startswith("Verdict: most of this draft is your own writing")  # 17 %


@pytest.mark.parametrize(
    "args",
    [
        ("check", "missing.txt", "--against", "{corpus}"),
        ("check", "{draft}", "--against", "no-such-place"),
        ("check", "{draft}"),
        ("check", "{draft}", "--against", "{corpus}", "--index", "x.sqlite"),  # --against names the index
        ("check", "{draft}", "--against", "{corpus}", "--min-chars", "12"),  # below what winnowing guarantees
        ("index", "{corpus}", "--min-chars", "20"),  # an index does not depend on it
        ("index", "{corpus}", "--boilerplate-share", "40"),
    ],
)
def test_check_usage_errors_exit_2(corpus: Path, draft: Path, args: tuple[str, ...]) -> None:
    result = run(*(a.format(corpus=corpus, draft=draft) for a in args))
    assert result.exit_code == 2


def test_a_corrupt_index_is_one_line_naming_it_and_exit_1(corpus: Path, draft: Path, tmp_path: Path) -> None:
    index = tmp_path / "broken.sqlite"
    index.write_bytes(b"garbage" * 1000)
    result = run("check", draft, "--against", index)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert str(index) in line and "--rebuild" in line
    assert run("index", corpus, "--index", index, "--rebuild").exit_code == 0
    assert run("check", draft, "--against", index).exit_code == 0


def test_scan_uses_the_index_once_made(corpus: Path) -> None:
    plain = run("scan", corpus, "--format", "json")
    assert run("index", corpus).exit_code == 0
    indexed = run("scan", corpus, "--format", "json")
    assert plain.exit_code == indexed.exit_code == 0
    assert json.loads(plain.output) == json.loads(indexed.output)


def test_check_against_in_python_does_what_the_command_does(corpus: Path, draft: Path, index_dir: Path) -> None:
    """The library's check: the draft alone is reported, the copy from 成员1 found, nothing written without --add;
    with add, the corpus's index is made and holds the draft."""
    from dupcheck.check import check_against

    result = check_against(draft, corpus)
    (doc,) = result.report.documents
    assert doc.member == "成员0" and doc.top_partner == "成员1" and doc.shares.template > 0
    assert result.round == "" and result.errors == () and not result.added
    assert not index_dir.exists()
    added = check_against(draft, corpus, add=True)
    assert added.added
    index = SQLiteIndex(default_index_path(corpus), FingerprintSettings())
    assert "成员0-草稿.txt" in {d.source.id for d in index.documents("")}


def test_check_against_nothing_that_exists_is_a_usage_error(draft: Path, tmp_path: Path) -> None:
    from dupcheck.check import check_against
    from dupcheck.errors import UsageError

    with pytest.raises(UsageError, match="neither a corpus folder nor an index file"):
        check_against(draft, tmp_path / "nowhere")


# ---------------------------------------------------------------------------------------------------------
# Nothing to compare with is refused, and a check against an index writes nothing into it


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder``: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_check_against_an_index_file_writes_nothing_into_it(corpus: Path, draft: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    index = folder / "i.sqlite"
    assert run("index", corpus, "--index", index, "--round", "2024").exit_code == 0
    for base in (index.with_name("i.sqlite.d")).iterdir():
        base.unlink()  # a check would make the derived data again: from a check, they are read, never saved
    before = _state(folder)
    result = run("check", draft, "--against", index)
    assert result.exit_code == 0 and "[1] 成员1, another member: 成员1.txt" in result.output
    assert _state(folder) == before


@pytest.mark.parametrize(
    ("prepare", "round_", "says"),
    [
        ("first build cut short", None, "no reports in this index"),
        ("a round of no report", "2023", "no reports of round 2023 in this index (it holds '2024')"),
        ("a round of templates only", "2024", "round 2024 holds only templates"),
        ("a round of the author's report only", "2024", "round 2024 holds no other member's report"),
    ],
)
def test_a_check_with_nothing_to_compare_with_is_refused_naming_the_index_and_the_round(
    tmp_path: Path, corpus: Path, draft: Path, prepare: str, round_: str | None, says: str
) -> None:
    folder = tmp_path / "shared"
    index = folder / "i.sqlite"
    folder.mkdir()
    opened = SQLiteIndex(index, FingerprintSettings())
    if prepare == "a round of no report":
        opened.update(corpus, round="2024")
    elif prepare == "a round of templates only":
        template = load_draft(corpus / "templates" / "模板.txt", round="2024")
        opened._apply("2024", Plan(put=[replace(draft_record(template, "2024", opened.settings), is_template=True)]))
    elif prepare == "a round of the author's report only":
        opened.update(write(tmp_path / "alone", {"成员0.txt": report_text(0)}), round="2024")
    opened.close()
    before = _state(folder)
    result = run("check", draft, "--against", index, "--add", *(["--round", round_] if round_ else []))
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {index}: {says}: nothing to compare the draft with")
    assert f"dupcheck index CORPUS --index {index}" in line
    assert _state(folder) == before  # not even the draft --add asked for


def test_a_check_against_a_folder_holding_only_the_draft_is_refused(tmp_path: Path, index_dir: Path) -> None:
    folder = write(tmp_path / "mine", {"成员0.txt": report_text(0), "成员0-第二稿.txt": report_text(1)})
    result = run("check", folder / "成员0.txt", "--against", folder)
    assert result.exit_code == 2
    assert "no other member's report in this folder to compare the draft with" in result.output
    assert not index_dir.exists()


def test_check_never_creates_a_missing_index_and_never_rebuilds_one(corpus: Path, draft: Path, tmp_path: Path) -> None:
    missing = tmp_path / "none" / "i.sqlite"
    assert run("check", draft, "--against", missing).exit_code == 2
    assert not missing.parent.exists()
    index = tmp_path / "i.sqlite"
    assert run("index", corpus, "--index", index).exit_code == 0
    before = _state(tmp_path / "i.sqlite.d") | {"i": (index.read_bytes(), index.stat().st_mtime_ns)}
    refused = run("check", draft, "--against", index, "--rebuild")
    assert refused.exit_code == 2 and "--rebuild would empty the index" in refused.output
    assert _state(tmp_path / "i.sqlite.d") | {"i": (index.read_bytes(), index.stat().st_mtime_ns)} == before


def test_check_against_an_index_the_caller_opened_leaves_it_open(corpus: Path, draft: Path, tmp_path: Path) -> None:
    """A server checks many drafts against one open index: the report is the one a check against its file gives,
    and the index is still open (and usable) after each check."""
    from dupcheck.check import check_against

    location = tmp_path / "shared.sqlite"
    assert run("index", corpus, "--index", location).exit_code == 0
    expected = check_against(draft, location).report.to_dict()
    index = SQLiteIndex(location, FingerprintSettings(), read_only=True)
    try:
        for _ in range(2):
            assert check_against(draft, index).report.to_dict() == expected
        assert index.member_keys("")  # still open: a closed connection would raise
    finally:
        index.close()


def test_a_cited_quotation_counts_toward_the_required_originality(tmp_path: Path) -> None:
    """A draft quoting, with a citation, a sentence two reports of the corpus quote too is ready at 95 %: the
    quotation is no copy (quote, shown beside the shares), and the requirement is held to the own writing and the
    quotation together. With --no-quotes the same sentence is reuse and the draft is not ready."""
    sentence = prose(31_337, 80)
    files = {f"成员{i}.txt": report_text(i, f"总书记指出：“{sentence}”" if i < 2 else "") for i in range(6)}
    corpus = write(tmp_path / "corpus", files)
    draft = write(tmp_path / "drafts", {"成员9.txt": report_text(9, f"会上强调，“{sentence}”")}) / "成员9.txt"
    quoted = run("check", draft, "--against", corpus, "--fail-under", "95")
    assert quoted.exit_code == 0, quoted.output
    assert "quote " in quoted.output.splitlines()[1]
    assert quoted.output.splitlines()[-1].startswith("Verdict: ready (100.0% your own writing and cited quotations")
    listed = json.loads(run("check", draft, "--against", corpus, "--format", "json").output)["check"]["quoted"]
    text = draft.read_text(encoding="utf-8")
    assert [text[q["start"] : q["end"]] for q in listed] == [sentence.rstrip("。")]
    plain = run("check", draft, "--against", corpus, "--fail-under", "95", "--no-quotes")
    assert plain.exit_code == 3, plain.output
    assert plain.output.splitlines()[-1].startswith("Verdict: NOT READY")


@pytest.mark.parametrize("against", ["folder", "index"])
def test_a_draft_named_as_one_units_member_is_theirs_and_one_of_two_stays_unnamed(tmp_path: Path, against: str) -> None:
    """A draft kept outside the corpus under a bare name is the report of the unit's member of that name when
    exactly one unit has them: their own report's text is their own, no reuse. When two units have a member of
    that name it is neither's, and the text it shares with one of them is reuse."""
    from dupcheck.check import check_against

    corpus = write(
        tmp_path / "corpus",
        {
            "综合办公室/王建国.txt": report_text(1),
            "财务处/张强.txt": report_text(2),
            "人事处/张强.txt": report_text(3),
            "人事处/李丽.txt": report_text(4),
        },
    )
    target: Path | SQLiteIndex = corpus
    if against == "index":
        target = SQLiteIndex(tmp_path / "i.sqlite", FingerprintSettings())
        target.update(corpus)
    drafts = write(tmp_path / "drafts", {"王建国-草稿.txt": report_text(1), "张强-草稿.txt": report_text(3)})
    (mine,) = check_against(drafts / "王建国-草稿.txt", target).report.documents
    assert mine.shares.reuse == 0 and mine.shares.originality > 0.9
    (unnamed,) = check_against(drafts / "张强-草稿.txt", target).report.documents
    assert unnamed.shares.reuse > 0.9
