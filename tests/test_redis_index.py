"""The Redis index against a real redis-server: the same documents and scans as the files and the SQLite index,
incremental updates that keep datasketch's LSH tables in line, checks that load only the candidates, rounds,
the CLI, two writers at once, a writer that dies half-way, and failures.

The module uses ``$DUPCHECK_REDIS_URL`` when set (whose database every test flushes; ``.ci/run`` starts a
server for it); else it starts its own ``redis-server`` on loopback when one is on PATH; else it skips,
except under CI (``$CI`` set), where it fails.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import redis
from click.testing import CliRunner, Result
from test_index import (
    SET_PHRASE,
    _rounds_corpus,
    as_draft,
    same_check,
    same_document,
    schema_2_record,
    set_phrase_corpus,
    two_folders_with_one_path_in_one_round,
)
from test_scan import COPIED, COPIED_SPAN, prose, report_text, write

from dupcheck.check import check_draft, load_draft
from dupcheck.cli import cli
from dupcheck.errors import IndexFileError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index import SQLiteIndex, open_index
from dupcheck.index import redis as redis_index
from dupcheck.index.redis import RedisIndex
from dupcheck.model import ScanSettings
from dupcheck.scan import scan

pytestmark = pytest.mark.redis

FS = FingerprintSettings()
SETTINGS = ScanSettings()
TEMPLATE = prose(4242, 180)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.exceptions.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="module")
def redis_urls() -> Iterator[list[str]]:
    """URLs of Redis databases the tests may flush: 16 of a server of our own, or the one of $DUPCHECK_REDIS_URL."""
    url = os.environ.get("DUPCHECK_REDIS_URL")
    if url:  # a server given to the tests (.ci/run starts one): only its one database is flushed
        yield [url]
        return
    executable = shutil.which("redis-server")
    if executable is None:
        reason = "no redis-server on PATH and DUPCHECK_REDIS_URL unset: the Redis index tests need a real server"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    port = _free_port()
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen([*command, "--daemonize", "no"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"redis://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while not _answers(f"{base}/0"):
            if server.poll() is not None:
                output = server.stdout.read().decode(errors="replace") if server.stdout else ""
                pytest.fail(f"redis-server exited with {server.returncode}: {output}")
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server on port {port} did not answer PING within 15 s")
            time.sleep(0.05)
        yield [f"{base}/{db}" for db in range(16)]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()


_next_db = itertools.count()


@pytest.fixture
def url(redis_urls: list[str]) -> str:
    """A flushed database of its own for each test (the server's 16 in turn)."""
    chosen = redis_urls[next(_next_db) % len(redis_urls)]
    client = redis.Redis.from_url(chosen)
    try:
        client.flushdb()
    finally:
        client.close()
    return chosen


@pytest.fixture
def client(url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(url)
    yield connection
    connection.close()


@pytest.fixture
def index(url: str) -> Iterator[RedisIndex]:
    opened = RedisIndex(url, FS)
    yield opened
    opened.close()


def corpus_files(n: int = 12, copier: int = 5) -> dict[str, str]:
    """``n`` members' reports, one template; only 成员``copier`` holds the copied passage."""
    files = {f"成员{i}.txt": report_text(i, COPIED if i == copier else "") for i in range(n)}
    files["templates/模板.txt"] = TEMPLATE
    return files


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write(tmp_path / "corpus", corpus_files())


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """成员0's draft: 成员5's passage, the template paragraph, the rest their own."""
    return write(tmp_path / "drafts", {"成员0-草稿.txt": report_text(90, COPIED, TEMPLATE)}) / "成员0-草稿.txt"


def in_lsh(index: RedisIndex, round: str, path: str, window: int = 0) -> bool:
    return index._window_key(round, path, window) in index._lsh


def reuse_spans(report_dict: dict) -> list[tuple[int, int]]:
    (doc,) = report_dict["documents"]
    return [(s["start"], s["end"]) for s in doc["spans"] if s["label"] == "reuse"]


# ---------------------------------------------------------------------------------------------------------
# The same documents and scans as the files and the SQLite index


def test_documents_come_back_as_indexed(tmp_path: Path, corpus: Path, index: RedisIndex) -> None:
    result = index.update(corpus)
    assert sorted(result.added) == sorted(corpus_files()) and index.rounds() == [""]
    sqlite = SQLiteIndex(tmp_path / "i.sqlite", FS)
    sqlite.update(corpus)
    ours, theirs = index.documents(), sqlite.documents()
    assert [d.source for d in ours] == [d.source for d in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert (a.text, a.sections, a.normalised.tokens) == (b.text, b.sections, b.normalised.tokens)
        assert a.text == (corpus / a.source.id).read_text(encoding="utf-8")
        for field in ("winnow_hashes", "winnow_positions", "windows", "signatures"):
            assert (getattr(a.fingerprints, field) == getattr(b.fingerprints, field)).all(), field
    assert {d.source.member for d in ours if not d.source.is_template} == {f"成员{i}" for i in range(12)}
    sqlite.close()


def test_scan_from_redis_equals_scan_from_the_files_and_from_sqlite(
    tmp_path: Path, corpus: Path, index: RedisIndex
) -> None:
    fresh = scan(corpus, index=index)
    result = index.update(corpus)
    again = scan(corpus, index=index)  # its own update changes nothing
    assert result.unchanged == 13
    through_sqlite = scan(corpus, index=SQLiteIndex(tmp_path / "i.sqlite", FS))
    assert fresh.to_dict() == again.to_dict() == scan(corpus).to_dict() == through_sqlite.to_dict()
    assert [(m.kind, m.a.doc, m.b.doc) for m in fresh.matches if m.kind == "reuse"] == []  # one copier only


def test_the_index_is_shared_by_every_opener_of_the_url(url: str, corpus: Path) -> None:
    first = open_index(url, FS)
    assert isinstance(first, RedisIndex)
    first.update(corpus)
    first.close()
    second = open_index(url, FS)
    assert sorted(d.source.id for d in second.documents()) == sorted(corpus_files())
    second.close()


# ---------------------------------------------------------------------------------------------------------
# Incremental updates, with the LSH in line


def test_second_update_reads_nothing(corpus: Path, index: RedisIndex, counting: dict[str, list[str]]) -> None:
    index.update(corpus)
    counting["hashed"].clear(), counting["prepared"].clear()
    second = index.update(corpus)
    assert (second.added, second.updated, second.removed, second.unchanged) == ([], [], [], 13)
    assert counting == {"hashed": [], "prepared": []}


def test_one_changed_file_is_the_only_one_updated_and_its_windows_are_the_new_ones(
    corpus: Path, index: RedisIndex, counting: dict[str, list[str]]
) -> None:
    index.update(corpus)
    (old,) = [d for d in index.documents() if d.source.id == "成员3.txt"]
    counting["hashed"].clear(), counting["prepared"].clear()
    (corpus / "成员3.txt").write_text(report_text(3) + prose(77, 600), encoding="utf-8")
    result = index.update(corpus)
    assert result.updated == ["成员3.txt"] and result.unchanged == 12 and not result.added
    assert counting == {"hashed": ["成员3.txt"], "prepared": ["成员3.txt"]}
    (new,) = [d for d in index.documents() if d.source.id == "成员3.txt"]
    n_old, n_new = len(old.fingerprints.signatures), len(new.fingerprints.signatures)
    assert n_new > n_old
    assert all(in_lsh(index, "", "成员3.txt", w) for w in range(n_new)) and not in_lsh(index, "", "成员3.txt", n_new)
    assert ("", "成员3.txt") in index._lsh_candidates(new.fingerprints.signatures[-1:], "")


def test_a_removed_file_leaves_the_index_and_the_lsh(corpus: Path, index: RedisIndex) -> None:
    index.update(corpus)
    (gone,) = [d for d in index.documents() if d.source.id == "成员5.txt"]
    signatures = gone.fingerprints.signatures
    assert ("", "成员5.txt") in index._lsh_candidates(signatures, "")
    (corpus / "成员5.txt").unlink()
    assert index.update(corpus).removed == ["成员5.txt"]
    assert "成员5.txt" not in {d.source.id for d in index.documents()}
    assert not any(in_lsh(index, "", "成员5.txt", w) for w in range(len(signatures)))
    assert ("", "成员5.txt") not in index._lsh_candidates(signatures, "")
    others, population = index.reference_for(gone, "")
    assert "成员5.txt" not in {d.source.id for d in others}
    derived = index._derived("")
    assert derived is not None and "成员5" not in derived.population.members
    assert len(derived.population.members) == 11
    # A draft with the removed report's text: its author is counted as a member, once.
    assert population is not None and population.members == derived.population.members | {"成员5"}


# ---------------------------------------------------------------------------------------------------------
# A check loads only the candidates, and finds what a check against every report finds


def test_reference_for_loads_the_partner_and_the_template_not_every_report(
    tmp_path: Path, corpus: Path, draft: Path, index: RedisIndex
) -> None:
    index.update(corpus)
    document = load_draft(draft)
    others, population = index.reference_for(document, "")
    assert sorted(d.source.id for d in others) == ["templates/模板.txt", "成员5.txt"]
    assert population is not None and population.members == frozenset(f"成员{i}" for i in range(12))

    found = check_draft(document, others, SETTINGS, population).to_dict()
    sqlite = SQLiteIndex(tmp_path / "i.sqlite", FS)
    sqlite.update(corpus)
    everything = check_draft(document, sqlite.documents(""), SETTINGS).to_dict()
    text = draft.read_text(encoding="utf-8")
    assert [text[a:b] for a, b in reuse_spans(found)] == [COPIED_SPAN]
    assert reuse_spans(found) == reuse_spans(everything)
    assert found["documents"][0]["top_partner"] == "成员5"
    assert found == everything
    sqlite.close()


def test_reference_for_reads_no_report_that_shares_only_a_set_phrase_with_the_draft(
    tmp_path: Path, index: RedisIndex
) -> None:
    """As the SQLite index: the four members sharing only a set phrase with the draft are not read."""
    corpus, draft = set_phrase_corpus(tmp_path)
    index.update(corpus)
    assert same_check(index, draft) == ["templates/模板.txt", "成员30.txt"]


def test_earlier_rounds_own_text_is_self_and_comes_back_as_earlier(tmp_path: Path, index: RedisIndex) -> None:
    mine = prose(808, 220)
    last_year = write(tmp_path / "2023", {f"成员{i}.txt": report_text(i, mine if i == 0 else "") for i in range(6)})
    this_year = write(tmp_path / "2024", {f"成员{i}.txt": report_text(40 + i) for i in range(6)})
    index.update(last_year, round="2023")
    index.update(this_year, round="2024")
    assert index.rounds() == ["2023", "2024"]
    draft = write(tmp_path / "d", {"成员0-草稿.txt": report_text(70, mine)}) / "成员0-草稿.txt"
    document = load_draft(draft, round="2024")
    others, population = index.reference_for(document, "2024")
    assert population is not None and population.members == frozenset(f"成员{i}" for i in range(6))
    earlier = [d for d in others if d.source.earlier]
    assert [(d.source.id, d.source.round, d.source.member) for d in earlier] == [("2023:成员0.txt", "2023", "成员0")]
    report = check_draft(document, others, SETTINGS, population)
    (doc,) = report.documents
    assert [document.text[s.start : s.end] for s in doc.spans if s.label == "self"] == [mine.rstrip("。")]
    assert {(m.kind, m.b.doc) for m in report.matches} == {("self", "2023:成员0.txt")}
    # And a scan of the round from the index sees the earlier round as the SQLite index does.
    sqlite = SQLiteIndex(tmp_path / "i.sqlite", FS)
    sqlite.update(last_year, round="2023")
    assert scan(this_year, index=index, round="2024").to_dict() == scan(this_year, index=sqlite, round="2024").to_dict()
    assert [d.source.id for d in index.documents("2024", earlier=False)] == [f"成员{i}.txt" for i in range(6)]
    sqlite.close()


# ---------------------------------------------------------------------------------------------------------
# The command line


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_index_check_and_scan_through_redis(url: str, corpus: Path, draft: Path, index: RedisIndex) -> None:
    indexed = run("index", corpus, "--index", url, "--round", "2024")
    assert indexed.exit_code == 0, indexed.output
    assert f"{url} (round 2024): 13 added, 0 updated, 0 removed, 0 unchanged" in indexed.output
    checked = run("check", draft, "--against", url, "--add")
    assert checked.exit_code == 0, checked.output
    assert "成员5, another member: 成员5.txt" in checked.output
    assert "模板.txt, the template" in checked.output
    assert "成员0-草稿.txt" in {d.source.id for d in index.documents("2024")}
    scanned = run("scan", corpus, "--index", url, "--round", "2024", "--format", "json")
    assert scanned.exit_code == 0, scanned.output


def _index_command(corpus: Path, url: str, *extra: str) -> list[str]:
    code = "from dupcheck.cli import main; main()"
    return [sys.executable, "-c", code, "index", str(corpus), "--index", url, *extra]


def test_two_processes_indexing_two_halves_at_once(tmp_path: Path, url: str, client: redis.Redis) -> None:
    """Two folders of one round indexed at the same time: every report, its windows and the round's derived
    data end up in the index, and a copy across the halves is found."""
    halves = [
        write(tmp_path / "甲", {f"甲{i}.txt": report_text(200 + i, COPIED if i == 3 else "") for i in range(15)}),
        write(tmp_path / "乙", {f"乙{i}.txt": report_text(300 + i, COPIED if i == 7 else "") for i in range(15)}),
    ]
    RedisIndex(url, FS).close()
    runs = [
        subprocess.Popen(_index_command(half, url, "--round", "2024"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for half in halves
    ]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    index = RedisIndex(url, FS)
    ids = sorted(d.source.id for d in index.documents("2024"))
    assert ids == sorted([f"甲{i}.txt" for i in range(15)] + [f"乙{i}.txt" for i in range(15)])
    assert all(in_lsh(index, "2024", path) for path in ids)
    assert client.scard(redis_index._key("lsh-pending", "2024")) == 0
    version = client.get(redis_index._key("version", "2024"))
    assert client.get(redis_index._key("derived", "2024", "version")) == version

    report = scan(halves[0], index=index, round="2024")
    assert [(m.kind, {m.a.doc, m.b.doc}) for m in report.matches] == [("reuse", {"甲3.txt", "乙7.txt"})]
    draft = write(tmp_path / "d", {"丙-草稿.txt": report_text(400, COPIED)}) / "丙-草稿.txt"
    others, population = index.reference_for(load_draft(draft, round="2024"), "2024")
    assert sorted(d.source.id for d in others) == ["乙7.txt", "甲3.txt"]
    assert population is not None and len(population.members) == 31  # and the draft's author
    index.close()


# The update runs in a child process that stops after its transaction, before the LSH, and says so.
_PAUSED_UPDATE = """
import time
from dupcheck.index import redis as redis_index


def pause(self, lock, round, paths, signatures):
    print("committed, LSH not written", flush=True)
    time.sleep(120)


redis_index.RedisIndex._sync_lsh = pause
from dupcheck.cli import main

main()
"""


def test_a_writer_killed_before_its_lsh_writes_is_repaired_by_the_next(
    tmp_path: Path, url: str, client: redis.Redis
) -> None:
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i) for i in range(6)})
    index = RedisIndex(url, FS)
    index.update(corpus)
    (corpus / "成员0.txt").unlink()
    write(corpus, {f"新成员{i}.txt": report_text(1000 + i) for i in range(3)})
    run = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_UPDATE, "index", str(corpus), "--index", url], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None and run.stdout.readline().strip() == "committed, LSH not written"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    run.stdout.close()

    # The transaction is whole: the reports are there, their windows not yet.
    ids = {d.source.id for d in index.documents()}
    assert ids == {f"成员{i}.txt" for i in range(1, 6)} | {f"新成员{i}.txt" for i in range(3)}
    assert not in_lsh(index, "", "新成员0.txt") and in_lsh(index, "", "成员0.txt")
    # A reader never uses the derived data the dead writer left behind.
    (new,) = [d for d in index.documents() if d.source.id == "新成员1.txt"]
    _, population = index.reference_for(new, "")
    assert population is not None and "新成员1" in population.members and "成员0" not in population.members

    client.delete(redis_index._key("lock", ""))  # what its expiry does, without waiting two minutes
    result = index.update(corpus)
    assert (result.added, result.removed, result.unchanged) == ([], [], 8)
    assert all(in_lsh(index, "", f"新成员{i}.txt") for i in range(3)) and not in_lsh(index, "", "成员0.txt")
    assert client.scard(redis_index._key("lsh-pending", "")) == 0
    index.close()


def test_derived_data_computed_while_another_writer_writes_are_recomputed(
    tmp_path: Path, url: str, client: redis.Redis
) -> None:
    """WATCH on the round's version: blobs computed before another writer's report was written are not kept."""
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i) for i in range(4)})
    late = load_draft(write(tmp_path / "d", {"迟到-草稿.txt": report_text(77)}) / "迟到-草稿.txt")
    other = RedisIndex(url, FS)

    class Interrupted(RedisIndex):
        interrupted = False

        def _compute_derived(self, round: str) -> tuple[bytes, bytes]:
            blobs = super()._compute_derived(round)
            if not self.interrupted:
                self.interrupted = True
                other.add(late, round=round)  # between this writer's read and its write of the blobs
            return blobs

    index = Interrupted(url, FS)
    index.update(corpus)
    assert index.interrupted
    version = client.get(redis_index._key("version", ""))
    assert version == b"2" and client.get(redis_index._key("derived", "", "version")) == version
    population = redis_index._population(client.get(redis_index._key("derived", "", "population")))
    assert population.members == frozenset({"成员0", "成员1", "成员2", "成员3", "迟到"})
    index.close()
    other.close()


# ---------------------------------------------------------------------------------------------------------
# Failures


@pytest.mark.parametrize(("schema", "word"), [("99", "newer"), ("0", "older")])
def test_an_index_of_another_schema_is_refused_and_rebuild_recovers(
    url: str, corpus: Path, client: redis.Redis, schema: str, word: str
) -> None:
    first = RedisIndex(url, FS)
    first.update(corpus)
    first.close()
    client.hset("dupcheck:meta", "schema", schema)
    with pytest.raises(IndexFileError, match=rf"^{url}: written by a {word} dupcheck.*--rebuild"):
        RedisIndex(url, FS)
    client.set("unrelated", "kept")
    rebuilt = RedisIndex(url, FS, rebuild=True)
    assert client.keys("dupcheck:*") == [b"dupcheck:meta"]  # the LSH tables went too
    assert rebuilt.documents() == [] and rebuilt.rounds() == []
    assert len(rebuilt.update(corpus).added) == 13
    assert client.get("unrelated") == b"kept"  # only dupcheck:* keys are the index's
    rebuilt.close()


def test_an_index_of_schema_2_is_read_as_it_lies_and_upgraded_when_written(
    url: str, corpus: Path, client: redis.Redis
) -> None:
    """Records of schema 2 (zlib) read as written now; a reader leaves the index's schema as it was, a writer
    marks it as of this schema (its new records a dupcheck of schema 2 would not read)."""
    first = RedisIndex(url, FS)
    first.update(corpus)
    expected = first.documents()
    for document in expected:
        text, _, arrays = schema_2_record(document)
        client.hset(redis_index._key("doc", "", document.source.id), mapping={"text": text, "arrays": arrays})
    first.close()
    client.hset("dupcheck:meta", "schema", "2")
    reader = RedisIndex(url, FS, read_only=True)
    read = reader.documents()
    assert [d.source for d in read] == [d.source for d in expected]
    for back, document in zip(read, expected, strict=True):
        same_document(back, document)
    reader.close()
    assert client.hget("dupcheck:meta", "schema") == b"2"
    RedisIndex(url, FS).close()
    assert client.hget("dupcheck:meta", "schema") == str(redis_index.SCHEMA_VERSION).encode()


def test_other_settings_and_a_foreign_meta_are_refused(url: str, client: redis.Redis) -> None:
    RedisIndex(url, FS).close()
    with pytest.raises(IndexFileError, match=rf"^{url}: built with other fingerprint settings; --rebuild"):
        RedisIndex(url, FingerprintSettings(winnow_k=10, winnow_w=4))
    client.hset("dupcheck:meta", "application", "something else")
    with pytest.raises(IndexFileError, match=rf"^{url}: .*--rebuild"):
        RedisIndex(url, FS)


def test_no_server_is_one_line_naming_the_url(draft: Path, corpus: Path) -> None:
    closed = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(IndexFileError, match=rf"^{closed}: no Redis server answers \(.+\)$"):
        RedisIndex(closed, FS)
    for args in (("check", draft, "--against", closed), ("index", corpus, "--index", closed)):
        result = run(*args)
        assert result.exit_code == 1
        (line,) = result.output.strip().splitlines()
        assert line.startswith("Error: ") and closed in line and "no Redis server answers" in line


def test_leaving_boilerplate_out_of_the_candidate_search_changes_no_check(tmp_path: Path, index: RedisIndex) -> None:
    """On the example corpus, whose set phrases every report holds: each member's report checked as a draft gives
    the same report from the pruned candidates as from every document, and loads fewer of them."""
    example = Path(__file__).resolve().parents[1] / "corpus"
    index.update(example)
    settings = ScanSettings()
    everything = index.documents()
    loaded = []
    for path in sorted(example.rglob("*")):
        if path.suffix not in {".txt", ".md", ".docx"} or "templates" in path.parts:
            continue
        draft = load_draft(path)
        pruned, population = index.reference_for(draft, "", settings)
        loaded.append(len(pruned))
        assert (
            check_draft(draft, pruned, settings, population).to_dict()
            == check_draft(draft, everything, settings).to_dict()
        ), path.name
    assert sum(loaded) < 0.5 * len(loaded) * len(everything)


def test_checks_after_changes_and_of_a_draft_replacing_another_members_report_equal_checks_against_every_report(
    tmp_path: Path, index: RedisIndex
) -> None:
    """The scenarios of the SQLite index's derived data (test_index.py), through Redis: two rounds, reports changed,
    removed and added, drafts of members with reports of their own, of a new member, replacing another's report."""
    last_year, _ = _rounds_corpus(tmp_path, 0)
    index.update(last_year, round="2023")
    corpus = tmp_path / "corpus"
    for version in (0, 3):
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(_rounds_corpus(tmp_path, version)[1], corpus)
        index.update(corpus, round="2024")
        drafts = [load_draft(path, round="2024") for path in sorted(corpus.glob("*.txt"))]
        drafts += [
            as_draft(tmp_path, "成员0-草稿.txt", report_text(90, prose(808, 220), SET_PHRASE), "2024"),
            as_draft(tmp_path, "成员3.txt", report_text(92, SET_PHRASE), "2024", member="外来"),
            as_draft(tmp_path, "新人.txt", report_text(93, prose(809, 220)), "2023"),
        ]
        for draft in drafts:
            same_check(index, draft, draft.source.round, SETTINGS)
    phrase = prose(4646, 60)  # 3 members of 10, one only in the report the draft replaces: reuse, not boilerplate
    index.update(write(tmp_path / "p", {f"成员{i}.txt": report_text(i, phrase if i < 3 else "") for i in range(10)}))
    draft = as_draft(tmp_path, "成员2.txt", report_text(77, phrase), member="外来")
    assert same_check(index, draft, "", SETTINGS) == ["成员0.txt", "成员1.txt"]


def test_derived_blobs_of_an_older_dupcheck_are_computed_again(
    corpus: Path, draft: Path, index: RedisIndex, client: redis.Redis
) -> None:
    index.update(corpus)
    old = redis_index._npz(hashes=np.zeros(0, np.uint64), reports=np.zeros(0, np.int64), paths=np.array(["x"]))
    client.set(redis_index._key("derived", "", "postings"), old)
    assert same_check(index, load_draft(draft), "", SETTINGS) == ["templates/模板.txt", "成员5.txt"]
    assert b"packed" in client.get(redis_index._key("derived", "", "postings"))


# ---------------------------------------------------------------------------------------------------------
# A check writes nothing; nothing to compare with is refused; two folders of one path in one round


def dumped(client: redis.Redis) -> dict[bytes, bytes]:
    """Every key of the database with its serialised value."""
    return {key: client.dump(key) for key in sorted(client.keys("*"))}


def test_a_check_against_an_empty_database_is_refused_and_creates_no_key(
    url: str, client: redis.Redis, draft: Path
) -> None:
    result = run("check", draft, "--against", url)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {url}: no reports in this index: nothing to compare the draft with")
    assert f"dupcheck index CORPUS --index {url}" in line
    assert client.dbsize() == 0


def test_a_check_against_the_index_writes_no_key_even_with_derived_data_behind(
    url: str, client: redis.Redis, corpus: Path, draft: Path
) -> None:
    assert run("index", corpus, "--index", url, "--round", "2024").exit_code == 0
    client.delete("dupcheck:derived:2024:version")  # the blobs now lag the reports: a check must not save new ones
    before = dumped(client)
    checked = run("check", draft, "--against", url)
    assert checked.exit_code == 0, checked.output
    assert "成员5, another member: 成员5.txt" in checked.output and "模板.txt, the template" in checked.output
    refused = run("check", draft, "--against", url, "--round", "2023", "--add")
    assert refused.exit_code == 1
    assert f"{url}: no reports of round 2023 in this index (it holds '2024')" in refused.output
    assert dumped(client) == before


def test_two_folders_with_one_path_in_one_round_never_replace_each_others_reports(url: str, tmp_path: Path) -> None:
    two_folders_with_one_path_in_one_round(tmp_path, url)
