"""Where an index is: the default file of a corpus, whether a location names a Redis server, opening the backend
a location names (the Redis client is imported only for a Redis URL), and which index a command on a corpus
uses."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dupcheck.errors import UsageError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index.base import Index
from dupcheck.index.sqlite import SQLiteIndex
from dupcheck.outputs import ensure_outside

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def is_redis_url(location: str | Path) -> bool:
    """Whether ``location`` names a Redis database (``redis://``, ``rediss://``, ``unix://``) rather than a file."""
    return str(location).startswith(_REDIS_SCHEMES)


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


def open_index(
    location: str | Path,
    settings: FingerprintSettings,
    *,
    rebuild: bool = False,
    read_only: bool = False,
    preload: bool = False,
) -> Index:
    """Open (creating it if needed) the index at a file path or a ``redis://`` URL; ``read_only``: only to read
    it, creating, upgrading and writing nothing (a missing file stays missing); ``preload``: an index file's
    derived data read into memory (``SQLiteIndex``), for a process that checks many drafts."""
    if is_redis_url(location):
        from dupcheck.index.redis import RedisIndex  # the redis client is needed only for a shared index

        return RedisIndex(str(location), settings, rebuild=rebuild, read_only=read_only)  # its data stay in Redis
    return SQLiteIndex(Path(location), settings, rebuild=rebuild, read_only=read_only, preload=preload)


def corpus_index(
    corpus: Path,
    location: str | Path | None,
    settings: FingerprintSettings,
    *,
    rebuild: bool = False,
    create: bool = False,
) -> Index | None:
    """The index a command on ``corpus`` uses: the one at ``location``, else the corpus's default index if
    ``dupcheck index`` made it (or ``create``: make it), else None. An index file inside the corpus is refused
    (``UsageError``): dupcheck never writes into the corpus."""
    if location is None:
        path = default_index_path(corpus)
        if not (create or rebuild or path.exists()):
            return None
        location = path
    if not is_redis_url(location):
        ensure_outside(Path(location), [corpus], "--index")
    return open_index(location, settings, rebuild=rebuild)


def existing_index(
    location: str | Path, settings: FingerprintSettings, *, read_only: bool = False, preload: bool = False
) -> Index:
    """The index a location names that must exist already: a Redis URL or an index file (``UsageError``
    otherwise)."""
    if not is_redis_url(location) and not Path(location).is_file():
        raise UsageError(f"{location}: neither a corpus folder nor an index file")
    return open_index(location, settings, read_only=read_only, preload=preload)
