"""Exceptions the library raises; the CLI turns them into messages and exit codes."""

from __future__ import annotations


class DupcheckError(Exception):
    """Base class for every error dupcheck reports to its user."""


class ReadError(DupcheckError):
    """A document could not be read; carries the path and a one-line reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UsageError(DupcheckError):
    """The caller asked for something impossible (a missing corpus, an empty folder, a bad option)."""


class IndexFileError(DupcheckError):
    """An index cannot be used as it is (corrupt, another schema, other settings); carries its location."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class IndexReadOnlyError(IndexFileError):
    """An index that can be read but not written (file modes, a read-only mount): nothing was recorded."""


class WriteError(DupcheckError):
    """An output file could not be written (a full disk, no permission); carries the path and a one-line reason.
    Nothing of it was written: a previous file of that name is as it was."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def os_reason(error: OSError) -> str:
    """An ``OSError`` as the one-line reason a message gives: 'no space left on device', 'permission denied'."""
    text = error.strerror or str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


class ClusterError(DupcheckError):
    """A scan on a Dask cluster cannot go on (no worker left, a part that kills its workers); carries the
    scheduler's address."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"cluster {address}: {reason}")
        self.address = address
        self.reason = reason


class WorkerError(DupcheckError):
    """A worker process ended abruptly (killed, most often for want of memory); carries the stage it ran."""

    def __init__(self, stage: str) -> None:
        super().__init__(f"a worker process ended abruptly while {stage or 'working'} (out of memory?)")
        self.stage = stage
