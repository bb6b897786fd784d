"""Read files and prepare them for matching: text, normalised tokens, outline and fingerprints.

A large corpus is read on every core (a process pool that is sent each file's path); a file that cannot be read
is one ``ReadError``, and the rest go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import repeat
from pathlib import Path

from dupcheck.corpus import discover
from dupcheck.errors import ReadError, WorkerError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.members import Membership, attribute_all
from dupcheck.model import Document, SourceFile
from dupcheck.normalise import interleaving, normalise
from dupcheck.parallel import Progress, current_runner, fork_map, workers_for
from dupcheck.read_text import IntegrityFlags, ReadText
from dupcheck.reading import DEFAULT_MAX_CHARS, read_document
from dupcheck.sections import find_sections


def integrity_flags(read: ReadText) -> IntegrityFlags:
    """What a file read hides or dresses up: its format's flags and the interleaving its text shows."""
    return replace(read.flags, interleaved=interleaving(read.text))


def load(source: SourceFile, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read and prepare one file, fingerprints left out; raises ``ReadError`` (also for a text over
    ``max_chars`` characters)."""
    read = read_document(source.path, display_path=source.id, max_chars=max_chars)
    return Document(
        source=source,
        text=read.text,
        normalised=normalise(read.text),
        sections=() if source.is_template else tuple(find_sections(read.text, read.hints)),
        flags=integrity_flags(read),
    )


def prepare(source: SourceFile, settings: FingerprintSettings, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read a file and compute what comparing it needs, fingerprints included; raises ``ReadError``."""
    return load(source, max_chars=max_chars).fingerprinted(settings)


def load_corpus(
    corpus: Path,
    templates: Iterable[Path] = (),
    fingerprint_settings: FingerprintSettings | None = None,
    *,
    membership: Membership | None = None,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    workers: int | None = None,
) -> tuple[list[Document], list[ReadError]]:
    """Every report and template of ``corpus``, prepared (see ``prepare``) and with its member found
    (``membership``, default: from the file name wherever it stands, else the text), and the files that cannot
    be read."""
    fs = fingerprint_settings or FingerprintSettings()
    membership = membership or Membership()
    sources, unreadable = discover(corpus, templates, members_by=membership.by)
    errors: list[ReadError] = list(unreadable)
    documents = []
    for n, prepared in enumerate(prepare_each(sources, fs, max_chars, workers), 1):
        if isinstance(prepared, Document):
            documents.append(prepared)
        else:
            errors.append(ReadError(*prepared))
        if progress:
            progress("reading", n, len(sources))
    return attribute_all(documents, membership, workers=workers), errors


def prepare_each(
    sources: Sequence[SourceFile], fs: FingerprintSettings, max_chars: int, workers: int | None
) -> Iterator[Document | tuple[str, str]]:
    """Read and fingerprint every source, on ``workers`` processes (default: every core) for a large corpus,
    in the sources' order. An unreadable file comes back as (path, reason): an exception with arguments of
    its own does not cross a process boundary."""
    workers = workers_for(len(sources), workers)
    if current_runner() is not None:
        # On a cluster's workers, which read the files where they are shared: by a path that does not depend on
        # the folder a worker was started in.
        for source, prepared in zip(
            sources,
            fork_map(
                _prepare_with,
                (fs, max_chars),
                [replace(s, path=s.path.absolute()) for s in sources],
                workers,
                stage="reading",
            ),
            strict=True,
        ):
            yield replace(prepared, source=source) if isinstance(prepared, Document) else prepared
        return
    if workers <= 1:
        yield from (_prepare_one(source, fs, max_chars) for source in sources)
        return
    from concurrent.futures import ProcessPoolExecutor  # only for a large corpus: a check does without
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_prepare_one, sources, repeat(fs), repeat(max_chars), chunksize=16)
    except BrokenProcessPool as error:
        raise WorkerError("reading") from error


def _prepare_with(given: tuple[FingerprintSettings, int], source: SourceFile) -> Document | tuple[str, str]:
    return _prepare_one(source, *given)


def _prepare_one(source: SourceFile, fs: FingerprintSettings, max_chars: int) -> Document | tuple[str, str]:
    try:
        return prepare(source, fs, max_chars=max_chars)
    except ReadError as error:
        return (error.path, error.reason)
