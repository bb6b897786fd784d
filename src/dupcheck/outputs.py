"""Where dupcheck writes, and how: never inside a corpus it reads, and a file complete or absent.

Every writer (the CLI's ``--output`` and ``--html``, CSV folders, an index's location) asks ``ensure_outside``
first; ``write_file`` writes to a temporary name beside the target and renames it when the text is complete, so
a failure half-way (a full disk, a killed process) leaves the old file or none, never half a report.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from dupcheck.errors import UsageError


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
    write: Callable[[IO[str]], object],
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    protect: Iterable[Path] = (),
) -> None:
    """Write a text file through ``write(stream)``, complete or not at all; never inside ``protect``."""
    ensure_outside(path, protect, "output")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding=encoding, newline=newline) as out:
            write(out)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
