"""The SQLite index: incremental updates, scans from it equal to scans from the files, rounds, and failures."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_scan import COPIED, COPIED_SPAN, by_member, prose, report_text, write

from dupcheck import index as index_module
from dupcheck.errors import IndexFileError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index import SQLiteIndex, default_index_path, open_index, scan_with_index
from dupcheck.scan import scan

FS = FingerprintSettings()


def corpus_files(n: int = 6) -> dict[str, str]:
    """``n`` members; 成员0 and 成员1 share a copied passage."""
    return {f"成员{i}.txt": report_text(i, COPIED if i < 2 else "") for i in range(n)}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write(tmp_path / "corpus", corpus_files())


def test_second_update_reads_nothing(tmp_path: Path, corpus: Path, counting: dict[str, list[str]]) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    first = index.update(corpus)
    assert sorted(first.added) == sorted(corpus_files())
    counting["hashed"].clear(), counting["prepared"].clear()
    second = index.update(corpus)
    assert (second.added, second.updated, second.removed, second.unchanged) == ([], [], [], 6)
    assert counting == {"hashed": [], "prepared": []}


def test_one_changed_file_is_the_only_one_read_again(
    tmp_path: Path, corpus: Path, counting: dict[str, list[str]]
) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    counting["hashed"].clear(), counting["prepared"].clear()
    (corpus / "成员3.txt").write_text(report_text(3) + prose(77, 60), encoding="utf-8")
    result = index.update(corpus)
    assert result.updated == ["成员3.txt"] and result.unchanged == 5
    assert counting == {"hashed": ["成员3.txt"], "prepared": ["成员3.txt"]}


def test_a_touched_file_with_the_same_content_is_not_prepared_again(
    tmp_path: Path, corpus: Path, counting: dict[str, list[str]]
) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    counting["prepared"].clear()
    later = time.time() + 10
    os.utime(corpus / "成员2.txt", (later, later))
    result = index.update(corpus)
    assert result.updated == [] and result.unchanged == 6 and counting["prepared"] == []


def test_a_removed_file_leaves_the_index(tmp_path: Path, corpus: Path) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    (corpus / "成员5.txt").unlink()
    assert index.update(corpus).removed == ["成员5.txt"]
    assert "成员5.txt" not in {d.source.id for d in index.documents()}


def test_a_file_unreadable_this_time_is_kept(tmp_path: Path, corpus: Path) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    (corpus / "成员4.txt").write_bytes(b"\xff\xfe\x00" + bytes(range(256)) * 40)
    result = index.update(corpus)
    assert [e.path for e in result.errors] == ["成员4.txt"] and result.removed == []
    assert "成员4.txt" in {d.source.id for d in index.documents()}


def test_scan_from_the_index_equals_scan_from_the_files(tmp_path: Path, corpus: Path) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    fresh, _ = scan_with_index(index, corpus)
    again, result = scan_with_index(index, corpus)
    assert result.unchanged == 6
    assert fresh.to_dict() == again.to_dict() == scan(corpus).to_dict()


def test_index_survives_reopening(tmp_path: Path, corpus: Path) -> None:
    SQLiteIndex(tmp_path / "i.sqlite", FS).update(corpus)
    reopened = open_index(tmp_path / "i.sqlite", FS)
    assert sorted(d.source.id for d in reopened.documents()) == sorted(corpus_files())


def test_earlier_rounds_label_own_text_self_and_others_text_reuse(tmp_path: Path) -> None:
    old_own, old_other = prose(501, 200), prose(502, 200)
    last_year = write(
        tmp_path / "2023",
        {"甲.txt": report_text(1, old_own), "乙.txt": report_text(2, old_other), "丙.txt": report_text(3)},
    )
    this_year = write(
        tmp_path / "2024",
        {"甲.txt": report_text(11, old_own), "丁.txt": report_text(12, old_other), "丙.txt": report_text(13)},
    )
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(last_year, round="2023")
    report, _ = scan_with_index(index, this_year, round="2024")
    docs = by_member(report)
    own = docs["甲"]
    assert [report.texts[own.id][s.start : s.end] for s in own.spans if s.label == "self"] == [old_own.rstrip("。")]
    assert own.shares.own_earlier > 0 and own.shares.reuse == 0
    other = docs["丁"]
    assert [report.texts[other.id][s.start : s.end] for s in other.spans if s.label == "reuse"] == [
        old_other.rstrip("。")
    ]
    kinds = {(m.kind, m.a.doc, m.b.doc) for m in report.matches}
    assert ("self", "甲.txt", "2023:甲.txt") in kinds and ("reuse", "丁.txt", "2023:乙.txt") in kinds
    assert {d.id for d in report.documents} == {"甲.txt", "丁.txt", "丙.txt"}  # earlier rounds are not reported


def test_a_set_phrase_of_an_earlier_round_is_boilerplate_in_the_first_report_of_a_new_one(tmp_path: Path) -> None:
    """Checked against last year's reports only, a phrase most of last year's members wrote is boilerplate,
    and one passage of one of them is reuse."""
    phrase, copied = prose(600, 40), prose(601, 200)
    files = {f"旧{i}.txt": report_text(20 + i, phrase, copied if i == 0 else "") for i in range(8)}
    last_year = write(tmp_path / "2023", files)
    this_year = write(tmp_path / "2024", {"新.txt": report_text(40, phrase, copied)})
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(last_year, round="2023")
    report, _ = scan_with_index(index, this_year, round="2024")
    (doc,) = report.documents
    labelled = {report.texts[doc.id][s.start : s.end]: s.label for s in doc.spans}
    assert labelled == {phrase.rstrip("。"): "boilerplate", copied.rstrip("。"): "reuse"}


def test_corrupt_file_is_named_and_rebuild_recovers(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "i.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexFileError, match=str(path)):
        SQLiteIndex(path, FS)
    rebuilt = SQLiteIndex(path, FS, rebuild=True)
    assert len(rebuilt.update(corpus).added) == 6


@pytest.mark.parametrize(("version", "word"), [(99, "newer"), (0, "older")])
def test_index_of_another_schema_is_refused(tmp_path: Path, corpus: Path, version: int, word: str) -> None:
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {version}")
    with pytest.raises(IndexFileError, match=rf"{word} dupcheck.*--rebuild"):
        SQLiteIndex(path, FS)


def test_foreign_database_and_other_settings_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(IndexFileError, match="not a dupcheck index"):
        SQLiteIndex(foreign, FS)
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).close()
    with pytest.raises(IndexFileError, match="other fingerprint settings"):
        SQLiteIndex(path, FingerprintSettings(winnow_k=10, winnow_w=4))


def test_default_index_is_outside_the_corpus_and_follows_the_environment(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUPCHECK_INDEX_DIR", str(tmp_path / "indexes"))
    path = default_index_path(corpus)
    assert path.parent == tmp_path / "indexes" and not path.resolve().is_relative_to(corpus.resolve())
    assert default_index_path(tmp_path / "elsewhere" / "corpus") != path


def _index_command(corpus: Path, index: Path, *extra: str) -> list[str]:
    code = "from dupcheck.cli import main; main()"
    return [sys.executable, "-c", code, "index", str(corpus), "--index", str(index), *extra]


def test_two_processes_updating_one_index_at_once_leave_it_consistent(tmp_path: Path) -> None:
    halves = [
        write(tmp_path / f"half{h}", {f"{h}成员{i}.txt": report_text(100 * h + i) for i in range(30)}) for h in (1, 2)
    ]
    index = tmp_path / "i.sqlite"
    SQLiteIndex(index, FS).close()
    runs = [subprocess.Popen(_index_command(half, index), stderr=subprocess.PIPE) for half in halves]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ids = sorted(d.source.id for d in SQLiteIndex(index, FS).documents())
    assert ids == sorted(f"{h}成员{i}.txt" for h in (1, 2) for i in range(30))


# The update runs in a child process that pauses after writing its rows, before the commit, and says so.
_PAUSED_UPDATE = """
import time
from dupcheck import index

put = index.SQLiteIndex._put


def put_then_pause(self, records):
    put(self, records)
    print("written, not committed", flush=True)
    time.sleep(120)


index.SQLiteIndex._put = put_then_pause
from dupcheck.cli import main

main()
"""


def test_an_update_killed_before_its_commit_loses_nothing_that_was_there(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i) for i in range(10)})
    index = tmp_path / "i.sqlite"
    SQLiteIndex(index, FS).update(corpus)
    before = sorted(d.source.id for d in SQLiteIndex(index, FS).documents())
    (corpus / "成员0.txt").unlink()
    write(corpus, {f"新成员{i}.txt": report_text(1000 + i) for i in range(20)})

    run = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_UPDATE, "index", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None and run.stdout.readline().strip() == "written, not committed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()

    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert sorted(d.source.id for d in SQLiteIndex(index, FS).documents()) == before
    result = SQLiteIndex(index, FS).update(corpus)  # the next update does all of it
    assert (len(result.added), result.removed) == (20, ["成员0.txt"])


def test_scan_keeps_the_copy_found_in_the_index(tmp_path: Path, corpus: Path) -> None:
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    report, _ = scan_with_index(index, corpus)
    docs = by_member(report)
    for member in ("成员0", "成员1"):
        d = docs[member]
        assert [report.texts[d.id][s.start : s.end] for s in d.spans if s.label == "reuse"] == [COPIED_SPAN]


def test_a_document_comes_back_from_the_index_exactly_as_prepared(tmp_path: Path) -> None:
    text = report_text(5) + "\nLTE 与 5G-Advanced 网络，ｆｕｌｌ－ｗｉｄｔｈ 字样，zero\u200bwidth。"
    corpus = write(tmp_path / "c", {"成员.txt": text})
    (source,) = index_module.discover(corpus, ())[0]
    prepared = index_module.prepare(source, FS)
    back = index_module.unpack_document(source, *index_module.pack_document(prepared), FS)
    assert back.text == prepared.text and back.sections == prepared.sections
    assert back.normalised.tokens == prepared.normalised.tokens
    assert (back.normalised.starts == prepared.normalised.starts).all()
    assert (back.normalised.ends == prepared.normalised.ends).all()
    for field in ("winnow_hashes", "winnow_positions", "windows", "signatures"):
        assert (getattr(back.fingerprints, field) == getattr(prepared.fingerprints, field)).all(), field
