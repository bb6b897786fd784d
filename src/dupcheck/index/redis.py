"""An index shared through Redis, so several reviewers and machines update and check against one index.

Open it with ``open_index("redis://HOST:PORT/DB", settings)`` (also ``rediss://`` and ``unix://``). Every key
lives under ``dupcheck:``, so one Redis database holds one index. A round name, path or corpus inside a key
has ``%`` and ``:`` escaped (``%25``, ``%3A``), so no two of them can make the same key::

    dupcheck:meta                          hash: application, schema, settings (checked on open)
    dupcheck:rounds                        set: the rounds that hold a report
    dupcheck:doc:<round>:<path>            hash: one report, the fields of the SQLite row
    dupcheck:paths:<round>                 set: the round's paths
    dupcheck:corpus:<round>:<corpus>       set: the round's paths indexed from one corpus folder
    dupcheck:version:<round>               counter: INCR in every transaction that writes the round's reports
    dupcheck:derived:<round>:population    npz: the round's members, k-grams two or more use, how many use each
    dupcheck:derived:<round>:postings      npz: the round's paths, their members, which are templates, and the
                                           winnowing hashes with the path each belongs to (``derived.Postings``)
    dupcheck:derived:<round>:version       the round's version the two blobs were computed at
    dupcheck:lock:<round>                  the round's write lock (writers of one round take turns)
    dupcheck:lsh-pending:<round>           paths whose LSH windows may not match their report yet
    dupcheck:lsh_keys…, dupcheck:lsh_bucket_…   datasketch's own MinHashLSH tables (basename dupcheck:lsh)

An update reads and prepares the changed files without holding anything, then, holding the round's write
lock: writes the reports, removals and the round's version in one MULTI/EXEC transaction, brings the LSH
tables in line with them (datasketch writes those through its own connections, so they cannot be part of
that transaction; the paths are marked pending in it, and a writer that finds pending paths of a writer
that died redoes them), and releases the lock. Last it recomputes the round's derived blobs from all its
reports, under WATCH of the round's version, recomputing while another writer moves it; a reader that still
finds the blobs behind the version recomputes them itself, so derived data are never used stale.

A check against the index (``reference_for``) loads only the reports a draft may share something with:
those whose passage windows the LSH returns for the draft's windows, those holding any of the draft's
winnowing hashes that can pair it (found in the postings of the round and of every earlier round), and the
round's templates; the round's counts stand in for the rest when boilerplate is counted, exactly as the SQLite
index's do (``derived.draft_population``).
"""

from __future__ import annotations

import functools
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

import numpy as np
import redis
from redis.connection import SSLConnection, parse_url

from dupcheck.arrays import distinct, repeated_counts
from dupcheck.errors import IndexFileError, IndexReadOnlyError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index.base import Index, Known, Plan, other_corpus_error, own_and_replaced, stored_source
from dupcheck.index.codec import (
    APPLICATION,
    READABLE_SCHEMAS,
    SCHEMA_VERSION,
    pack_document,
    settings_json,
    unpack_arrays,
    unpack_document,
)
from dupcheck.index.derived import (
    DraftKeys,
    Postings,
    Users,
    distinct_kgrams,
    draft_population,
    set_phrase_holders,
)
from dupcheck.model import Document, Population, ScanSettings

if TYPE_CHECKING:
    from datasketch import MinHashLSH
    from redis.lock import Lock

PREFIX = "dupcheck:"
LSH_BASENAME = b"dupcheck:lsh"
_LSH_BATCH = 100  # reports whose windows go into the LSH between two renewals of the lock
_LOCK_SECONDS = 120  # a writer that dies holding the round's lock holds it this long at most …
_LOCK_WAIT_SECONDS = 600  # … and a writer waits this long for it before giving up
_TRIES = 20  # attempts at a WATCHed read or write before settling for what is there
_DOC_FIELDS = ("round", "path", "member", "unit", "is_template", "text", "sections", "arrays")
_INSERT_BUFFER = 10_000  # LSH commands buffered per datasketch storage in an insertion session

P = ParamSpec("P")
T = TypeVar("T")


def _part(name: str) -> str:
    """A round, path or corpus as one part of a key: ``%`` and ``:`` escaped."""
    return name.replace("%", "%25").replace(":", "%3A")


def _key(*parts: str) -> str:
    return PREFIX + ":".join(_part(p) for p in parts)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _redacted(url: str) -> str:
    """The URL without its password, to name the index in messages."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not (sep and at) or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def _text(value: bytes | str, errors: str = "strict") -> str:
    """A value the client returns, as text (the index's client returns bytes; its type hints allow str too)."""
    return value.decode("utf-8", errors) if isinstance(value, bytes) else value


def _decoded(values: Iterable[bytes | str]) -> list[str]:
    return [_text(v) for v in values]


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **cast(dict[str, Any], arrays))  # numpy's hints take every keyword for allow_pickle
    return buffer.getvalue()


def _load(blob: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


@dataclass(frozen=True)
class _Round:
    """A round's derived data: its counts, and its reports with the winnowing hashes each holds."""

    population: Population  # the round's members; the k-grams two or more of them use, and how many use each
    postings: Postings  # reports as indices into ``paths``
    paths: tuple[str, ...]  # every report of the round (templates too), sorted
    members: tuple[str, ...]  # whose each is ('' for a template)
    templates: np.ndarray  # bool per path


def _translating(method: Callable[Concatenate[RedisIndex, P], T]) -> Callable[Concatenate[RedisIndex, P], T]:
    """Redis failures in the middle of a call become ``IndexFileError``s naming the index."""

    @functools.wraps(method)
    def wrapper(self: RedisIndex, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except redis.exceptions.RedisError as error:
            raise _index_error(self.location, error) from error

    return wrapper


def _index_error(location: str, error: redis.exceptions.RedisError) -> IndexFileError:
    if isinstance(error, redis.exceptions.ReadOnlyError | redis.exceptions.NoPermissionError):
        return IndexReadOnlyError(location, f"the index is read-only ({_one_line(error)}): cannot record the changes")
    if isinstance(error, redis.exceptions.AuthenticationError):
        return IndexFileError(location, f"the Redis server refused the connection ({_one_line(error)})")
    if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return IndexFileError(location, f"no Redis server answers ({_one_line(error)})")
    return IndexFileError(location, f"Redis failed ({_one_line(error)})")


def _lsh_redis_config(url: str) -> dict[str, Any]:
    """The ``redis.Redis`` keyword arguments datasketch's Redis storage connects with, from the index URL."""
    params = parse_url(url)
    connection_class = params.pop("connection_class", None)
    path = params.pop("path", None)
    if path is not None:
        params["unix_socket_path"] = path
    if connection_class is not None and issubclass(connection_class, SSLConnection):
        params["ssl"] = True
    return params


class RedisIndex(Index):
    """An index in one Redis database, shared by every process that opens the same URL."""

    def __init__(
        self, url: str, settings: FingerprintSettings, *, rebuild: bool = False, read_only: bool = False
    ) -> None:
        self.url = url
        self.location = _redacted(url)
        self.settings = settings
        self.read_only = read_only  # this opener only reads (a check): it writes no key, derived blobs included
        self._lsh_index: MinHashLSH | None = None
        try:
            self._client = redis.Redis.from_url(url, socket_connect_timeout=10)
        except ValueError as error:
            raise IndexFileError(self.location, f"not a Redis URL ({_one_line(error)})") from error
        try:
            self._client.ping()
            if rebuild:
                self._delete_everything()
            self._check_or_create()
        except redis.exceptions.RedisError as error:
            self._client.close()
            raise _index_error(self.location, error) from error
        except IndexFileError:
            self._client.close()
            raise

    # -- opening ------------------------------------------------------------------------------------------

    def _delete_everything(self) -> None:
        batch: list[bytes] = []
        for key in self._client.scan_iter(match=PREFIX.encode() + b"*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                self._client.delete(*batch)
                batch = []
        if batch:
            self._client.delete(*batch)

    def _check_or_create(self) -> None:
        meta_key = PREFIX + "meta"
        exists = self._client.exists(meta_key)
        if not exists and self.read_only:
            return  # an empty database reads as an index with no reports; nothing is made in it
        if not exists:
            # HSETNX: two processes creating one index at once agree on what it is, or the second is refused.
            with self._client.pipeline(transaction=True) as pipe:
                pipe.hsetnx(meta_key, "application", APPLICATION)
                pipe.hsetnx(meta_key, "schema", str(SCHEMA_VERSION))
                pipe.hsetnx(meta_key, "settings", settings_json(self.settings))
                pipe.execute()
        meta = {_text(k): _text(v, "replace") for k, v in self._client.hgetall(meta_key).items()}
        if meta.get("application") != APPLICATION:
            raise IndexFileError(
                self.location, f"the database holds something else under {meta_key}; --rebuild replaces it"
            )
        try:
            version = int(meta.get("schema", ""))
        except ValueError:
            version = -1
        if version not in READABLE_SCHEMAS:
            age = "newer" if version > SCHEMA_VERSION else "older"
            raise IndexFileError(
                self.location,
                f"written by a {age} dupcheck (index schema {meta.get('schema')}, this one reads {SCHEMA_VERSION}); "
                "--rebuild makes a new one",
            )
        if meta.get("settings") != settings_json(self.settings):
            raise IndexFileError(self.location, "built with other fingerprint settings; --rebuild makes a new one")
        if version != SCHEMA_VERSION and not self.read_only:
            # Its records are read as they are; the ones written from now on are of this schema, which a dupcheck
            # reading only the older one must refuse.
            self._client.hset(meta_key, "schema", str(SCHEMA_VERSION))

    @property
    def _lsh(self) -> MinHashLSH:
        """datasketch's MinHashLSH over every passage window of every report, its tables in this database."""
        if self._lsh_index is None:
            from datasketch import MinHashLSH  # datasketch pulls in scipy: only when the LSH is used

            self._lsh_index = MinHashLSH(
                num_perm=self.settings.num_perm,
                params=(self.settings.bands, self.settings.rows),
                storage_config={"type": "redis", "basename": LSH_BASENAME, "redis": _lsh_redis_config(self.url)},
                prepickle=False,  # keys are our own bytes: pickles differ between Python versions
            )
        return self._lsh_index

    def _minhash(self, row: np.ndarray) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.settings.seed, hashvalues=row, scheme=self.settings.scheme)

    @staticmethod
    def _window_key(round: str, path: str, window: int) -> bytes:
        return json.dumps([round, path, window], ensure_ascii=False).encode("utf-8")

    # -- reading ------------------------------------------------------------------------------------------

    @_translating
    def rounds(self) -> list[str]:
        return sorted(_decoded(self._client.smembers(_key("rounds"))))

    @_translating
    def member_keys(self, round: str = "") -> frozenset[str]:
        paths = sorted(_decoded(self._client.smembers(_key("paths", round))))
        with self._client.pipeline(transaction=False) as pipe:
            for path in paths:
                pipe.hmget(_key("doc", round, path), ["member", "is_template"])
            rows = pipe.execute()
        return frozenset(
            member.decode("utf-8") for member, is_template in rows if member is not None and not int(is_template)
        )

    def _consistent(self, rounds: Sequence[str], read: Callable[[], T]) -> T:
        """``read()`` at one version of each of ``rounds``: read again when a writer changed one meanwhile."""
        for _ in range(_TRIES):
            with self._client.pipeline(transaction=True) as watch:
                watch.watch(*(_key("version", r) for r in rounds))
                result = read()
                watch.multi()
                watch.exists(_key("version", rounds[0]))
                try:
                    watch.execute()
                except redis.exceptions.WatchError:
                    continue
                return result
        return read()

    def _fetch(self, wanted: Iterable[tuple[str, str]], round: str) -> list[Document]:
        """The reports ``(round, path)`` as a check of ``round`` sees them; earlier rounds' templates left out."""
        keys = sorted(set(wanted))
        with self._client.pipeline(transaction=True) as pipe:
            for row_round, path in keys:
                pipe.hmget(_key("doc", row_round, path), _DOC_FIELDS)
            rows = pipe.execute()
        out = []
        for row in rows:
            if row[0] is None:
                continue  # removed since its path was read
            row_round, path, member, unit, is_template, text, sections, arrays = row
            row_round, path = row_round.decode("utf-8"), path.decode("utf-8")
            if row_round != round and int(is_template):
                continue
            source = stored_source(
                row_round, path, member.decode("utf-8"), unit.decode("utf-8"), bool(int(is_template)), round
            )
            out.append(unpack_document(source, text, sections.decode("utf-8"), arrays, self.settings))
        return out

    @_translating
    def documents(self, round: str = "", *, earlier: bool = True) -> list[Document]:
        rounds = [round, *(r for r in self.rounds() if r < round)] if earlier else [round]

        def read() -> list[Document]:
            with self._client.pipeline(transaction=True) as pipe:
                for r in rounds:
                    pipe.smembers(_key("paths", r))
                path_sets = pipe.execute()
            return self._fetch(
                ((r, p) for r, paths in zip(rounds, path_sets, strict=True) for p in _decoded(paths)), round
            )

        return self._consistent(rounds, read)

    @_translating
    def _reference(
        self, draft: Document, keys: DraftKeys, round: str, settings: ScanSettings
    ) -> tuple[list[Document], Population | None]:
        """The LSH's candidates for the draft's windows, the reports holding its winnowing hashes that can pair it
        (from the postings of the round and of every earlier round), and the round's templates."""
        derived = {r: self._derived(r) for r in self.rounds() if r <= round}
        here = derived.get(round)
        members = {draft.source.member}
        users = Users()
        if here is not None:
            reports = zip(here.paths, here.members, here.templates, strict=True)
            members |= {m for p, m, t in reports if not t and p != draft.source.id}
            users = Users(here.population.kgrams, here.population.users)
        own, replaced = self._own_and_replaced(draft, round, here)
        population = draft_population(keys.distinct, members, users, settings, own=own, replaced=replaced)
        if population is None:  # a count known within one at the threshold (a threshold of 2): every report
            return self.documents(round), None
        seeds = keys.seeds(population, settings)
        wanted: set[tuple[str, str]] = set()
        for r, found in derived.items():
            if found is None:
                continue
            held = found.postings.holders(seeds)
            not_compared: set[int] = set()
            if r == round:
                wanted |= {(r, p) for p, t in zip(found.paths, found.templates, strict=True) if t}
                # Another member's report sharing only a set phrase with the draft is not compared with it, unless
                # a passage window pairs them: the LSH's candidates are added after, whatever this leaves out.
                not_compared = {
                    i
                    for i in set_phrase_holders(keys, seeds, held, population, settings).tolist()
                    if not found.templates[i] and found.members[i] != draft.source.member
                }
            for i in np.unique(held[1]).tolist():
                if (r == round or not found.templates[i]) and i not in not_compared:
                    wanted.add((r, found.paths[i]))
        wanted |= self._lsh_candidates(keys.fingerprints.signatures, round)
        wanted.discard((round, draft.source.id))  # the report the draft replaces: a check leaves it out
        return self._fetch(wanted, round), population

    def _own_and_replaced(self, draft: Document, round: str, here: _Round | None) -> tuple[np.ndarray, np.ndarray]:
        """``own_and_replaced`` of the draft: from the round's reports of its author and of the member whose report
        it replaces."""
        if here is None:
            return distinct([]), distinct([])
        author = draft.source.member
        whose = dict(zip(here.paths, here.members, strict=True))
        replaced_member = whose.get(draft.source.id, author)
        paths = [
            p
            for p, m, t in zip(here.paths, here.members, here.templates, strict=True)
            if not t and m in {author, replaced_member}
        ]
        with self._client.pipeline(transaction=False) as pipe:
            for path in paths:
                pipe.hget(_key("doc", round, path), "arrays")
            blobs = pipe.execute()
        stored = ((path, whose[path], blob) for path, blob in zip(paths, blobs, strict=True) if blob is not None)
        return own_and_replaced(draft, stored, self.settings)

    def _lsh_candidates(self, signatures: np.ndarray, round: str) -> set[tuple[str, str]]:
        """Reports of ``round`` and earlier rounds with a passage window the LSH pairs with one of ``signatures``."""
        found: set[tuple[str, str]] = set()
        for row in signatures:
            for key in self._lsh.query(self._minhash(row)):
                key_round, path, _ = json.loads(key)
                if key_round <= round:
                    found.add((key_round, path))
        return found

    # -- derived data ---------------------------------------------------------------------------------------

    def _derived(self, round: str) -> _Round | None:
        """The round's derived data, up to date with its reports; None for a round with none."""
        keys = [
            _key("version", round),
            *(_key("derived", round, part) for part in ("version", "population", "postings")),
        ]
        for attempt in range(3):
            with self._client.pipeline(transaction=True) as pipe:
                for key in keys:
                    pipe.get(key)
                version, done, population, postings = pipe.execute()
            if version is None:
                return None
            if version == done and population is not None and postings is not None:
                found = _round(population, postings)
                if found is not None:
                    return found
            if attempt == 2 or self.read_only:
                break
            self._refresh_derived(round, again=version == done)
        # Writers keep moving the version, or this opener writes nothing: computed from what is there now.
        computed = self._compute_derived(round)
        found = _round(*computed)
        assert found is not None
        return found

    def _refresh_derived(self, round: str, *, again: bool = False) -> None:
        """Recompute the round's derived blobs from all its reports, unless they are up to date (``again``: even
        then, as blobs an older dupcheck wrote are); the blobs are written only if no report of the round was
        written while they were computed."""
        version_key = _key("version", round)
        derived = [_key("derived", round, part) for part in ("version", "population", "postings")]
        for _ in range(_TRIES):
            with self._client.pipeline(transaction=True) as watch:
                watch.watch(version_key)
                version, done = watch.get(version_key), watch.get(derived[0])
                if version == done and not again:
                    return
                population, postings = self._compute_derived(round)
                watch.multi()
                watch.set(derived[1], population)
                watch.set(derived[2], postings)
                watch.set(derived[0], cast(bytes, version))  # not None: a write made it
                try:
                    watch.execute()
                except redis.exceptions.WatchError:
                    continue
                return

    def _compute_derived(self, round: str) -> tuple[bytes, bytes]:
        """The population and postings blobs of the round, from all its reports as they are now."""
        paths = sorted(_decoded(self._client.smembers(_key("paths", round))))
        with self._client.pipeline(transaction=False) as pipe:
            for path in paths:
                pipe.hmget(_key("doc", round, path), ["member", "is_template", "arrays"])
            rows = pipe.execute()
        per_member: dict[str, list[np.ndarray]] = defaultdict(list)
        kept, members, templates, hashes = [], [], [], []
        for path, (member, is_template, arrays) in zip(paths, rows, strict=True):
            if arrays is None:
                continue  # removed meanwhile: the version moved, so this result is not kept
            codes, winnow_hashes = unpack_arrays(arrays, "codes", "winnow_hashes")
            if not int(is_template):
                per_member[member.decode("utf-8")].append(distinct_kgrams(codes, self.settings))
            kept.append(path)
            members.append(member.decode("utf-8"))
            templates.append(bool(int(is_template)))
            hashes.append(winnow_hashes)
        kgrams, users = repeated_counts(distinct(arrays) for arrays in per_member.values())
        population = _npz(members=np.array(sorted(per_member), dtype=str), kgrams=kgrams, users=users)
        postings = _npz(
            packed=Postings.of(hashes, range(len(kept))).packed,
            paths=np.array(kept, dtype=str),
            members=np.array(members, dtype=str),
            templates=np.array(templates, dtype=bool),
        )
        return population, postings

    # -- writing ------------------------------------------------------------------------------------------

    @contextmanager
    def _write_lock(self, round: str) -> Iterator[Lock]:
        lock = self._client.lock(
            _key("lock", round), timeout=_LOCK_SECONDS, blocking_timeout=_LOCK_WAIT_SECONDS, thread_local=False
        )
        if not lock.acquire():
            raise IndexFileError(
                self.location, f"another update of round {round!r} held the index for over {_LOCK_WAIT_SECONDS} s"
            )
        try:
            yield lock
        finally:
            with suppress(redis.exceptions.LockError):  # it expired: nothing of ours to release
                lock.release()

    @_translating
    def _known(self, corpus_key: str, round: str) -> dict[str, Known]:
        paths = sorted(_decoded(self._client.smembers(_key("corpus", round, corpus_key))))
        with self._client.pipeline(transaction=False) as pipe:
            for path in paths:
                pipe.hmget(_key("doc", round, path), ["sha256", "size", "mtime_ns"])
            rows = pipe.execute()
        return {
            path: Known(sha.decode(), int(size), int(mtime))
            for path, (sha, size, mtime) in zip(paths, rows, strict=True)
            if sha is not None
        }

    @_translating
    def _apply(self, round: str, plan: Plan) -> None:
        if self.read_only:
            if not (plan.put or plan.touch or plan.remove):
                return
            raise IndexReadOnlyError(self.location, "opened to be read only: cannot record the changes")
        if plan.put or plan.touch or plan.remove or self._client.exists(_key("lsh-pending", round)):
            with self._write_lock(round) as lock:
                self._write(lock, round, plan)
        self._refresh_derived(round)

    def _write(self, lock: Lock, round: str, plan: Plan) -> None:
        """Write a plan in one transaction, then bring the LSH in line with it; the caller holds the lock."""
        self._repair(lock, round)
        put, touch, remove, corpus_key, known = plan.put, plan.touch, plan.remove, plan.corpus, plan.known
        names = [r.path for r in put] + [path for path, _, _ in touch] + list(remove)
        with self._client.pipeline(transaction=True) as pipe:
            pipe.smembers(_key("paths", round))
            for name in names:
                pipe.hmget(_key("doc", round, name), ["corpus", "sha256"])
            present, *rows = pipe.execute()
        current = {
            name: (corpus.decode("utf-8"), sha.decode())
            for name, (corpus, sha) in zip(names, rows, strict=True)
            if sha is not None
        }
        taken = sorted(
            (r.path, current[r.path][0])
            for r in put
            if r.path in current and current[r.path][0] not in ("", corpus_key)
        )
        if corpus_key and taken:
            raise other_corpus_error(self.location, round, corpus_key, taken)
        after = set(_decoded(present))
        changed: list[str] = []
        lock.reacquire()
        with self._client.pipeline(transaction=True) as pipe:
            for record in put:
                doc_key = _key("doc", round, record.path)
                before = current.get(record.path)
                if before is not None and before[0] != record.corpus:
                    pipe.srem(_key("corpus", round, before[0]), record.path)
                text, sections, arrays = pack_document(record.document)
                pipe.delete(doc_key)
                pipe.hset(
                    doc_key,
                    mapping={
                        "round": record.round,
                        "corpus": record.corpus,
                        "path": record.path,
                        "member": record.member,
                        "unit": record.unit,
                        "is_template": int(record.is_template),
                        "sha256": record.sha256,
                        "size": record.size,
                        "mtime_ns": record.mtime_ns,
                        "text": text,
                        "sections": sections,
                        "arrays": arrays,
                    },
                )
                pipe.sadd(_key("paths", round), record.path)
                pipe.sadd(_key("corpus", round, record.corpus), record.path)
                changed.append(record.path)
                after.add(record.path)
            for path, size, mtime_ns in touch:
                # Only if the report is still the one planned against (another writer may have replaced it).
                before = current.get(path)
                if before is not None and path in known and before == (corpus_key, known[path].sha256):
                    pipe.hset(_key("doc", round, path), mapping={"size": size, "mtime_ns": mtime_ns})
            for path in remove:
                pipe.srem(_key("corpus", round, corpus_key), path)
                before = current.get(path)
                if before is not None and before[0] == corpus_key:
                    pipe.delete(_key("doc", round, path))
                    pipe.srem(_key("paths", round), path)
                    changed.append(path)
                    after.discard(path)
            if changed:
                # The version only ever grows, so derived blobs of a round emptied and filled again never pass
                # for up to date.
                pipe.incr(_key("version", round))
                if after:
                    pipe.sadd(_key("rounds"), round)
                else:
                    pipe.srem(_key("rounds"), round)
                pipe.sadd(_key("lsh-pending", round), *changed)
            pipe.execute()
        if changed:
            signatures = {r.path: r.document.fingerprints_for(self.settings).signatures for r in put}
            self._sync_lsh(lock, round, changed, signatures)

    def _repair(self, lock: Lock, round: str) -> None:
        """Redo the LSH windows of paths a writer of the round left pending (it died before it was done)."""
        pending = sorted(_decoded(self._client.smembers(_key("lsh-pending", round))))
        if not pending:
            return
        with self._client.pipeline(transaction=True) as pipe:
            for path in pending:
                pipe.hget(_key("doc", round, path), "arrays")
            blobs = pipe.execute()
        signatures = {
            path: unpack_arrays(blob, "signatures")[0] for path, blob in zip(pending, blobs, strict=True) if blob
        }
        self._sync_lsh(lock, round, pending, signatures)

    def _sync_lsh(self, lock: Lock, round: str, paths: Sequence[str], signatures: dict[str, np.ndarray]) -> None:
        """Remove the LSH windows of ``paths``, then insert ``signatures`` (path -> window rows) as theirs.

        A path's windows are inserted in ascending order and removed in descending order, so whatever
        happens to the process, the windows the LSH holds for a path are windows ``0 .. n-1`` for some n.
        """
        lsh = self._lsh
        for path in paths:
            n = 0
            while self._window_key(round, path, n) in lsh:
                n += 1
            for window in reversed(range(n)):
                lsh.remove(self._window_key(round, path, window))
            lock.reacquire()
        # In batches, renewing the lock between them: a large update takes longer than the lock's lifetime.
        for first in range(0, len(paths), _LSH_BATCH):
            with lsh.insertion_session(buffer_size=_INSERT_BUFFER) as session:
                for path in paths[first : first + _LSH_BATCH]:
                    for window, row in enumerate(signatures.get(path, ())):
                        key = self._window_key(round, path, window)
                        session.insert(key, self._minhash(row), check_duplication=False)
            lock.reacquire()
        self._client.srem(_key("lsh-pending", round), *paths)

    # -- closing ------------------------------------------------------------------------------------------

    def warm(self) -> None:
        """Nothing: a Redis index's derived data are fetched from the server at every check, as another process may
        have changed them since."""

    def close(self) -> None:
        if self._lsh_index is not None:
            for storage in [*self._lsh_index.hashtables, self._lsh_index.keys]:
                client = getattr(storage, "_redis", None)
                if client is not None:
                    client.close()
            self._lsh_index = None
        self._client.close()


def _population(blob: bytes) -> Population:
    data = _load(blob)
    return Population(
        members=frozenset(str(m) for m in data["members"].tolist()),
        kgrams=data["kgrams"].astype(np.uint64),
        users=data["users"].astype(np.int64),
    )


def _round(population: bytes, postings: bytes) -> _Round | None:
    """The round's derived data from its blobs; None for blobs of an older dupcheck (its postings unpacked)."""
    data = _load(postings)
    if "packed" not in data:
        return None
    paths = tuple(str(p) for p in data["paths"].tolist())
    return _Round(
        population=_population(population),
        postings=Postings(data["packed"], np.arange(len(paths), dtype=np.int64)),
        paths=paths,
        members=tuple(str(m) for m in data["members"].tolist()),
        templates=data["templates"].astype(bool),
    )
