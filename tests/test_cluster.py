"""The scan on a Dask cluster (cluster.py): a real LocalCluster of two worker processes over TCP gives the report a
scan on this machine gives, byte for byte; a worker killed during a scan is survived; a cluster left without
workers, or a part that kills every worker it runs on, ends in one ClusterError, never a hang."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from dupcheck import scan
from dupcheck.cli import cli
from dupcheck.cluster import Cluster, connect
from dupcheck.errors import ClusterError, UsageError
from dupcheck.export import write_json
from dupcheck.parallel import fork_map, running_on

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from real_shaped import DEFAULT_SOURCE, generate  # noqa: E402

SOURCE = Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE))
needs_real = pytest.mark.skipif(not (SOURCE / "docs").is_dir(), reason=f"the real corpus is not at {SOURCE}")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module


def _local_cluster(workers: int = 2) -> LocalCluster:
    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    )


@pytest.fixture(scope="module")
def address():
    with _local_cluster() as local:
        yield local.scheduler_address


def _json(report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


class _Counting:
    """A cluster connection that counts the stages and parts it ran: proof that the work left this process."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster, self.stages, self.items = cluster, 0, 0

    @property
    def workers(self) -> int:
        return self._cluster.workers

    def run(self, function, state, items, progress=None, stage=""):
        self.stages += 1
        self.items += len(items)
        return self._cluster.run(function, state, items, progress, stage)


def test_the_example_corpus_on_two_workers_gives_the_report_of_one_machine(address):
    corpus = ROOT / "corpus"
    here = _json(scan(corpus))
    with connect(address) as cluster:
        counting = _Counting(cluster)
        there = _json(scan(corpus, cluster=counting))
    assert counting.stages >= 5 and counting.items > 0  # reading, boilerplate, candidates, alignment, labels
    assert there == here


@needs_real
def test_a_real_shaped_corpus_on_two_workers_gives_the_report_of_one_machine(address, tmp_path):
    generate(tmp_path, 120, seed=5, source=SOURCE)
    corpus, templates = tmp_path / "corpus", sorted((tmp_path / "templates").iterdir())
    here = _json(scan(corpus, templates))
    with connect(address) as cluster:
        there = _json(scan(corpus, templates, cluster=cluster))
    assert '"kind": "reuse"' in here  # copies were found, so the comparison is of something
    assert there == here


def test_the_cli_scans_on_the_cluster_with_the_same_output_and_exit_status(address):
    runner = CliRunner()
    here = runner.invoke(cli, ["scan", str(ROOT / "corpus"), "--format", "json", "--quiet"])
    there = runner.invoke(cli, ["scan", str(ROOT / "corpus"), "--format", "json", "--quiet", "--cluster", address])
    assert here.exit_code == 0, here.output
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_a_scheduler_that_is_not_there_is_one_line_and_exit_status_2():
    result = CliRunner().invoke(
        cli, ["scan", str(ROOT / "corpus"), "--quiet", "--cluster", "tcp://127.0.0.1:1"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler" in result.output
    assert "Traceback" not in result.output


def test_connect_refuses_a_timeout_that_is_not_positive():
    with pytest.raises(ValueError, match="timeout"):
        connect("tcp://127.0.0.1:1", timeout=0)
    with pytest.raises(UsageError, match="cannot reach"):
        connect("tcp://127.0.0.1:1", timeout=1)


def _square(state: int, item: int) -> int:
    return state + item * item


def test_parts_come_back_in_order_with_the_state_sent_once(address):
    with connect(address) as cluster, running_on(cluster):
        assert fork_map(_square, 1000, list(range(300)), None) == [1000 + i * i for i in range(300)]


@needs_real
def test_a_worker_killed_during_a_scan_is_survived(tmp_path):
    generate(tmp_path, 120, seed=6, source=SOURCE)
    corpus, templates = tmp_path / "corpus", sorted((tmp_path / "templates").iterdir())
    here = _json(scan(corpus, templates))
    with _local_cluster() as local, connect(local.scheduler_address) as cluster:
        watcher = Client(local.scheduler_address, set_as_default=False)
        pids = list(watcher.run(os.getpid).values())
        found: list = []
        thread = threading.Thread(target=lambda: found.append(_json(scan(corpus, templates, cluster=cluster))))
        thread.start()
        deadline = time.monotonic() + 60
        # Killed once the scan's first parts are on the workers.
        while not watcher.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)):
            assert time.monotonic() < deadline, "the scan sent nothing to the cluster"
            time.sleep(0.01)
        os.kill(pids[0], signal.SIGKILL)
        thread.join(300)
        watcher.close()
        assert not thread.is_alive(), "the scan hangs after a worker was killed"
    assert found == [here]


def _die(state: object, item: int) -> int:
    os._exit(1)


def test_a_part_that_kills_every_worker_it_runs_on_is_one_cluster_error():
    with _local_cluster() as local, connect(local.scheduler_address) as cluster, running_on(cluster):
        started = time.monotonic()
        with pytest.raises(ClusterError, match="killed its worker"):
            fork_map(_die, None, [1, 2], None, stage="aligning")
        assert time.monotonic() - started < 120


def test_a_cluster_left_without_workers_is_one_cluster_error_not_a_hang():
    with _local_cluster(1) as local, connect(local.scheduler_address, timeout=3) as cluster, running_on(cluster):
        local.scale(0)
        deadline = time.monotonic() + 30
        while cluster._client.scheduler_info(n_workers=-1).get("workers"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        with pytest.raises(ClusterError, match="no worker left for 3 s while labelling"):
            fork_map(_square, 0, [1, 2, 3], None, stage="labelling")


def test_an_index_updated_on_the_cluster_reads_there_and_scans_as_one_updated_here(address, tmp_path):
    from dupcheck import FingerprintSettings, open_index

    corpus, reports = ROOT / "corpus", []
    for name, on_cluster in (("here", False), ("there", True)):
        index = open_index(str(tmp_path / f"{name}.sqlite"), FingerprintSettings())
        try:
            if on_cluster:
                with connect(address) as cluster:
                    counting = _Counting(cluster)
                    with running_on(counting):
                        index.update(corpus)
                assert (
                    counting.stages == 1 and counting.items == 15
                )  # the example corpus: 14 reports and its template, read there
            else:
                index.update(corpus)
            reports.append(_json(scan(corpus, index=index)))
        finally:
            index.close()
    assert reports[0] == reports[1]


def test_the_cli_indexes_on_the_cluster(address, tmp_path):
    result = CliRunner().invoke(
        cli, ["index", str(ROOT / "corpus"), "--index", str(tmp_path / "x.sqlite"), "--quiet", "--cluster", address]
    )
    assert result.exit_code == 0, result.output
    assert "15 added, 0 updated, 0 removed, 0 unchanged" in result.output


def test_the_readme_commands_start_a_cluster_and_scan_the_example_corpus_on_it(monkeypatch):
    """The commands of README's "Beyond one machine", as they stand but for a free port: the scheduler, two
    workers, and the scan on them, which prints what the scan here prints."""
    import re
    import shlex
    import socket
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### The scan on a Dask cluster", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert lines[0] == "pip install -e '.[cluster]'"  # installed here by the test extras
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    servers = [shlex.split(re.sub(r"8786", port, line.removesuffix("&").strip())) for line in lines[1:3]]
    (scan_line,) = lines[3:]
    started = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for command in servers]
    try:
        command = shlex.split(scan_line.replace("8786", port))
        assert command[:2] == ["dupcheck", "scan"]
        runner = CliRunner()
        deadline = time.monotonic() + 60
        while True:  # the workers take a few seconds to join
            with Client(f"tcp://127.0.0.1:{port}", timeout=30, set_as_default=False) as probe_client:
                if len(probe_client.scheduler_info(n_workers=-1)["workers"]) == 2:
                    break
            assert time.monotonic() < deadline, "the README's workers never joined"
            time.sleep(0.5)
        monkeypatch.chdir(ROOT)
        there = runner.invoke(cli, command[1:])
        here = runner.invoke(cli, ["scan", "corpus/"])
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(30)
    assert there.exit_code == here.exit_code == 0, there.output
    assert there.stdout == here.stdout
