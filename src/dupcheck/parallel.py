"""Work split across processes: both cores of a reviewer's machine for a large corpus.

Reading uses a pool that is sent each file's path. The stages after it read every document of the scan, which
would cost more to send to a worker than to process; their workers are forked once the documents are in
memory and read them where they are (copy-on-write), so only each item and its result cross a pipe.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from dupcheck.errors import WorkerError

PARALLEL_FROM = 64  # fewer reports (or pairs) are done faster than worker processes start

Progress = Callable[[str, int, int], None]  # (stage, done, total): how far a long stage has got
State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")

_FORKED: tuple[Callable, object] | None = None  # what forked workers run and read; see fork_map
# Only on Linux: macOS offers fork, but system libraries (Accelerate under numpy among them) may crash in a
# forked child, which is why Python itself no longer forks there by default.
_CAN_FORK = sys.platform.startswith("linux")


class Runner(Protocol):
    """Somewhere else to run a stage's parts (``cluster.Cluster``): its workers, and the parts run there."""

    @property
    def workers(self) -> int: ...

    def run(
        self,
        function: Callable[[Any, Any], Any],
        state: Any,
        items: Sequence[Any],
        progress: Progress | None = None,
        stage: str = "",
    ) -> list[Any]: ...


_RUNNER: ContextVar[Runner | None] = ContextVar("dupcheck_runner", default=None)


@contextmanager
def running_on(runner: Runner | None) -> Iterator[None]:
    """Within this, every stage's parts (``fork_map``) run on ``runner`` (None: on this machine)."""
    token = _RUNNER.set(runner)
    try:
        yield
    finally:
        _RUNNER.reset(token)


def current_runner() -> Runner | None:
    return _RUNNER.get()


def worker_count(workers: int | None) -> int:
    """``workers``, or when it is None one per core (on a cluster, ``running_on``: its worker threads)."""
    if workers is not None:
        return workers
    runner = _RUNNER.get()
    return runner.workers if runner is not None else (os.cpu_count() or 1)


def workers_for(n_items: int, workers: int | None) -> int:
    """Worker processes for ``n_items`` reports or pairs: none but this one for a small scan, unless it runs on a
    cluster (``running_on``), which was asked for."""
    return 1 if n_items < PARALLEL_FROM and _RUNNER.get() is None else worker_count(workers)


def chunks(n: int, workers: int) -> list[range]:
    """``range(n)`` in consecutive parts, several per worker so that a slow part does not hold up the rest."""
    size = max(1, -(-n // (workers * 8)))
    return [range(first, min(n, first + size)) for first in range(0, n, size)]


BATCH_TEXTS = 256  # texts a pass works on together (``batches``)


def batches(part: range) -> list[range]:
    """``part`` in runs of ``BATCH_TEXTS`` texts, each worked on as one array: a check's hundred reports hold a few
    thousand tokens each, and one pass of numpy's calls over them all costs a fraction of one a text, while a
    run stays a few megabytes in a scan of thousands."""
    return [part[at : at + BATCH_TEXTS] for at in range(0, len(part), BATCH_TEXTS)]


def fork_map(
    function: Callable[[State, Item], Result],
    state: State,
    items: Sequence[Item],
    workers: int | None,
    progress: Progress | None = None,
    stage: str = "",
) -> list[Result]:
    """``[function(state, item) for item in items]``, on ``workers`` processes (default: one per core) forked
    from this one, so that they read ``state`` where it is instead of having it copied to them. In this
    process for a single worker or item, or off Linux. The caller decides whether the
    work is large enough to be worth the processes. Within ``running_on(cluster)``, on the cluster's workers."""
    global _FORKED
    workers = min(worker_count(workers), len(items))
    runner = _RUNNER.get()
    if runner is not None and items:
        return runner.run(function, state, items, progress, stage)
    if workers <= 1 or not _CAN_FORK:
        results: list[Result] = []
        for n, item in enumerate(items, 1):
            results.append(function(state, item))
            if progress:
                progress(stage, n, len(items))
        return results
    import multiprocessing  # here: a self-check, which never forks, does without them
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _FORKED = (function, state)
    try:
        # An executor rather than multiprocessing.Pool: when a worker dies (killed for want of memory) it
        # raises, where a Pool would wait for the lost work forever.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            forked: list[Result] = []
            chunk = max(1, len(items) // (workers * 32))
            for n, result in enumerate(pool.map(_run_forked, items, chunksize=chunk), 1):
                forked.append(result)  # type: ignore[arg-type]  # what function returned, through a pipe
                if progress:
                    progress(stage, n, len(items))
            return forked
    except BrokenProcessPool as error:
        raise WorkerError(stage) from error
    finally:
        _FORKED = None


def _run_forked(item: object) -> object:
    assert _FORKED is not None, "runs only in a worker forked by fork_map"
    function, state = _FORKED
    return function(state, item)
