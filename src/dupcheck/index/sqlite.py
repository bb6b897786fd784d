"""The default index: one SQLite file, no server; the derived data of each round beside it.

The reports are rows of one table. The derived data of a round (see ``derived``) are a base, in files beside the
index (``<file>.d/``), and what changed since, in the file itself, written in the transaction that changes the
reports; so an update is one transaction, applied whole or not at all. Writers take turns (a busy timeout, one
transaction per update); a reader reads one commit's index (one read transaction). A failure (a full disk, a
file or folder that cannot be written) rolls the transaction back and is one ``IndexFileError`` naming the
index; an index that cannot be written still serves whatever records nothing.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dupcheck.arrays import distinct, repeated_counts
from dupcheck.boilerplate import boilerplate_members
from dupcheck.errors import IndexFileError, IndexReadOnlyError, os_reason
from dupcheck.fingerprints import FingerprintSettings, band_keys
from dupcheck.index.base import (
    Index,
    Known,
    Plan,
    Record,
    other_corpus_error,
    own_and_replaced,
    stored_kgrams,
    stored_source,
)
from dupcheck.index.codec import APPLICATION, pack_document, settings_json, unpack_arrays, unpack_document
from dupcheck.index.derived import (
    DraftKeys,
    Postings,
    Users,
    classify_bands,
    distinct_kgrams,
    draft_population,
    set_phrase_holders,
    user_changes,
)
from dupcheck.model import Document, Population, ScanSettings

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    round TEXT NOT NULL,
    corpus TEXT NOT NULL,
    path TEXT NOT NULL,
    member TEXT NOT NULL,
    unit TEXT NOT NULL,
    is_template INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    text BLOB NOT NULL,
    sections TEXT NOT NULL,
    arrays BLOB NOT NULL,
    UNIQUE (round, path)
);
CREATE INDEX documents_corpus ON documents (corpus, round);
"""

# What a self-check looks up instead of reading every report (see ``derived``), per round: a base, in files
# beside the index (``<index>.d/<generation>.<part>.npy``, written before the transaction that names them in
# derived_base commits), and what changed since, in derived_delta, written in the transaction that changes the
# reports. An index of schema 2 gets these on opening; the base of each round is made when first needed.
_SCHEMA_DERIVED = """
CREATE INDEX documents_members ON documents (round, is_template, member, path);
CREATE TABLE derived_base (
    round TEXT PRIMARY KEY,
    generation TEXT NOT NULL,
    reports INTEGER NOT NULL,
    sizes TEXT NOT NULL
);
CREATE TABLE derived_delta (
    id INTEGER PRIMARY KEY,
    round TEXT NOT NULL,
    reports INTEGER NOT NULL,
    kgrams BLOB NOT NULL,
    changes BLOB NOT NULL,
    winnow BLOB NOT NULL,
    bands BLOB NOT NULL,
    rows BLOB NOT NULL
);
CREATE INDEX derived_delta_round ON derived_delta (round);
"""

# The SQLite file's own layout and its records' schema (codec.SCHEMA_VERSION). 3: derived data for the self-check.
# 4: records compressed with LZ4 (codec). An index of 2 or 3 is upgraded in place when it is opened to be written:
# its records are read as they are, and it gets the derived data it lacks.
SQLITE_SCHEMA_VERSION = 4
_UPGRADABLE = (2, 3)
_DERIVED_SINCE = 3

# A round's base is made again when the reports changed since it are more than this share of its reports …
DELTA_SHARE = 0.05
# … and more than this many: a small index is quick to derive again, a large one is not.
DELTA_MIN_REPORTS = 20

_BASE_PARTS = ("kgrams", "users", "winnow", "bands", "rows")
_BASE_FILE = re.compile(r"[0-9a-f]{16}\.(?:" + "|".join(_BASE_PARTS) + r")\.npy")
_DOCUMENT_COLUMNS = "round, path, member, unit, is_template, text, sections, arrays"


@dataclass
class _Catalogue:
    """What the index holds, without the reports themselves, as one commit left it (``version``)."""

    version: tuple[int, int]
    rows: dict[int, tuple[str, str, str, bool]]  # by id: round, path, member, is_template
    _members: dict[str, dict[str, str]] = field(default_factory=dict)
    _reports_of: dict[str, Counter[str]] = field(default_factory=dict)
    _keys: dict[str, frozenset[str]] = field(default_factory=dict)

    def members(self, round: str) -> dict[str, str]:
        """Each report of ``round`` (templates left out), by path: its member."""
        if round not in self._members:
            self._members[round] = {path: m for r, path, m, t in self.rows.values() if r == round and not t}
        return self._members[round]

    def reports_of(self, round: str) -> Counter[str]:
        """Per member of ``round``, how many reports they have in it."""
        if round not in self._reports_of:
            self._reports_of[round] = Counter(self.members(round).values())
        return self._reports_of[round]

    def member_keys(self, round: str) -> frozenset[str]:
        """The members of ``round``: one frozen set while the index is unchanged."""
        if round not in self._keys:
            self._keys[round] = frozenset(self.reports_of(round))
        return self._keys[round]

    def members_but(self, round: str, path: str) -> frozenset[str]:
        """The members of ``round`` but the report at ``path``: its member too unless they have another."""
        counts = self.reports_of(round)
        member = self.members(round).get(path)
        if member is not None and counts[member] == 1:
            return self.member_keys(round) - {member}
        return self.member_keys(round)


class _Gone(NamedTuple):
    """A row an update replaces or removes."""

    id: int
    member: str
    is_template: bool


@dataclass(frozen=True)
class _Derived:
    """A round's derived data, as one read transaction sees it."""

    users: Users
    winnow: tuple[Postings, ...]  # the base's, and those of every update since in one
    bands: tuple[Postings, ...]
    changed: bool  # whether anything changed since the base


def _unlink_all(paths: Iterable[Path]) -> None:
    for path in paths:
        with suppress(OSError):  # a file a reader still maps, where that forbids it: a later writer removes it
            path.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the index file: created if missing only when ``create``; read only when the file cannot be
    written. A WAL index in a folder that cannot be written (no shared-memory file can be made beside it) is
    opened immutable: nobody can write it there either, so it is read as it lies."""
    uri = path.absolute().as_uri()
    db = sqlite3.connect(f"{uri}?mode={'rwc' if create else 'rw'}", uri=True, timeout=60, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        db.close()
        if getattr(error, "sqlite_errorname", "") not in ("SQLITE_READONLY_DIRECTORY", "SQLITE_CANTOPEN"):
            raise
        if not path.is_file():
            raise
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=60, isolation_level=None)
    return db


def _by_round_and_path(rows: Iterable[tuple]) -> list[tuple]:
    """Rows of ``_DOCUMENT_COLUMNS`` in the order of their round and path. Sorted here, not by SQLite's ORDER BY,
    which copies every row's text and arrays through its sorter: 85 rows a check took 30 ms that way, 3 ms
    fetched as they lie (Python orders strings as SQLite's BINARY collation orders their UTF-8)."""
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _failure(path: Path, error: sqlite3.Error) -> IndexFileError:
    """An SQLite failure as one line naming the index; whatever was being written was rolled back."""
    location, name = str(path), getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        folder = path.absolute().parent
        why = "its folder cannot be written" if not os.access(folder, os.W_OK) else "the file cannot be written"
        if name != "SQLITE_READONLY_DIRECTORY" and os.access(path, os.W_OK) and os.access(folder, os.W_OK):
            why = str(error)  # a read-only mount, or a shared-memory file left by another user
        return IndexReadOnlyError(location, f"the index is read-only ({why}): cannot record the changes")
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and _nearly_full(path)):
        # A write SQLite makes outside its pages (growing the shared-memory file) fails as an I/O error.
        return IndexFileError(location, "no space left on device: nothing was recorded, the index is as it was")
    if name == "SQLITE_CANTOPEN":
        return IndexFileError(location, "cannot open or create the index file (a missing or unwritable folder?)")
    if name == "SQLITE_BUSY":
        return IndexFileError(location, "another process held the index for over 60 s; try again")
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or not name:
        return IndexFileError(location, f"not a readable dupcheck index ({error}); --rebuild makes a new one")
    return IndexFileError(location, f"SQLite failed ({error}); nothing was recorded")


def _nearly_full(path: Path) -> bool:
    """Whether the file system holding ``path`` has (next to) no room left."""
    try:
        stats = os.statvfs(path.absolute().parent)
    except (OSError, AttributeError):  # no statvfs (Windows): say what SQLite said
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _os_failure(location: str, error: OSError, what: str) -> IndexFileError:
    """A file the index could not write, as one line: read-only for want of permission, else the reason."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return IndexReadOnlyError(location, f"the index is read-only ({os_reason(error)}): {what}")
    return IndexFileError(location, f"{what} ({os_reason(error)}); nothing was recorded")


class SQLiteIndex(Index):
    """An index in one SQLite file, and the derived data of its rounds beside it (``<file>.d``). Writers take
    turns (a busy timeout, one transaction per update)."""

    def __init__(
        self,
        path: Path,
        settings: FingerprintSettings,
        *,
        rebuild: bool = False,
        read_only: bool = False,
        preload: bool = False,
    ) -> None:
        """``preload``: read a round's derived files into memory when first used, instead of mapping them: for a
        server's worker, which searches them for every draft. Memory of the process's own is searched several
        times faster than a mapped file's pages (the postings of 10,000 reports: 10 ms a search mapped, 1 ms read,
        unless the file was just written), for the 21 KB a report it holds."""
        self.path = path
        self.location = str(path)
        self.settings = settings
        self.read_only = read_only  # this opener only reads (a check): it creates, upgrades and derives nothing
        self.preload = preload
        self._bases: dict[str, tuple[str, dict[str, np.ndarray]]] = {}  # round -> generation, its arrays
        self._folder = path.with_name(path.name + ".d")
        self._written: list[Path] = []  # base files of the open transaction: removed if it rolls back …
        self._superseded: list[Path] = []  # … and those it replaces: removed once it commits
        self._commits = 0  # transactions this opener committed (``_listed``)
        self._catalogue: _Catalogue | None = None  # see ``_listed``
        try:
            if rebuild:
                for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    leftover.unlink(missing_ok=True)
                if self._folder.is_dir():
                    _unlink_all(p for p in self._folder.iterdir() if _BASE_FILE.fullmatch(p.name))
                    with suppress(OSError):
                        self._folder.rmdir()
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _os_failure(self.location, error, "cannot replace it" if rebuild else "cannot make it") from error
        try:
            self._db = _connect(path, create=not read_only)
        except sqlite3.Error as error:
            raise _failure(self.path, error) from error
        try:
            if not read_only and self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_or_create()
        except sqlite3.Error as error:
            self._db.close()
            raise _failure(self.path, error) from error
        except IndexFileError:
            self._db.close()
            raise

    def _check_or_create(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self._schema = SQLITE_SCHEMA_VERSION
        if not tables:
            if self.read_only:
                raise IndexFileError(str(self.path), "not a dupcheck index (an empty file)")
            with self._transaction():
                for statement in filter(str.strip, (_SCHEMA + _SCHEMA_DERIVED).split(";")):
                    self._db.execute(statement)
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("application", APPLICATION), ("settings", settings_json(self.settings))],
                )
                self._db.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")
            return
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        meta = dict(self._db.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
        if meta.get("application") != APPLICATION:
            raise IndexFileError(str(self.path), "not a dupcheck index; --rebuild replaces it with one")
        if version != SQLITE_SCHEMA_VERSION and version not in _UPGRADABLE:
            age = "newer" if version > SQLITE_SCHEMA_VERSION else "older"
            raise IndexFileError(
                str(self.path),
                f"written by a {age} dupcheck (index schema {version}, this one reads {SQLITE_SCHEMA_VERSION}); "
                "--rebuild makes a new one",
            )
        if meta.get("settings") != settings_json(self.settings):
            raise IndexFileError(str(self.path), "built with other fingerprint settings; --rebuild makes a new one")
        self._schema = version
        if version in _UPGRADABLE and not self.read_only:  # read only, it is read as it is (of 2: no derived data)
            self._schema = SQLITE_SCHEMA_VERSION
            with self._transaction():
                found = self._db.execute("PRAGMA user_version").fetchone()[0]
                if found in _UPGRADABLE:  # not yet upgraded by another process
                    if found < _DERIVED_SINCE:
                        for statement in filter(str.strip, _SCHEMA_DERIVED.split(";")):
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once, so two updaters queue instead of failing half-way.
        self._db.execute("BEGIN IMMEDIATE")
        self._written, self._superseded = [], []
        try:
            yield
            self._db.execute("COMMIT")
            self._commits += 1
        except BaseException:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            _unlink_all(self._written)
            raise
        _unlink_all(self._superseded)

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        # One read transaction: whatever is read inside it is the index as one commit left it.
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _known(self, corpus_key: str, round: str) -> dict[str, Known]:
        rows = self._db.execute(
            "SELECT path, sha256, size, mtime_ns FROM documents WHERE corpus = ? AND round = ?", (corpus_key, round)
        )
        return {path: Known(sha, size, mtime) for path, sha, size, mtime in rows}

    def _apply(self, round: str, plan: Plan) -> None:
        if not (plan.put or plan.touch or plan.remove):
            return  # nothing to record: an index that cannot be written serves a scan or check that changes nothing
        if self.read_only:
            raise IndexReadOnlyError(self.location, "opened to be read only: cannot record the changes")
        try:
            with self._transaction():
                self._write(round, plan)
        except sqlite3.Error as error:
            failure = _failure(self.path, error)
            if isinstance(failure, IndexReadOnlyError) and not (plan.put or plan.remove):
                return  # only new modification times to note: the next update hashes those files again
            raise failure from error
        except IndexReadOnlyError:
            if plan.put or plan.remove:
                raise

    def _write(self, round: str, plan: Plan) -> None:
        """Write a plan and bring the round's derived data in line with it, in the caller's transaction."""
        self._remove_stray_files()
        put, corpus_key = plan.put, plan.corpus
        if corpus_key:
            taken = self._db.execute(
                "SELECT path, corpus FROM documents WHERE round = ? AND corpus NOT IN ('', ?) "
                "AND path IN (SELECT value FROM json_each(?)) ORDER BY path",
                (round, corpus_key, json.dumps([r.path for r in put])),
            ).fetchall()
            if taken:
                raise other_corpus_error(self.location, round, corpus_key, taken)
        rows_at = (
            "SELECT id, member, is_template FROM documents WHERE round = ? AND path IN (SELECT value FROM json_each(?))"
        )
        replaced = self._rows(rows_at, round, [r.path for r in put])
        removed = self._rows(rows_at + " AND corpus = ?", round, plan.remove, corpus_key)
        gone = replaced + removed
        changed = len(put) + len(removed)
        base = self._base(round)
        incremental = base is not None and self._delta_reports(round) + changed <= max(
            DELTA_MIN_REPORTS, DELTA_SHARE * base[1]
        )
        before: dict[int, tuple[str, np.ndarray]] = {}
        if incremental and changed:
            # The k-grams every member this write touches used before it, to count their users again.
            affected = {g.member for g in gone if not g.is_template} | {r.member for r in put if not r.is_template}
            before = self._member_kgrams(round, affected)
        ids = self._put(put)
        self._db.executemany(
            "UPDATE documents SET size = ?, mtime_ns = ? WHERE corpus = ? AND round = ? AND path = ?",
            [(size, mtime, corpus_key, round, path) for path, size, mtime in plan.touch],
        )
        self._db.executemany("DELETE FROM documents WHERE id = ?", [(g.id,) for g in removed])
        if incremental and changed:
            self._add_delta(round, put, ids, gone, before, changed)
        elif not incremental:
            self._make_base(round, {i: r.document for i, r in zip(ids, put, strict=True) if not r.is_template})

    def _rows(self, query: str, round: str, paths: list[str], *extra: str) -> list[_Gone]:
        if not paths:
            return []
        rows = self._db.execute(query, (round, json.dumps(paths), *extra))
        return [_Gone(row_id, member, bool(is_template)) for row_id, member, is_template in rows]

    def _put(self, records: Sequence[Record]) -> list[int]:
        """Write records (replacing any of the same round and path); their new row ids."""
        ids = []
        for r in records:
            text, sections, arrays = pack_document(r.document)
            fields = (r.round, r.corpus, r.path, r.member, r.unit, int(r.is_template), r.sha256, r.size, r.mtime_ns)
            cursor = self._db.execute(
                "INSERT OR REPLACE INTO documents (round, corpus, path, member, unit, is_template, sha256, size, "
                "mtime_ns, text, sections, arrays) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (*fields, text, sections, arrays),
            )
            ids.append(cursor.fetchone()[0])
        return ids

    # -- derived data ---------------------------------------------------------------------------------------

    def _base_files(self, generation: str) -> list[Path]:
        return [self._folder / f"{generation}.{part}.npy" for part in _BASE_PARTS]

    def _remove_stray_files(self) -> None:
        """Remove base files no committed transaction names (a writer that died); the caller holds the write lock,
        so no other writer is writing any."""
        if not self._folder.is_dir():
            return
        named = {generation for (generation,) in self._db.execute("SELECT generation FROM derived_base")}
        _unlink_all(
            p for p in self._folder.iterdir() if _BASE_FILE.fullmatch(p.name) and p.name.split(".")[0] not in named
        )

    def _base(self, round: str) -> tuple[dict[str, np.ndarray], int] | None:
        """The round's base arrays (mapped, not read) and how many reports it was made from; None when it is
        missing or does not read as written."""
        row = self._db.execute(
            "SELECT generation, reports, sizes FROM derived_base WHERE round = ?", (round,)
        ).fetchone()
        if row is None:
            return None
        generation, reports, sizes = row
        held = self._bases.get(round)
        if held is not None and held[0] == generation:  # a generation's files are written once, never changed
            return held[1], reports
        arrays = {}
        for part, path in zip(_BASE_PARTS, self._base_files(generation), strict=True):
            try:
                array = np.load(path, mmap_mode=None if self.preload else "r", allow_pickle=False)
            except (OSError, ValueError):
                return None
            if array.shape != (json.loads(sizes).get(part),):
                return None
            arrays[part] = array
        self._bases[round] = generation, arrays
        return arrays, reports

    def _delta_reports(self, round: str) -> int:
        query = "SELECT COALESCE(SUM(reports), 0) FROM derived_delta WHERE round = ?"
        return self._db.execute(query, (round,)).fetchone()[0]

    def _member_kgrams(self, round: str, members: Iterable[str]) -> dict[int, tuple[str, np.ndarray]]:
        """Row id -> (member, distinct k-grams) of every report of ``members`` in the round."""
        rows = self._db.execute(
            "SELECT id, member, arrays FROM documents WHERE round = ? AND is_template = 0 "
            "AND member IN (SELECT value FROM json_each(?))",
            (round, json.dumps(sorted(members))),
        )
        return {row_id: (member, stored_kgrams(arrays, self.settings)) for row_id, member, arrays in rows}

    def _add_delta(
        self,
        round: str,
        put: Sequence[Record],
        ids: Sequence[int],
        gone: Sequence[_Gone],
        before: dict[int, tuple[str, np.ndarray]],
        reports: int,
    ) -> None:
        """Record what a write changed in the round's derived data: the users of the k-grams of the members it
        touched, and the postings of the reports it wrote (those of the reports it replaced or removed stay,
        pointing to rows that are gone, which a check skips)."""
        gone_ids = {g.id for g in gone}
        used_before: dict[str, list[np.ndarray]] = defaultdict(list)
        used_after: dict[str, list[np.ndarray]] = defaultdict(list)
        for row_id, (member, kgrams) in before.items():
            used_before[member].append(kgrams)
            if row_id not in gone_ids:
                used_after[member].append(kgrams)
        new = [(i, r) for i, r in zip(ids, put, strict=True) if not r.is_template]
        for _, record in new:
            used_after[record.member].append(distinct_kgrams(record.document.normalised.codes(), self.settings))
        kgrams, changes = user_changes(
            {m: distinct(a) for m, a in used_before.items()}, {m: distinct(a) for m, a in used_after.items()}
        )
        fingerprints = [r.document.fingerprints_for(self.settings) for _, r in new]
        rows = [i for i, _ in new]
        winnow = Postings.of([fp.winnow_hashes for fp in fingerprints], rows)
        bands = Postings.of([band_keys(fp.signatures, self.settings) for fp in fingerprints], rows)
        self._db.execute(
            "INSERT INTO derived_delta (round, reports, kgrams, changes, winnow, bands, rows) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                round,
                reports,
                kgrams.astype("<u8").tobytes(),
                changes.astype("<i8").tobytes(),
                winnow.packed.astype("<u8").tobytes(),
                bands.packed.astype("<u8").tobytes(),
                np.asarray(rows, dtype="<i8").tobytes(),
            ),
        )

    def _make_base(self, round: str, fresh: dict[int, Document] | None = None) -> None:
        """Derive the round's base from all its reports (``fresh``: row id -> the document just written, not read
        back) and name it in the caller's transaction; what changed since the old base is in it."""
        fresh = fresh or {}
        query = "SELECT id, member FROM documents WHERE round = ? AND is_template = 0"
        members = dict(self._db.execute(query, (round,)))
        unread = [i for i in members if i not in fresh]
        stored = self._db.execute(
            "SELECT id, arrays FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(unread),)
        )
        kgrams: dict[str, list[np.ndarray]] = defaultdict(list)
        rows, winnow, bands = [], [], []

        def derive(row_id: int, codes: np.ndarray, winnow_hashes: np.ndarray, signatures: np.ndarray) -> None:
            kgrams[members[row_id]].append(distinct_kgrams(codes, self.settings))
            rows.append(row_id)
            winnow.append(winnow_hashes)
            bands.append(band_keys(signatures, self.settings))

        for row_id, document in fresh.items():
            fp = document.fingerprints_for(self.settings)
            derive(row_id, document.normalised.codes(), fp.winnow_hashes, fp.signatures)
        for row_id, arrays in stored:
            derive(row_id, *unpack_arrays(arrays, "codes", "winnow_hashes", "signatures"))
        counted, users = repeated_counts(a[0] if len(a) == 1 else distinct(a) for a in kgrams.values())
        parts = {
            "kgrams": counted,
            "users": users.astype(np.uint32),
            "winnow": Postings.of(winnow, rows).packed,
            "bands": Postings.of(bands, rows).packed,
            "rows": np.asarray(rows, dtype=np.int64),
        }
        generation = secrets.token_hex(8)
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            for path, part in zip(self._base_files(generation), _BASE_PARTS, strict=True):
                self._written.append(path)
                with path.open("wb") as handle:
                    np.save(handle, parts[part], allow_pickle=False)
                    handle.flush()
                    os.fsync(handle.fileno())  # the transaction that names the files must never outlive them
            _fsync_folder(self._folder)
        except OSError as error:
            raise _os_failure(str(self._folder), error, "cannot write the index's derived files") from error
        old = self._db.execute("SELECT generation FROM derived_base WHERE round = ?", (round,)).fetchone()
        if old is not None:
            self._superseded += self._base_files(old[0])
        self._db.execute(
            "INSERT OR REPLACE INTO derived_base (round, generation, reports, sizes) VALUES (?, ?, ?, ?)",
            (round, generation, len(rows), json.dumps({part: len(parts[part]) for part in _BASE_PARTS})),
        )
        self._db.execute("DELETE FROM derived_delta WHERE round = ?", (round,))

    def _derived(self, round: str) -> _Derived | None:
        """The round's derived data: its base and every change since; None when the base must be made again."""
        found = self._base(round)
        if found is None:
            return None
        base, _ = found
        winnow, bands, changes = [], [], []
        for kgrams, change, winnow_blob, bands_blob, rows_blob in self._db.execute(
            "SELECT kgrams, changes, winnow, bands, rows FROM derived_delta WHERE round = ? ORDER BY id", (round,)
        ):
            rows = np.frombuffer(rows_blob, dtype="<i8")
            winnow.append(Postings(np.frombuffer(winnow_blob, dtype="<u8"), rows))
            bands.append(Postings(np.frombuffer(bands_blob, dtype="<u8"), rows))
            changes.append((np.frombuffer(kgrams, dtype="<u8"), np.frombuffer(change, dtype="<i8")))
        return _Derived(
            Users(base["kgrams"], base["users"], tuple(changes)),
            (Postings(base["winnow"], base["rows"]), *([Postings.merged(winnow)] if winnow else [])),
            (Postings(base["bands"], base["rows"]), *([Postings.merged(bands)] if bands else [])),
            bool(changes),
        )

    # -- reading ------------------------------------------------------------------------------------------

    def rounds(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT DISTINCT round FROM documents ORDER BY round")]

    def member_keys(self, round: str = "") -> frozenset[str]:
        return self._listed().member_keys(round)

    def _listed(self) -> _Catalogue:
        """Every report's round, path, member and kind, read again only when the file has changed since: a commit
        of another connection (SQLite's data_version) or of this one. A check asks several times, and a server's
        worker for every draft (10,000 rows: 20 ms each time)."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0], self._commits
        if self._catalogue is None or self._catalogue.version != version:
            rows = self._db.execute("SELECT id, round, path, member, is_template FROM documents")
            self._catalogue = _Catalogue(version, {id_: (r, path, m, bool(t)) for id_, r, path, m, t in rows})
        return self._catalogue

    def _document(self, row: tuple, round: str) -> Document:
        row_round, path, member, unit, is_template, text, sections, arrays = row
        source = stored_source(row_round, path, member, unit, bool(is_template), round)
        return unpack_document(source, text, sections, arrays, self.settings)

    def documents(self, round: str = "", *, earlier: bool = True) -> list[Document]:
        query = f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE round = ?"
        params: tuple = (round,)
        if earlier:
            query += " OR (round < ? AND is_template = 0)"
            params = (round, round)
        return [self._document(row, round) for row in _by_round_and_path(self._db.execute(query, params))]

    def _reference(
        self, draft: Document, keys: DraftKeys, round: str, settings: ScanSettings
    ) -> tuple[list[Document], Population | None]:
        """From the derived data, read in one transaction; a base found stale is made again first."""
        for attempt in range(3):
            with self._snapshot():
                found = self._reference_once(draft, keys, round, settings)
            if not isinstance(found, set):
                return found
            if not found:
                break
            if attempt == 0:
                continue  # a writer may have replaced a base while it was opened: read again before making one
            if self.read_only:
                break
            try:
                with self._transaction():
                    for stale in sorted(found):
                        if self._base(stale) is None or self._delta_reports(stale):  # unless another process did
                            self._make_base(stale)
            except (sqlite3.Error, IndexFileError):
                break  # a base that cannot be saved (a read-only or full index): this check reads every report
        # Counts only known within one decide whether a k-gram of the draft is boilerplate: every report.
        return self.documents(round), None

    def _reference_once(
        self, draft: Document, keys: DraftKeys, round: str, settings: ScanSettings
    ) -> tuple[list[Document], Population] | set[str]:
        """``_reference`` in one read transaction, or the rounds whose base must be made again first (none: the
        counts cannot decide even from a new base)."""
        if self._schema < _DERIVED_SINCE:
            return set()  # an index of schema 2 read without upgrading it: it has no derived data
        derived = {r: self._derived(r) for r in self.rounds() if r <= round}
        stale = {r for r, d in derived.items() if d is None}
        if stale:
            return stale
        here = derived.get(round)
        listed = self._listed()
        own, replaced = self._own_and_replaced(draft, round)
        population = draft_population(
            keys.distinct,
            listed.members_but(round, draft.source.id) | {draft.source.member},
            here.users if here else Users(),
            settings,
            own=own,
            replaced=replaced,
        )
        if population is None:
            return {round} if here and here.changed else set()
        seeds = keys.seeds(population, settings)
        holdings = [p.holders(seeds) for d in derived.values() if d for p in d.winnow]
        held = (
            np.concatenate([np.zeros(0, dtype=np.uint64), *(h[0] for h in holdings)]),
            np.concatenate([np.zeros(0, dtype=np.int64), *(h[1] for h in holdings)]),
        )
        common, wide, by_bands = self._bands(draft, keys, round, derived, population, settings, listed)
        population = replace(population, common_bands=common, wide_bands=wide)
        phrase = np.setdiff1d(set_phrase_holders(keys, seeds, held, population, settings), by_bands)
        not_compared = [
            id_
            for id_ in phrase.tolist()
            if (row := listed.rows.get(id_)) and row[0] == round and not row[3] and row[2] != draft.source.member
        ]
        ids = np.unique(np.concatenate([np.setdiff1d(held[1], not_compared), by_bands]))
        # The report the draft replaces (its id) is left out, as a check leaves it out.
        query = (
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?)) "
            "AND is_template = 0 AND round <= ? AND NOT (round = ? AND path = ?) "
            f"UNION ALL SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE round = ? AND is_template = 1"
        )
        rows = self._db.execute(query, (json.dumps(ids.tolist()), round, round, draft.source.id, round))
        return [self._document(row, round) for row in _by_round_and_path(rows)], population

    def _bands(
        self,
        draft: Document,
        keys: DraftKeys,
        round: str,
        derived: Mapping[str, _Derived | None],
        population: Population,
        settings: ScanSettings,
        listed: _Catalogue,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``classify_bands`` of the draft's band keys over the index: the boilerplate and widely shared ones, and
        the reports holding the others (only these need be read: a passage window most reports share is found in
        hundreds, and pairs nobody)."""
        holdings = [p.holders(keys.bands) for d in derived.values() if d for p in d.bands]
        keys_of = np.concatenate([np.zeros(0, dtype=np.uint64), *(h[0] for h in holdings)])
        reports = np.concatenate([np.zeros(0, dtype=np.int64), *(h[1] for h in holdings)])
        holder = {}  # templates, later rounds and the report the draft replaces left out
        for id_ in np.unique(reports).tolist():
            row = listed.rows.get(id_)
            if row and not row[3] and row[0] <= round and not (row[0] == round and row[1] == draft.source.id):
                holder[id_] = (row[2], row[0] == round)
        threshold = boilerplate_members(
            len(population.members), settings.boilerplate_share, settings.boilerplate_min_members
        )
        return classify_bands(
            keys.bands, (keys_of, reports), holder, draft.source.member, threshold, settings.max_pair_members
        )

    def _own_and_replaced(self, draft: Document, round: str) -> tuple[np.ndarray, np.ndarray]:
        """The k-grams the round's counts hold for users a check of the draft does not count as other members: the
        draft's author (every k-gram of their reports), and a member whose report the draft replaces (the k-grams
        only that report of theirs holds)."""
        author = draft.source.member
        row = self._db.execute(
            "SELECT member FROM documents WHERE round = ? AND path = ? AND is_template = 0", (round, draft.source.id)
        ).fetchone()
        replaced_member = row[0] if row is not None and row[0] != author else None
        rows = self._db.execute(
            "SELECT path, member, arrays FROM documents WHERE round = ? AND is_template = 0 "
            "AND member IN (SELECT value FROM json_each(?))",
            (round, json.dumps([author] if replaced_member is None else [author, replaced_member])),
        )
        return own_and_replaced(draft, rows, self.settings)

    def warm(self) -> None:
        """Who holds which report, and every round's derived data (read into memory when ``preload``)."""
        with self._snapshot():
            self._listed()
            for round in self.rounds():
                self._derived(round)

    def close(self) -> None:
        self._db.close()
