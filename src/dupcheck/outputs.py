"""Where dupcheck writes, and how: never inside a corpus it reads, and a file complete or absent.

Every writer (the CLI's ``--output`` and ``--html``, CSV folders, an index's location) asks ``ensure_outside``
first; ``write_file`` writes to a temporary name beside the target and renames it when the text is complete, so
a failure half-way (a full disk, a killed process) leaves the old file or none, never half a report, and is one
``WriteError`` naming the file (``write_files``: several files, all new or all as they were; ``write_tree``: a
folder of files, such as a large HTML report, replaced whole).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from dupcheck.errors import UsageError, WriteError, os_reason


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies below it, links resolved."""
    return path.resolve().is_relative_to(folder.resolve())


def ensure_outside(path: Path, folders: Iterable[Path], what: str) -> None:
    """Refuse (``UsageError``) to write ``path`` inside any of the corpus ``folders``."""
    for folder in folders:
        if folder.is_dir() and is_inside(path, folder):
            raise UsageError(f"{what} '{path}' is inside the corpus; dupcheck never writes into the corpus")


def write_file(
    path: Path,
    write: Callable[[IO[Any]], object],
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    protect: Iterable[Path] = (),
    binary: bool = False,
) -> None:
    """Write a text file (a binary one with ``binary``: a workbook) through ``write(stream)``, complete or not at
    all; never inside ``protect``."""
    write_files([(path, write)], encoding=encoding, newline=newline, protect=protect, binary=binary)


def write_files(
    files: Sequence[tuple[Path, Callable[[IO[Any]], object]]],
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    protect: Iterable[Path] = (),
    binary: bool = False,
) -> None:
    """Write several text files (path, ``write(stream)``) as one: each to a temporary name beside it, and only
    when every one is complete are they renamed into place. A failure (``WriteError`` naming the file) removes the
    temporaries and leaves every previous file as it was, so a set of files is never half old, half new.
    ``binary``: the streams take bytes (``encoding`` and ``newline`` are a text file's)."""
    protect = list(protect)
    temporaries: list[Path] = []
    try:
        for path, write in files:
            ensure_outside(path, protect, "output")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                temporaries.append(temporary)
                opened = temporary.open("wb") if binary else temporary.open("w", encoding=encoding, newline=newline)
                with opened as out:
                    write(out)
                    out.flush()
                    os.fsync(out.fileno())  # a disk that fills on flushing says so here, not after the rename
            except OSError as error:
                raise WriteError(str(path), os_reason(error)) from error
        for (path, _), temporary in zip(files, temporaries, strict=True):
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise WriteError(str(path), os_reason(error)) from error
    finally:
        for temporary in temporaries:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def write_tree(
    folder: Path,
    files: Mapping[str, str],
    *,
    ours: Callable[[Path], bool],
    encoding: str = "utf-8",
    protect: Iterable[Path] = (),
) -> None:
    """Write a folder of text files (relative path -> text) as one: built whole in a temporary folder beside it,
    then put in place of the old one. An existing ``folder`` is replaced only when ``ours(folder)`` says dupcheck
    wrote it (never a folder of someone's files); otherwise, or on a failure, ``WriteError`` and the old folder
    as it was. Between the two renames of the swap the folder is briefly absent, never half old, half new."""
    ensure_outside(folder, list(protect), "output")
    if folder.exists() and not (folder.is_dir() and ours(folder)):
        raise WriteError(str(folder), "exists and is not a report folder dupcheck wrote: it is left as it is")
    temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    retired = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    try:
        shutil.rmtree(temporary, ignore_errors=True)
        for relative, text in files.items():
            path = temporary / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding=encoding) as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        if folder.exists():
            os.replace(folder, retired)
        os.replace(temporary, folder)
    except OSError as error:
        if retired.exists() and not folder.exists():
            os.replace(retired, folder)  # the old report back in place
        raise WriteError(str(folder), os_reason(error)) from error
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
