"""The SQLite index: incremental updates, scans from it equal to scans from the files, rounds, failures, and
self-checks from its derived data that equal checks against every report."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from test_scan import COPIED, COPIED_SPAN, by_member, prose, report_text, write

from dupcheck.alignment import AlignSettings
from dupcheck.check import check_draft, load_draft
from dupcheck.cli import cli
from dupcheck.corpus import discover
from dupcheck.errors import IndexFileError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index import Index, SQLiteIndex, codec, default_index_path, open_index
from dupcheck.index import sqlite as sqlite_index
from dupcheck.index.codec import pack_arrays, pack_document, unpack_all, unpack_document
from dupcheck.model import Document, ScanSettings
from dupcheck.prepare import prepare
from dupcheck.read_text import IntegrityFlags
from dupcheck.scan import scan

FS = FingerprintSettings()
SETTINGS = ScanSettings()


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
    fresh = scan(corpus, index=index)
    result = index.update(corpus)
    again = scan(corpus, index=index)  # its own update changes nothing
    assert result.unchanged == 6
    assert fresh.to_dict() == again.to_dict() == scan(corpus).to_dict()


def test_reports_come_out_by_round_then_path_as_their_utf8_sorts(tmp_path: Path) -> None:
    """Documents and the reports of a check come out ordered by round, then path, in the order of their UTF-8
    bytes (SQLite's BINARY collation), whatever order they were indexed in: a scan numbers them so."""
    names = ["z.txt", "B/成员.txt", "é.txt", "a.txt", "中/甲.txt", "Z.txt"]
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    for round in ("2025", "2024"):
        write(tmp_path / round, {name: report_text(i, COPIED) for i, name in enumerate(names)})
        index.update(tmp_path / round, round=round)
    expected = sorted(names, key=lambda name: name.encode("utf-8"))
    ids = [d.source.id for d in index.documents("2025")]
    assert ids == [f"2024:{name}" for name in expected] + expected
    draft = as_draft(tmp_path, "成员9.txt", report_text(9, COPIED), round="2025")
    others, _ = index.reference_for(draft, "2025")
    assert [d.source.id for d in others] == ids


def test_the_index_package_imports_neither_the_redis_client_nor_datasketch(tmp_path: Path) -> None:
    """A SQLite index, opened and updated, needs neither: only a Redis URL imports them."""
    corpus = write(tmp_path / "c", {"成员.txt": report_text(7)})
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dupcheck.fingerprints import FingerprintSettings\n"
        "from dupcheck.index import open_index\n"
        "open_index(sys.argv[1], FingerprintSettings()).update(Path(sys.argv[2]))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'redis', 'datasketch', 'scipy'}))\n"
    )
    command = [sys.executable, "-c", code, str(tmp_path / "i.sqlite"), str(corpus)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_index_survives_reopening(tmp_path: Path, corpus: Path) -> None:
    SQLiteIndex(tmp_path / "i.sqlite", FS).update(corpus)
    reopened = open_index(tmp_path / "i.sqlite", FS)
    assert sorted(d.source.id for d in reopened.documents()) == sorted(corpus_files())


def test_an_open_index_sees_what_another_opener_and_it_itself_committed(tmp_path: Path) -> None:
    """A server's worker keeps its index open and remembers who has a report: a member another process adds, one
    it removes, and one this opener adds are seen at the next question, as is a draft's new partner."""
    corpus = write(tmp_path / "corpus", {f"成员{i}.txt": report_text(i) for i in range(4)})
    reader = SQLiteIndex(tmp_path / "i.sqlite", FS)
    reader.update(corpus)
    assert reader.member_keys("") == {f"成员{i}" for i in range(4)}
    write(corpus, {"成员9.txt": report_text(9, COPIED)})
    (corpus / "成员1.txt").unlink()
    writer = SQLiteIndex(tmp_path / "i.sqlite", FS)
    writer.update(corpus)
    writer.close()
    assert reader.member_keys("") == {"成员0", "成员2", "成员3", "成员9"}
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(90, COPIED))
    assert "成员9.txt" in same_check(reader, draft)
    write(corpus, {"成员7.txt": report_text(7)})
    reader.update(corpus)
    assert reader.member_keys("") == {"成员0", "成员2", "成员3", "成员7", "成员9"}
    reader.close()


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
    report = scan(this_year, index=index, round="2024")
    docs = by_member(report)
    own = docs["甲"]
    assert [report.texts[own.id][s.start : s.end] for s in own.spans if s.label == "self"] == [old_own.rstrip("。")]
    assert own.shares.self_ > 0 and own.shares.reuse == 0
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
    report = scan(this_year, index=index, round="2024")
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
from dupcheck.index import sqlite

put = sqlite.SQLiteIndex._put


def put_then_pause(self, records):
    put(self, records)
    print("written, not committed", flush=True)
    time.sleep(120)


sqlite.SQLiteIndex._put = put_then_pause
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
    report = scan(corpus, index=index)
    docs = by_member(report)
    for member in ("成员0", "成员1"):
        d = docs[member]
        assert [report.texts[d.id][s.start : s.end] for s in d.spans if s.label == "reuse"] == [COPIED_SPAN]


def test_a_document_comes_back_from_the_index_exactly_as_prepared(tmp_path: Path) -> None:
    text = report_text(5) + "\nLTE 与 5G-Advanced 网络，ｆｕｌｌ－ｗｉｄｔｈ 字样，zero\u200bwidth。"
    corpus = write(tmp_path / "c", {"成员.txt": text})
    (source,) = discover(corpus, ())[0]
    prepared = prepare(source, FS)
    back = unpack_document(source, *pack_document(prepared), FS)
    assert back.text == prepared.text and back.sections == prepared.sections
    assert back.normalised.tokens == prepared.normalised.tokens
    assert (back.normalised.starts == prepared.normalised.starts).all()
    assert (back.normalised.ends == prepared.normalised.ends).all()
    for field in ("winnow_hashes", "winnow_positions", "windows", "signatures"):
        assert (getattr(back.fingerprints, field) == getattr(prepared.fingerprints, field)).all(), field


def test_integrity_flags_come_back_from_the_index_and_an_older_record_gets_what_its_text_shows(tmp_path: Path) -> None:
    text = report_text(5) + "\n" + "\u200b".join(prose(6, 80))  # a zero-width space between every two characters
    corpus = write(tmp_path / "c", {"成员.txt": text})
    (source,) = discover(corpus, ())[0]
    prepared = prepare(source, FS)
    assert prepared.flags.interleaved == text.count("\u200b") > 20
    flagged = dataclasses.replace(prepared, flags=dataclasses.replace(prepared.flags, hidden=7442, placeholders=2))
    packed_text, sections, arrays = pack_document(flagged)
    assert unpack_document(source, packed_text, sections, arrays, FS).flags == flagged.flags
    # A record written before the flags (as .npz, as records were then) has no flag arrays: its text's interleaving
    # is counted again.
    older = {name: a for name, a in unpack_all(arrays).items() if not name.startswith("flag_")}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **older)
    back = unpack_document(source, packed_text, sections, buffer.getvalue(), FS)
    assert back.flags == IntegrityFlags(interleaved=prepared.flags.interleaved)


def schema_2_record(document: Document) -> tuple[bytes, str, bytes]:
    """A record as dupcheck wrote it for schema 2: zlib, token offsets and winnowing positions as they are."""
    _, sections, arrays = pack_document(document)
    fp, normalised = document.fingerprints, document.normalised
    assert fp is not None
    old = {name: a for name, a in unpack_all(arrays).items() if name not in ("start_steps", "winnow_steps")}
    old = {"codes": old.pop("codes"), "starts": normalised.starts.astype(np.int32), **old}
    old["winnow_positions"] = fp.winnow_positions.astype(np.int32)
    header = json.dumps([[name, a.dtype.str, list(a.shape)] for name, a in old.items()]).encode("ascii")
    body = zlib.compress(b"".join(np.ascontiguousarray(a).tobytes() for a in old.values()))
    blob = b"DCA1" + len(header).to_bytes(4, "little") + header + body
    return zlib.compress(document.text.encode("utf-8")), sections, blob


def same_document(a: Document, b: Document) -> None:
    assert a.text == b.text and a.sections == b.sections and a.flags == b.flags
    assert a.normalised.tokens == b.normalised.tokens
    assert np.array_equal(a.normalised.starts, b.normalised.starts)
    assert np.array_equal(a.normalised.ends, b.normalised.ends)
    for field in ("winnow_hashes", "winnow_positions", "windows", "signatures"):
        assert np.array_equal(getattr(a.fingerprints, field), getattr(b.fingerprints, field)), field


def test_records_of_schema_2_zlib_or_npz_read_as_the_one_written_now(tmp_path: Path) -> None:
    """Records of an index of schema 2 (zlib, offsets as they are) and of one made before arrays were one blob
    (``np.savez_compressed``, a zip) read the same as a record written now (LZ4, offsets as steps)."""
    text = report_text(7) + "\nLTE 与 5G-Advanced 网络，ｆｕｌｌ－ｗｉｄｔｈ 字样。"
    corpus = write(tmp_path / "c", {"成员.txt": text})
    (source,) = discover(corpus, ())[0]
    prepared = prepare(source, FS)
    packed_text, sections, arrays = pack_document(prepared)
    assert packed_text[:4] == b"DCT3" and arrays[:4] == b"DCA3"
    now = unpack_document(source, packed_text, sections, arrays, FS)
    same_document(now, prepared)
    old_text, _, old_arrays = schema_2_record(prepared)
    same_document(unpack_document(source, old_text, sections, old_arrays, FS), now)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **unpack_all(old_arrays))
    assert buffer.getvalue()[:2] == b"PK"
    same_document(unpack_document(source, old_text, sections, buffer.getvalue(), FS), now)


@given(st.lists(st.integers(-(2**31), 2**31 - 1), max_size=40), st.sampled_from([1, 300, 70_000, 2**31]))
def test_positions_stored_as_steps_come_back_as_they_were(values: list[int], spread: int) -> None:
    """Steps are kept in the smallest type that holds them (growing offsets: a byte), any positions come back."""
    rng = np.random.default_rng(len(values))
    growing = np.cumsum(rng.integers(0, spread, size=len(values))).clip(max=2**31 - 1)
    for positions in (np.array(values, dtype=np.int64), growing):
        steps = codec._steps(positions.astype(np.int32))
        back = codec._positions(unpack_all(pack_arrays(s=steps)), "s", "p")
        assert back.dtype == np.int32 and back.tolist() == positions.astype(np.int32).tolist()
    assert codec._steps(np.array([0, 1, 3, 4], dtype=np.int32)).dtype == np.uint8


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["<u4", "<i4", "<u2", "<u8", "<i8", "|u1"]),
            st.lists(st.integers(0, 5), min_size=1, max_size=3),
        ),
        max_size=5,
    )
)
def test_arrays_come_back_with_their_types_and_shapes(specs: list[tuple[str, list[int]]]) -> None:
    arrays = {
        f"a{n}": np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) for n, (dtype, shape) in enumerate(specs)
    }
    back = unpack_all(pack_arrays(**arrays))
    assert list(back) == list(arrays)
    for name, a in arrays.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape and np.array_equal(back[name], a)


# ---------------------------------------------------------------------------------------------------------
# A self-check reads only what the derived data point to, and finds what a check against every report finds

TEMPLATE = prose(4242, 180)
SET_PHRASE = prose(4343, 60)  # what most members write: boilerplate


def same_check(index: Index, draft: Document, round: str = "", settings: ScanSettings = SETTINGS) -> list[str]:
    """Assert that the check of ``draft`` from the derived data is the check against every report; the ids of
    the reports it read."""
    others, population = index.reference_for(draft, round, settings)
    fast = check_draft(draft, others, settings, population).to_dict()
    slow = check_draft(draft, index.documents(round), settings).to_dict()
    assert fast == slow, draft.source.id
    return sorted(d.source.id for d in others)


def as_draft(tmp_path: Path, name: str, text: str, round: str = "", member: str | None = None) -> Document:
    folder = tmp_path / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_draft(folder / name, round=round, member=member)


def base_files(path: Path) -> set[str]:
    folder = path.with_name(path.name + ".d")
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def generations(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [g for (g,) in db.execute("SELECT generation FROM derived_base ORDER BY round")]


def deltas(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM derived_delta").fetchone()[0]


def test_reference_for_loads_the_partner_and_the_template_not_every_report(tmp_path: Path) -> None:
    files = {f"成员{i}.txt": report_text(i, COPIED if i == 5 else "") for i in range(12)}
    corpus = write(tmp_path / "corpus", {**files, "templates/模板.txt": TEMPLATE})
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(90, COPIED, TEMPLATE))
    others, population = index.reference_for(draft, "", SETTINGS)
    assert sorted(d.source.id for d in others) == ["templates/模板.txt", "成员5.txt"]
    assert population is not None and population.members == frozenset(f"成员{i}" for i in range(12))
    report = check_draft(draft, others, SETTINGS, population)
    (doc,) = report.documents
    assert [draft.text[s.start : s.end] for s in doc.spans if s.label == "reuse"] == [COPIED_SPAN]
    assert doc.top_partner == "成员5" and doc.shares.template > 0
    assert report.to_dict() == check_draft(draft, index.documents(""), SETTINGS).to_dict()


def test_reference_for_reads_no_report_for_what_many_members_share(tmp_path: Path) -> None:
    """40 members. 成员1–10 (more than ``max_pair_members``, fewer than make boilerplate) write three set sentences,
    成员11–20 one long passage; the draft holds all of it and 成员30's copied passage. The check reads 成员30's
    report, none of 成员1–10 (their k-grams pair nobody), and gives the report of a check against every report;
    the windows inside the long passage are a bucket of eleven members, known wide from the index (its ends pair
    a few members by windows that hold some text of theirs: those are read)."""
    sentences = [prose(9100 + j, 30) for j in range(3)]
    passage = prose(9090, 600)
    files = {}
    for i in range(40):
        inserts = sentences if 1 <= i <= 10 else [passage] if 11 <= i <= 20 else [COPIED] if i == 30 else []
        files[f"成员{i}.txt"] = report_text(i, *inserts)
    corpus = write(tmp_path / "corpus", {**files, "templates/模板.txt": TEMPLATE})
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    draft = as_draft(
        tmp_path, "成员0-草稿.txt", report_text(90, sentences[0] + passage, COPIED, sentences[1] + sentences[2])
    )
    read = same_check(index, draft)
    assert "成员30.txt" in read and "templates/模板.txt" in read
    assert not {f"成员{i}.txt" for i in range(1, 11)} & set(read)
    _, population = index.reference_for(draft, "", SETTINGS)
    assert population is not None and len(population.wide_bands) > 0


SET_PHRASE16 = "坚决反对形式主义官僚主义切实减负"  # a genre phrase of 16 characters


def set_phrase_corpus(tmp_path: Path) -> tuple[Path, Document]:
    """40 members; 成员1–4 write a 16-character set phrase (成员4 twice, far apart), 成员30 a copied passage; a draft
    of 成员0 holds both."""
    files = {}
    for i in range(40):
        inserts = [SET_PHRASE16] * (i == 4) + [SET_PHRASE16] * (1 <= i <= 4) + [COPIED] * (i == 30)
        files[f"成员{i}.txt"] = report_text(i, *inserts)
    corpus = write(tmp_path / "corpus", {**files, "templates/模板.txt": TEMPLATE})
    return corpus, as_draft(tmp_path, "成员0-草稿.txt", report_text(90, SET_PHRASE16, COPIED))


def test_reference_for_reads_no_report_that_shares_only_a_set_phrase_with_the_draft(tmp_path: Path) -> None:
    """A check would compare none of 成员1–4 with the draft (nothing but the phrase, which five members use), so it
    reads none of them, and gives the report of a check against every report."""
    corpus, draft = set_phrase_corpus(tmp_path)
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(corpus)
    assert same_check(index, draft) == ["templates/模板.txt", "成员30.txt"]
    without_rule = ScanSettings(set_phrase_chars=0)  # the phrase a passage of its own: every holder read
    assert {f"成员{i}.txt" for i in range(1, 5)} <= set(same_check(index, draft, settings=without_rule))


def test_every_report_of_the_example_corpus_checked_as_a_draft_gives_the_same_report(tmp_path: Path) -> None:
    """The example corpus, whose set phrases every report holds: each report checked as a draft (replacing itself,
    and under a new name) gives the report of a check against every report, and reads fewer of them."""
    example = Path(__file__).resolve().parents[1] / "corpus"
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(example)
    everything = len(index.documents())
    read = []
    for path in sorted(example.rglob("*")):
        if path.suffix not in {".txt", ".md", ".docx"} or "templates" in path.parts:
            continue
        draft = load_draft(path)
        read.append(len(same_check(index, draft)))
        same_check(index, as_draft(tmp_path, f"{draft.source.member}-草稿.txt", draft.text))
    assert sum(read) < 0.5 * len(read) * everything


def _rounds_corpus(tmp_path: Path, version: int) -> tuple[Path, Path]:
    """Two rounds; 成员0 repeats last year's text, 成员1 takes 成员2's passage, most members write the set phrase.
    Each ``version`` changes, removes and adds reports of this year's round."""
    mine, theirs = prose(808, 220), prose(809, 220)
    last = {f"成员{i}.txt": report_text(i, mine if i == 0 else "", SET_PHRASE if i % 3 else "") for i in range(9)}
    last["成员2.txt"] = report_text(2, theirs)
    this = {f"成员{i}.txt": report_text(40 + i, SET_PHRASE if i % 4 else "") for i in range(10)}
    this["成员1.txt"] = report_text(41, theirs, SET_PHRASE)
    this["templates/模板.txt"] = TEMPLATE
    for v in range(1, version + 1):
        this[f"成员{v + 2}.txt"] = report_text(60 + v, COPIED if v % 2 else SET_PHRASE)  # changed
        this.pop(f"成员{v + 5}.txt", None)  # removed
        this[f"新成员{v}.txt"] = report_text(80 + v, SET_PHRASE, COPIED if v == 2 else "")  # added
    root = tmp_path / f"v{version}"
    return write(root / "2023", last), write(root / "2024", this)


@pytest.mark.parametrize("compact", [False, True], ids=["deltas", "new base every time"])
def test_checks_after_changes_removals_and_additions_equal_checks_against_every_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compact: bool
) -> None:
    if compact:
        monkeypatch.setattr(sqlite_index, "DELTA_MIN_REPORTS", 0)
        monkeypatch.setattr(sqlite_index, "DELTA_SHARE", 0.0)
    path = tmp_path / "i.sqlite"
    index = SQLiteIndex(path, FS)
    last_year, _ = _rounds_corpus(tmp_path, 0)
    index.update(last_year, round="2023")
    corpus = tmp_path / "corpus"  # one folder, rewritten version by version
    for version in range(4):
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(_rounds_corpus(tmp_path, version)[1], corpus)
        index.update(corpus, round="2024")
        assert (deltas(path) > 0) == (not compact and version > 0)  # (a check may have made a new base)
        drafts = [load_draft(path, round="2024") for path in sorted(corpus.glob("*.txt"))]
        drafts += [
            as_draft(tmp_path, "成员0-草稿.txt", report_text(90, prose(808, 220), SET_PHRASE), "2024"),
            as_draft(tmp_path, "成员9-草稿.txt", report_text(91, COPIED, TEMPLATE, SET_PHRASE), "2024"),
            as_draft(tmp_path, "成员3.txt", report_text(92, SET_PHRASE), "2024", member="外来"),  # replaces 成员3's
            as_draft(tmp_path, "新人.txt", report_text(93, prose(809, 220)), "2023"),
        ]
        for draft in drafts:
            same_check(index, draft, draft.source.round)
    others, population = index.reference_for(drafts[-4], "2024", SETTINGS)
    report = check_draft(drafts[-4], others, SETTINGS, population)
    assert {m.kind for m in report.matches} == {"self"}  # 成员0's own text of last year


@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.sampled_from(["write", "remove"]), st.integers(0, 3)), min_size=1, max_size=6
    ),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.booleans()), min_size=1, max_size=3),
)
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_history_of_updates_and_any_draft_give_the_report_of_a_check_against_every_report(
    history: list[tuple[int, str, int]], drafts: list[tuple[int, int, bool]]
) -> None:
    """Reports written and removed one update at a time (so every change is a delta), holding passages from a
    small pool (set phrases most members share, one some share, a copy): a draft of any member, replacing a
    report or not, gets the same report from the derived data as from every report."""
    pool = [SET_PHRASE, prose(4444, 40), COPIED, ""]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        corpus = write(root / "c", {f"成员{i}.txt": report_text(i, SET_PHRASE if i % 2 else "") for i in range(5)})
        index = SQLiteIndex(root / "i.sqlite", FS)
        index.update(corpus)
        for n, (member, action, insert) in enumerate(history):
            target = corpus / f"成员{member}.txt"
            if action == "write":
                target.write_text(report_text(100 + n, pool[insert], pool[(insert + 1) % 4]), encoding="utf-8")
            elif target.exists() and len(list(corpus.iterdir())) > 1:
                target.unlink()
            index.update(corpus)
        for member, insert, replaces in drafts:
            name = f"成员{member}.txt" if replaces else f"成员{member}-草稿.txt"
            same_check(index, as_draft(root, name, report_text(200 + member, pool[insert], COPIED)))
        index.close()


def test_counts_known_only_within_one_at_the_threshold_are_made_again(tmp_path: Path) -> None:
    """A phrase two new members wrote after the base was made, and the draft writes too: whether it is
    boilerplate (used by 4 members of 13) depends on whether an old member wrote it, which only a new count
    tells. Either way the check equals the one against every report."""
    phrase = prose(4545, 40)
    for old_user in (False, True):
        folder = tmp_path / str(old_user)
        files = {f"成员{i}.txt": report_text(i, phrase if old_user and i == 0 else "") for i in range(10)}
        corpus = write(folder / "c", files)
        path = folder / "i.sqlite"
        index = SQLiteIndex(path, FS)
        index.update(corpus)
        write(corpus, {f"新成员{i}.txt": report_text(20 + i, phrase) for i in range(2)})
        index.update(corpus)
        assert deltas(path) == 1
        before = generations(path)
        draft = as_draft(folder, "新人-草稿.txt", report_text(30, phrase))
        same_check(index, draft)
        assert generations(path) != before and deltas(path) == 0  # counted again, exactly
        others, population = index.reference_for(draft, "", SETTINGS)
        report = check_draft(draft, others, SETTINGS, population)
        labels = {s.label for s in report.documents[0].spans}
        assert ("boilerplate" in labels) == old_user


def test_a_new_base_is_made_when_the_changes_since_the_last_one_are_many(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_index, "DELTA_MIN_REPORTS", 2)
    path = tmp_path / "i.sqlite"
    index = SQLiteIndex(path, FS)
    index.update(corpus)
    (first,) = generations(path)
    for n in range(2):
        (corpus / f"成员{n}.txt").write_text(report_text(50 + n), encoding="utf-8")
        index.update(corpus)
        assert generations(path) == [first] and deltas(path) == n + 1
    (corpus / "成员2.txt").unlink()
    index.update(corpus)  # a third change: more than 2
    (second,) = generations(path)
    assert second != first and deltas(path) == 0
    assert base_files(path) == {f"{second}.{part}.npy" for part in sqlite_index._BASE_PARTS}  # the old ones went
    same_check(index, as_draft(tmp_path, "成员1-草稿.txt", report_text(50, COPIED)))


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage"])
def test_a_missing_or_damaged_base_is_made_again_never_used(tmp_path: Path, corpus: Path, damage: str) -> None:
    path = tmp_path / "i.sqlite"
    index = SQLiteIndex(path, FS)
    index.update(corpus)
    (generation,) = generations(path)
    winnow = path.with_name("i.sqlite.d") / f"{generation}.winnow.npy"
    if damage == "missing":
        winnow.unlink()
    elif damage == "truncated":
        winnow.write_bytes(winnow.read_bytes()[:-16])
    else:
        winnow.write_bytes(b"not an array" * 10)
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(70, COPIED))
    assert same_check(index, draft) == ["成员0.txt", "成员1.txt"]
    assert generations(path) != [generation]
    (corpus / "成员4.txt").write_text(report_text(44), encoding="utf-8")
    index.update(corpus)  # and the next update builds on the new base
    same_check(index, draft)


def test_an_index_of_schema_2_is_upgraded_in_place(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).update(corpus)
    shutil.rmtree(path.with_name("i.sqlite.d"))
    with sqlite3.connect(path) as db:
        for statement in ("DROP TABLE derived_base", "DROP TABLE derived_delta", "DROP INDEX documents_members"):
            db.execute(statement)
        db.execute("PRAGMA user_version = 2")
    index = SQLiteIndex(path, FS)
    assert sorted(d.source.id for d in index.documents()) == sorted(corpus_files())
    assert same_check(index, as_draft(tmp_path, "成员0-草稿.txt", report_text(70, COPIED))) == [
        "成员0.txt",
        "成员1.txt",
    ]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (sqlite_index.SQLITE_SCHEMA_VERSION,)


def test_an_index_of_schema_3_is_read_as_it_lies_and_upgraded_when_written(tmp_path: Path, corpus: Path) -> None:
    """An index of schema 3 holds zlib records and derived data: a check reads it as it lies (from the derived
    data, writing nothing), an update upgrades it to this schema, and old and new records read alike."""
    path = tmp_path / "i.sqlite"
    index = SQLiteIndex(path, FS)
    index.update(corpus)
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(70, COPIED))
    read_now = same_check(index, draft)
    with sqlite3.connect(path) as db:
        for document in index.documents():
            text, _, arrays = schema_2_record(document)
            db.execute("UPDATE documents SET text = ?, arrays = ? WHERE path = ?", (text, arrays, document.source.id))
        db.execute("PRAGMA user_version = 3")
    index.close()
    before = path.read_bytes()
    old = SQLiteIndex(path, FS, read_only=True)
    assert same_check(old, draft) == read_now == ["成员0.txt", "成员1.txt"]
    old.close()
    assert path.read_bytes() == before
    upgraded = SQLiteIndex(path, FS)
    write(corpus, {"成员9.txt": report_text(90, COPIED)})
    upgraded.update(corpus)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (sqlite_index.SQLITE_SCHEMA_VERSION,)
        kinds = dict(db.execute("SELECT path, substr(arrays, 1, 4) FROM documents"))
    assert kinds.pop("成员9.txt") == b"DCA3" and set(kinds.values()) == {b"DCA1"}
    assert same_check(upgraded, draft) == ["成员0.txt", "成员1.txt", "成员9.txt"]
    assert scan(corpus, index=upgraded).to_dict() == scan(corpus).to_dict()


def test_a_preloaded_index_checks_alike_and_follows_a_new_base(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read into memory (a server's worker) or mapped, an index gives one check; when another opener makes the
    round's base again, the preloaded one reads the new base, not the one it holds."""
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).update(corpus)
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(70, COPIED))
    mapped, loaded = SQLiteIndex(path, FS, read_only=True), SQLiteIndex(path, FS, read_only=True, preload=True)
    assert same_check(loaded, draft) == same_check(mapped, draft) == ["成员0.txt", "成员1.txt"]
    assert all(isinstance(a, np.memmap) for a in mapped._bases[""][1].values())
    assert not any(isinstance(a, np.memmap) for a in loaded._bases[""][1].values())
    (before,) = generations(path)
    monkeypatch.setattr(sqlite_index, "DELTA_MIN_REPORTS", 0)
    monkeypatch.setattr(sqlite_index, "DELTA_SHARE", 0.0)
    passage = prose(9191, 120)
    write(corpus, {"成员8.txt": report_text(80, passage)})
    SQLiteIndex(path, FS).update(corpus)
    assert generations(path) != [before] and deltas(path) == 0
    later = as_draft(tmp_path, "成员9-草稿.txt", report_text(90, passage))
    assert same_check(loaded, later) == ["成员8.txt"]


def test_rebuild_removes_the_derived_files_too(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).update(corpus)
    (old,) = generations(path)
    rebuilt = SQLiteIndex(path, FS, rebuild=True)
    assert base_files(path) == set() and rebuilt.documents() == []
    rebuilt.update(corpus)
    assert not any(name.startswith(old) for name in base_files(path))


# The update runs in a child process that pauses after writing its derived data, before the commit, and says so.
_PAUSED_DERIVING = """
import sys, time
from dupcheck.index import sqlite

if sys.argv.pop(1) == "base":
    sqlite.DELTA_MIN_REPORTS, sqlite.DELTA_SHARE = 0, 0.0
for name in ("_add_delta", "_make_base"):
    def paused(self, *args, original=getattr(sqlite.SQLiteIndex, name), **kwargs):
        original(self, *args, **kwargs)
        print("derived, not committed", flush=True)
        time.sleep(120)
    setattr(sqlite.SQLiteIndex, name, paused)
from dupcheck.cli import main

main()
"""


@pytest.mark.parametrize("kind", ["delta", "base"])
def test_an_update_killed_after_deriving_before_its_commit_leaves_derived_data_in_line(
    tmp_path: Path, kind: str
) -> None:
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i) for i in range(10)})
    path = tmp_path / "i.sqlite"
    SQLiteIndex(path, FS).update(corpus)
    files, generation = base_files(path), generations(path)
    (corpus / "成员0.txt").unlink()
    (corpus / "成员1.txt").write_text(report_text(1, COPIED), encoding="utf-8")
    write(corpus, {"新成员.txt": report_text(1000, COPIED)})
    run = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_DERIVING, kind, "index", str(corpus), "--index", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None and run.stdout.readline().strip() == "derived, not committed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    run.stdout.close()

    assert generations(path) == generation and deltas(path) == 0
    assert (base_files(path) > files) == (kind == "base")  # a dead writer's base files, named by nothing
    index = SQLiteIndex(path, FS)
    draft = as_draft(tmp_path, "成员5-草稿.txt", report_text(55, COPIED))
    assert same_check(index, draft) == []  # the copy is only in what was never committed
    result = index.update(corpus)
    assert (result.added, result.updated, result.removed) == (["新成员.txt"], ["成员1.txt"], ["成员0.txt"])
    assert same_check(index, draft) == ["成员1.txt", "新成员.txt"]
    (current,) = generations(path)
    assert {name.split(".")[0] for name in base_files(path)} == {current}  # the dead writer's files are gone


def test_a_draft_replacing_another_members_report_does_not_count_that_member(tmp_path: Path) -> None:
    """A phrase 3 of 10 members write, one of them only in the report the draft replaces (the draft has its id,
    another author): counted over the others and the draft it is 3 members, under the 4 that make boilerplate,
    so it is reuse, as in a check against every report."""
    phrase = prose(4646, 60)
    files = {f"成员{i}.txt": report_text(i, phrase if i < 3 else "") for i in range(10)}
    index = SQLiteIndex(tmp_path / "i.sqlite", FS)
    index.update(write(tmp_path / "c", files))
    draft = as_draft(tmp_path, "成员2.txt", report_text(77, phrase), member="外来")
    assert same_check(index, draft) == ["成员0.txt", "成员1.txt"]
    others, population = index.reference_for(draft, "", SETTINGS)
    (doc,) = check_draft(draft, others, SETTINGS, population).documents
    assert [draft.text[s.start : s.end] for s in doc.spans if s.label == "reuse"] == [phrase.rstrip("。")]


def test_a_copy_only_the_lsh_finds_is_read(tmp_path: Path) -> None:
    """With winnowing of 50-grams, a copy with a character changed every 30 shares no winnowing hash: only the
    passage windows' band keys lead to the report it comes from."""
    fs = FingerprintSettings(winnow_k=50)
    settings = ScanSettings(fingerprints=fs, alignment=AlignSettings(min_chars=55))
    passage = prose(4747, 600)
    edited = "".join("某" if n % 30 == 29 else c for n, c in enumerate(passage))
    files = {f"成员{i}.txt": report_text(i, passage if i == 3 else "") for i in range(8)}
    index = SQLiteIndex(tmp_path / "i.sqlite", fs)
    index.update(write(tmp_path / "c", files))
    draft = as_draft(tmp_path, "成员0-草稿.txt", report_text(88, edited))
    assert same_check(index, draft, settings=settings) == ["成员3.txt"]
    others, population = index.reference_for(draft, "", settings)
    (doc,) = check_draft(draft, others, settings, population).documents
    assert doc.top_partner == "成员3"


def test_derived_files_that_cannot_be_written_are_one_error_and_change_nothing(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "i.sqlite"
    path.with_name("i.sqlite.d").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(IndexFileError, match=r"i\.sqlite\.d: cannot write the index's derived files"):
        SQLiteIndex(path, FS).update(corpus)
    assert SQLiteIndex(path, FS).documents() == []  # the update rolled back whole


# ---------------------------------------------------------------------------------------------------------
# Two folders, one round; a read-only index; a full disk


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def two_folders_with_one_path_in_one_round(tmp_path: Path, location: str) -> None:
    """The second folder's update is refused whole, naming the path and both folders; the first folder's reports
    stay as they were; a folder of other paths joins the round, and the second folder indexes into another."""
    first = write(tmp_path / "c1", {"一支部/张伟.txt": report_text(1), "一支部/李娜.txt": report_text(2)})
    second = write(tmp_path / "c2", {"一支部/张伟.txt": report_text(3), "二支部/王强.txt": report_text(4)})
    assert run("index", first, "--index", location, "--round", "2025").exit_code == 0
    refused = run("index", second, "--index", location, "--round", "2025")
    assert refused.exit_code == 1
    (line,) = refused.output.strip().splitlines()
    assert line.startswith(
        f"Error: {location}: 一支部/张伟.txt of round 2025 came from {first.resolve()}, not from {second.resolve()}: "
        "nothing was recorded"
    )
    index = open_index(location, FS)
    try:
        assert {d.source.id: d.text for d in index.documents("2025")} == {
            "一支部/张伟.txt": report_text(1),
            "一支部/李娜.txt": report_text(2),
        }
    finally:
        index.close()
    third = write(tmp_path / "c3", {"三支部/赵敏.txt": report_text(5)})
    joined = run("index", third, "--index", location, "--round", "2025")
    assert joined.exit_code == 0 and "1 added, 0 updated, 0 removed" in joined.output
    assert run("index", second, "--index", location, "--round", "2026").exit_code == 0
    again = run("index", first, "--index", location, "--round", "2025")  # the first folder still updates its own
    assert again.exit_code == 0 and "0 added, 0 updated, 0 removed, 2 unchanged" in again.output


def test_two_folders_with_one_path_in_one_round_never_replace_each_others_reports(tmp_path: Path) -> None:
    two_folders_with_one_path_in_one_round(tmp_path, str(tmp_path / "i.sqlite"))


def _unprivileged() -> list[str]:
    """A command prefix under which file modes hold: nothing for a user, capsh dropping root's override for root
    (a test skips, saying why, where neither is possible)."""
    if os.geteuid() != 0:
        return []
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("running as root and no capsh to drop CAP_DAC_OVERRIDE: file modes cannot be enforced")
    prefix = [capsh, "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$0" "$@"']
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "locked"
        locked.write_text("x", encoding="utf-8")
        locked.chmod(0o444)
        probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(locked)!r}, 'a')"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("capsh could not drop CAP_DAC_OVERRIDE here: file modes cannot be enforced")
    return prefix


def _run_unprivileged(prefix: list[str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    source = Path(sqlite_index.__file__).parents[2]  # this checkout's dupcheck, not an installed one
    env = {**os.environ, "PYTHONPATH": str(source)}
    code = "from dupcheck.cli import main; main()"
    command = [*prefix, sys.executable, "-c", code, *(str(a) for a in args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("locked", ["file", "folder", "file and folder"])
def test_a_read_only_index_serves_checks_and_scans_and_refuses_updates_plainly(tmp_path: Path, locked: str) -> None:
    prefix = _unprivileged()
    corpus = write(tmp_path / "corpus", corpus_files())
    folder = tmp_path / "shared"
    index = folder / "i.sqlite"
    built = SQLiteIndex(index, FS)
    built.update(corpus)
    built.close()  # the last connection removes the -wal and -shm files: in a locked folder none can be made
    expected = run("scan", corpus, "--format", "json")
    draft = write(tmp_path / "d", {"成员0-草稿.txt": report_text(90, COPIED)}) / "成员0-草稿.txt"
    stored = index.read_bytes()
    if "file" in locked:
        index.chmod(0o444)
    if "folder" in locked:
        folder.chmod(0o555)
    try:
        checked = _run_unprivileged(prefix, "check", draft, "--against", index)
        assert checked.returncode == 0, checked.stderr
        assert "[1] 成员1, another member: 成员1.txt" in checked.stdout
        scanned = _run_unprivileged(prefix, "scan", corpus, "--index", index, "--format", "json")
        assert scanned.returncode == 0, scanned.stderr
        assert scanned.stdout == expected.output
        (corpus / "成员3.txt").write_text(report_text(33, COPIED), encoding="utf-8")
        for command in ("index", "scan"):
            refused = _run_unprivileged(prefix, command, corpus, "--index", index)
            assert refused.returncode == 1, refused.stderr
            (line,) = refused.stderr.strip().splitlines()
            assert line.startswith(f"Error: {index}: the index is read-only (") and "Traceback" not in refused.stderr
            assert line.endswith("): cannot record the changes")
        assert index.read_bytes() == stored
    finally:
        folder.chmod(0o755)
        index.chmod(0o644)
    assert [d.text for d in SQLiteIndex(index, FS).documents() if d.source.id == "成员3.txt"] == [report_text(3)]


def _a_full_update(tmp_path: Path, corpus: Path, index: Path) -> list[tuple[str, str]]:
    """Index ``corpus``, then change and add reports for the update the test makes fail; what the index held."""
    assert run("index", corpus, "--index", index).exit_code == 0
    opened = SQLiteIndex(index, FS)
    held = [(d.source.id, d.text) for d in opened.documents()]
    opened.close()
    (corpus / "成员2.txt").write_text(report_text(77), encoding="utf-8")
    (corpus / "成员9.txt").write_text(report_text(79), encoding="utf-8")
    return held


def _held(index: Path) -> list[tuple[str, str]]:
    opened = SQLiteIndex(index, FS)
    try:
        return [(d.source.id, d.text) for d in opened.documents()]
    finally:
        opened.close()


def test_an_update_on_a_full_disk_is_one_line_and_leaves_the_index_as_it_was(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "i.sqlite"
    held = _a_full_update(tmp_path, corpus, index)
    connect = sqlite_index._connect

    def full(path: Path, *, create: bool) -> sqlite3.Connection:
        db = connect(path, create=create)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: SQLite's own 'disk is full'
        return db

    monkeypatch.setattr(sqlite_index, "_connect", full)
    result = run("index", corpus, "--index", index)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line == f"Error: {index}: no space left on device: nothing was recorded, the index is as it was"
    monkeypatch.undo()
    assert _held(index) == held


def test_an_update_on_a_real_full_file_system_leaves_the_index_as_it_was(tmp_path: Path, corpus: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        index = mount / "i.sqlite"
        held = _a_full_update(tmp_path, corpus, index)
        with contextlib.suppress(OSError), (mount / "filler").open("ab", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 4096)
        result = run("index", corpus, "--index", index)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        (line,) = result.output.strip().splitlines()
        assert line.startswith(f"Error: {index}: no space left on device: nothing was recorded")
        (mount / "filler").unlink()  # even reading a WAL index makes a file beside it
        assert _held(index) == held
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # even with a file still open in it
