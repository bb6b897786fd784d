"""A persistent index of prepared reports, so a repeated scan or a self-check does not start from nothing.

An index holds, per report: where it came from (corpus folder, path, round), who wrote it, a content hash
with the file's size and modification time, the text as read, its sections, its tokens with their
offsets, and its fingerprints (winnowing hashes, passage windows and their MinHash signatures). Updating
an index from a corpus re-reads only files whose size or modification time changed, re-prepares only
those whose content hash changed, and drops files that are gone; all of it in one transaction, so an
update is applied whole or not at all, whatever happens to the process.

The default backend is SQLite (one file, no server). ``open_index`` also accepts ``redis://HOST:PORT/DB``
for an index shared by several reviewers and machines (see ``redis_index``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from dupcheck.corpus import MembersBy, SourceFile, discover
from dupcheck.errors import IndexFileError, ReadError
from dupcheck.fingerprints import Fingerprints, FingerprintSettings, fingerprint
from dupcheck.normalise import Normalised
from dupcheck.reading import DEFAULT_MAX_CHARS
from dupcheck.report import Report
from dupcheck.scan import Document, Population, Progress, ScanSettings, compare, prepare
from dupcheck.sections import Section

# 2: tokens fold Traditional characters to Simplified and drop every invisible character, so an index of
# version 1 holds tokens this dupcheck would not make, and asks for --rebuild.
SCHEMA_VERSION = 2
APPLICATION = "dupcheck index"


@dataclass(frozen=True)
class UpdateResult:
    """What an update did to the index."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ReadError] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    """One report as the index keeps it."""

    round: str
    corpus: str  # the corpus folder it was indexed from (absolute), or '' for a draft added by a check
    path: str  # the report's id within its corpus
    member: str
    unit: str
    is_template: bool
    sha256: str
    size: int
    mtime_ns: int
    document: Document


class Index(Protocol):
    """What the scan and the self-check need of an index, whatever keeps it."""

    location: str

    def update(
        self,
        corpus: Path,
        templates: Iterable[Path] = (),
        *,
        round: str = "",
        members_by: MembersBy = "file",
        progress: Progress | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> UpdateResult: ...

    def add(self, document: Document, *, round: str = "") -> None: ...

    def documents(self, round: str = "", *, earlier: bool = True) -> list[Document]: ...

    def rounds(self) -> list[str]: ...

    def reference_for(
        self, draft: Document, round: str = "", settings: ScanSettings | None = None
    ) -> tuple[list[Document], Population | None]:
        """The reports a draft of ``round`` is checked against, and, when those are not the whole round, the
        population boilerplate is counted over (``settings`` say what counts as boilerplate)."""
        ...

    def close(self) -> None: ...


def default_index_path(corpus: Path) -> Path:
    """Where the index of a corpus lives unless ``--index`` says otherwise: never inside the corpus.

    ``$DUPCHECK_INDEX_DIR``, else ``$XDG_CACHE_HOME/dupcheck``, else ``~/.cache/dupcheck``; the file is named
    after the corpus folder and a hash of its absolute path, so two corpora never share an index by accident.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dupcheck"
    base = Path(os.environ.get("DUPCHECK_INDEX_DIR") or cache)
    resolved = corpus.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    return base / f"{resolved.name or 'corpus'}-{digest}.sqlite"


def open_index(location: str | Path, settings: FingerprintSettings, *, rebuild: bool = False) -> Index:
    """Open (creating it if needed) the index at a file path or a ``redis://`` URL."""
    if str(location).startswith(("redis://", "rediss://", "unix://")):
        from dupcheck.redis_index import RedisIndex  # the redis client is needed only for a shared index

        return RedisIndex(str(location), settings, rebuild=rebuild)
    return SQLiteIndex(Path(location), settings, rebuild=rebuild)


# ---------------------------------------------------------------------------------------------------------
# Serialising a prepared document: text compressed, arrays in one .npz blob.


def pack_document(document: Document) -> tuple[bytes, str, bytes]:
    """The text (zlib), the sections (JSON) and the arrays (npz) of a prepared document."""
    if document.fingerprints is None:
        raise ValueError("a document is indexed with its fingerprints")
    fp, normalised = document.fingerprints, document.normalised
    lengths = normalised.ends - normalised.starts
    buffer = io.BytesIO()
    # Compact types and compression halve what a report costs on disk (about 40 KB for 5,000 characters).
    np.savez_compressed(
        buffer,
        codes=normalised.codes(),
        starts=normalised.starts.astype(np.int32),
        lengths=lengths.astype(np.uint16 if lengths.max(initial=0) < 1 << 16 else np.uint32),
        winnow_hashes=fp.winnow_hashes,
        winnow_positions=fp.winnow_positions.astype(np.int32),
        windows=fp.windows.astype(np.int32),
        signatures=fp.signatures,
    )
    sections = json.dumps([[s.title, s.level, s.start, s.end] for s in document.sections], ensure_ascii=False)
    return zlib.compress(document.text.encode("utf-8")), sections, buffer.getvalue()


def unpack_document(
    source: SourceFile, text: bytes, sections: str, arrays: bytes, settings: FingerprintSettings
) -> Document:
    with np.load(io.BytesIO(arrays)) as data:
        codes = data["codes"].astype(np.uint32)
        starts = data["starts"].astype(np.int32)
        normalised = Normalised(
            tokens=codes.astype("<u4").tobytes().decode("utf-32-le"),
            starts=starts,
            ends=starts + data["lengths"].astype(np.int32),
        )
        fingerprints = Fingerprints(
            n_tokens=len(codes),
            winnow_hashes=data["winnow_hashes"],
            winnow_positions=data["winnow_positions"].astype(np.int32),
            windows=data["windows"].astype(np.int64).reshape(-1, 2),
            signatures=data["signatures"],
        )
    return Document(
        source=source,
        text=zlib.decompress(text).decode("utf-8"),
        normalised=normalised,
        sections=[Section(title, level, start, end) for title, level, start, end in json.loads(sections)],
        fingerprints=fingerprints,
    )


def draft_record(document: Document, round: str, settings: FingerprintSettings) -> Record:
    """The record of a report that comes from no corpus folder (a draft a check adds)."""
    if document.fingerprints is None:
        document = replace(document, fingerprints=fingerprint(document.normalised.codes(), settings))
    data = document.text.encode("utf-8")
    return Record(
        round=round,
        corpus="",
        path=document.source.id,
        member=document.source.member,
        unit=document.source.unit,
        is_template=False,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime_ns=0,
        document=document,
    )


def earlier_id(round: str, path: str) -> str:
    """A report of an earlier round is named with its round, so it cannot be taken for this round's."""
    return f"{round}:{path}"


def file_state(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Known:
    """What the index knows of a file, to decide whether to read it again."""

    sha256: str
    size: int
    mtime_ns: int


@dataclass
class Plan:
    """The changes an update will write, computed before the write transaction starts."""

    put: list[Record] = field(default_factory=list)
    touch: list[tuple[str, int, int]] = field(default_factory=list)  # path, size, mtime_ns: content unchanged
    remove: list[str] = field(default_factory=list)
    result: UpdateResult = field(default_factory=UpdateResult)


def plan_update(
    known: dict[str, Known],
    corpus: Path,
    templates: Iterable[Path],
    settings: FingerprintSettings,
    *,
    round: str,
    members_by: MembersBy,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Plan:
    """Compare the corpus with what the index knows of it; read and prepare only what changed."""
    sources, errors = discover(corpus, templates, members_by=members_by)
    errors = list(errors)
    plan = Plan()
    added, updated, unchanged = [], [], 0
    seen = set()
    corpus_key = str(corpus.resolve())
    for n, source in enumerate(sources, 1):
        if progress:
            progress("reading", n, len(sources))
        seen.add(source.id)
        try:
            size, mtime_ns = file_state(source.path)
            before = known.get(source.id)
            if before and (before.size, before.mtime_ns) == (size, mtime_ns):
                unchanged += 1
                continue
            digest = sha256_of(source.path)
            if before and before.sha256 == digest:
                plan.touch.append((source.id, size, mtime_ns))
                unchanged += 1
                continue
            document = prepare(source, settings, max_chars=max_chars)
        except ReadError as error:
            errors.append(error)
            continue
        except OSError as error:
            errors.append(ReadError(source.id, error.strerror or str(error)))
            continue
        plan.put.append(
            Record(
                round=round,
                corpus=corpus_key,
                path=source.id,
                member=source.member,
                unit=source.unit,
                is_template=source.is_template,
                sha256=digest,
                size=size,
                mtime_ns=mtime_ns,
                document=document,
            )
        )
        (updated if before else added).append(source.id)
    # A file that could not be read this time is kept as it was: nothing is lost to a passing error.
    unreadable = {e.path for e in errors}
    plan.remove = sorted(p for p in known if p not in seen and p not in unreadable)
    plan.result = UpdateResult(added, updated, plan.remove, unchanged, sorted(errors, key=lambda e: e.path))
    return plan


def settings_json(settings: FingerprintSettings) -> str:
    return json.dumps(asdict(settings), sort_keys=True)


# ---------------------------------------------------------------------------------------------------------
# SQLite


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


class SQLiteIndex:
    """An index in one SQLite file. Writers take turns (a busy timeout, one transaction per update)."""

    def __init__(self, path: Path, settings: FingerprintSettings, *, rebuild: bool = False) -> None:
        self.path = path
        self.location = str(path)
        self.settings = settings
        if rebuild:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_or_create()
        except sqlite3.DatabaseError as error:
            raise IndexFileError(
                str(path), f"not a readable dupcheck index ({error}); --rebuild makes a new one"
            ) from error

    def _check_or_create(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            with self._transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self._db.execute(statement)
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("application", APPLICATION), ("settings", settings_json(self.settings))],
                )
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        meta = dict(self._db.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
        if meta.get("application") != APPLICATION:
            raise IndexFileError(str(self.path), "not a dupcheck index; --rebuild replaces it with one")
        if version != SCHEMA_VERSION:
            age = "newer" if version > SCHEMA_VERSION else "older"
            raise IndexFileError(
                str(self.path),
                f"written by a {age} dupcheck (index schema {version}, this one reads {SCHEMA_VERSION}); "
                "--rebuild makes a new one",
            )
        if meta.get("settings") != settings_json(self.settings):
            raise IndexFileError(str(self.path), "built with other fingerprint settings; --rebuild makes a new one")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once, so two updaters queue instead of failing half-way.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _known(self, corpus_key: str, round: str) -> dict[str, Known]:
        rows = self._db.execute(
            "SELECT path, sha256, size, mtime_ns FROM documents WHERE corpus = ? AND round = ?", (corpus_key, round)
        )
        return {path: Known(sha, size, mtime) for path, sha, size, mtime in rows}

    def update(
        self,
        corpus: Path,
        templates: Iterable[Path] = (),
        *,
        round: str = "",
        members_by: MembersBy = "file",
        progress: Progress | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> UpdateResult:
        corpus_key = str(corpus.resolve())
        known = self._known(corpus_key, round)
        plan = plan_update(
            known,
            corpus,
            templates,
            self.settings,
            round=round,
            members_by=members_by,
            progress=progress,
            max_chars=max_chars,
        )
        with self._transaction():
            self._put(plan.put)
            self._db.executemany(
                "UPDATE documents SET size = ?, mtime_ns = ? WHERE corpus = ? AND round = ? AND path = ?",
                [(size, mtime, corpus_key, round, path) for path, size, mtime in plan.touch],
            )
            self._db.executemany(
                "DELETE FROM documents WHERE corpus = ? AND round = ? AND path = ?",
                [(corpus_key, round, path) for path in plan.remove],
            )
        return plan.result

    def _put(self, records: Sequence[Record]) -> None:
        rows = []
        for r in records:
            text, sections, arrays = pack_document(r.document)
            fields = (r.round, r.corpus, r.path, r.member, r.unit, int(r.is_template), r.sha256, r.size, r.mtime_ns)
            rows.append((*fields, text, sections, arrays))
        self._db.executemany(
            "INSERT OR REPLACE INTO documents (round, corpus, path, member, unit, is_template, sha256, size, "
            "mtime_ns, text, sections, arrays) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def add(self, document: Document, *, round: str = "") -> None:
        """Add one prepared report (a checked draft) under ``round``; it replaces one of the same id."""
        record = draft_record(document, round, self.settings)
        with self._transaction():
            self._put([record])

    def rounds(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT DISTINCT round FROM documents ORDER BY round")]

    def documents(self, round: str = "", *, earlier: bool = True) -> list[Document]:
        """The reports and templates of ``round``, and (``earlier``) the reports of every round before it."""
        query = "SELECT round, path, member, unit, is_template, text, sections, arrays FROM documents WHERE round = ?"
        params: tuple = (round,)
        if earlier:
            query += " OR (round < ? AND is_template = 0)"
            params = (round, round)
        out = []
        for row_round, path, member, unit, is_template, text, sections, arrays in self._db.execute(
            query + " ORDER BY round, path", params
        ):
            is_earlier = row_round != round
            source = SourceFile(
                path=Path(path),
                id=earlier_id(row_round, path) if is_earlier else path,
                member=member,
                unit=unit,
                is_template=bool(is_template),
                round=row_round,
                earlier=is_earlier,
            )
            out.append(unpack_document(source, text, sections, arrays, self.settings))
        return out

    def reference_for(
        self, draft: Document, round: str = "", settings: ScanSettings | None = None
    ) -> tuple[list[Document], Population | None]:
        # A local file is read whole: every report, so boilerplate is counted exactly.
        return self.documents(round), None

    def close(self) -> None:
        self._db.close()


def scan_with_index(
    index: Index,
    corpus: Path,
    templates: Iterable[Path] = (),
    settings: ScanSettings | None = None,
    *,
    round: str = "",
    members_by: MembersBy = "file",
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[Report, UpdateResult]:
    """Bring the index up to date with the corpus, then scan this round's reports from it, against each other,
    the round's templates and the reports of earlier rounds."""
    settings = settings or ScanSettings()
    result = index.update(corpus, templates, round=round, members_by=members_by, progress=progress, max_chars=max_chars)
    return compare(index.documents(round), settings, result.errors, progress=progress), result
