"""The scan's parallel stages on a Dask distributed cluster (the optional extra ``dupcheck[cluster]``).

A scan splits its work the same way on one machine and on a cluster: reading and fingerprinting the files,
counting k-grams, seeding, banding, aligning pairs and labelling reports are each a list of independent parts
(``parallel.fork_map``). On one machine the parts run on processes forked from the scan; here they run on the
cluster's workers. Each stage's shared state (what its parts read: the prepared reports, the candidate pairs)
is sent to every worker once, the parts are mapped over the workers and their results gathered in order, so the
report is the one the single-machine scan gives, byte for byte. The corpus must lie at the same path on every
worker (a shared folder): a worker reads the files of its parts itself.

A worker lost during a stage is survived: the scheduler runs its parts again on another. A stage with no worker
left for ``timeout`` seconds, or whose parts killed a worker three times, ends in one ``ClusterError``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import uuid4

from dupcheck.errors import ClusterError, UsageError
from dupcheck.parallel import Progress, chunks

_POLL = 0.05  # seconds between looks at the cluster while a stage runs


class Cluster:
    """A connection to a Dask scheduler, running the parts of a scan's stages on its workers (``run``)."""

    def __init__(self, client: Any, address: str, *, timeout: float) -> None:
        self._client, self.address, self.timeout = client, address, timeout

    @property
    def workers(self) -> int:
        """The worker threads of the cluster now (at least one): how many parts run at once."""
        info = self._client.scheduler_info(n_workers=-1)
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def run(
        self,
        function: Callable[[Any, Any], Any],
        state: Any,
        items: Sequence[Any],
        progress: Progress | None = None,
        stage: str = "",
    ) -> list[Any]:
        """``[function(state, item) for item in items]`` on the workers, in order; ``state`` is sent once to each."""
        from distributed.scheduler import KilledWorker

        client = self._client
        parts = [list(items[part.start : part.stop]) for part in chunks(len(items), self.workers)]
        shared = self._send(state, stage)
        futures = client.map(_run_part, parts, function=function, state=shared, pure=False)
        try:
            pending, done, alone_since = dict(enumerate(futures)), 0, None
            while pending:
                finished = [n for n, future in pending.items() if future.done()]
                for n in finished:
                    future = pending.pop(n)
                    if future.status != "finished":
                        failure = future.exception() if future.status == "error" else None
                        if failure is None or isinstance(failure, KilledWorker):
                            why = "killed its worker three times" if failure else f"was {future.status}"
                            raise ClusterError(self.address, f"a part {why} while {stage or 'working'}")
                        raise failure
                    done += len(parts[n])
                if finished and progress:
                    progress(stage, done, len(items))
                if pending and not finished:
                    alone_since = self._check_workers(alone_since, stage)
                    time.sleep(_POLL)
            return [result for part in client.gather(futures) for result in part]
        except BaseException:
            client.cancel([*futures, shared], force=True)
            raise
        finally:
            for future in [*futures, shared]:
                future.release()

    def _send(self, state: Any, stage: str) -> Any:
        """``state`` as a task of its own, the parts' dependency: the scheduler holds it as part of the graph and a
        worker fetches it from another once. Scattered instead, it would be lost with the worker holding it (and a
        broadcast to every worker waits half a minute on one just killed); a task's result is computed again."""
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ll]arge graph.*")
            warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
            return self._client.submit(
                _given, state, pure=False, key=f"dupcheck-state-{stage or 'stage'}-{uuid4().hex}"
            )

    def _check_workers(self, alone_since: float | None, stage: str) -> float | None:
        """When the cluster has had no worker for ``timeout`` seconds, raise: nothing would ever finish."""
        try:
            if self._client.scheduler_info(n_workers=-1).get("workers"):
                return None
        except OSError as error:  # the connection to the scheduler closed
            raise ClusterError(self.address, f"the scheduler is lost while {stage or 'working'} ({error})") from error
        now = time.monotonic()
        if alone_since is None:
            return now
        if now - alone_since > self.timeout:
            raise ClusterError(self.address, self._no_worker(stage))
        return alone_since

    def _no_worker(self, stage: str) -> str:
        return f"no worker left for {self.timeout:g} s while {stage or 'working'}"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(address: str, *, timeout: float = 30.0) -> Cluster:
    """A connection to the Dask scheduler at ``address`` (``tcp://HOST:8786``). Raises ``UsageError`` when the
    extra is not installed or the scheduler cannot be reached within ``timeout`` seconds."""
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    try:
        from distributed import Client
    except ImportError as error:
        raise UsageError("--cluster needs Dask's distributed scheduler: pip install 'dupcheck[cluster]'") from error
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"{address}: cannot reach a Dask scheduler there ({error or type(error).__name__})") from error
    return Cluster(client, address, timeout=timeout)


def _given(state: Any) -> Any:
    return state


def _run_part(part: list[Any], *, function: Callable[[Any, Any], Any], state: Any) -> list[Any]:
    return [function(state, item) for item in part]
