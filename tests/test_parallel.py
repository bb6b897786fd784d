"""fork_map: the same results, in order, on forked workers as in this process."""

import os
import sys

import pytest

from dupcheck.errors import WorkerError
from dupcheck.parallel import fork_map, workers_for


def _square_and_pid(state: dict, item: int) -> tuple[int, int]:
    return state["offset"] + item * item, os.getpid()


def test_workers_give_the_results_in_order_and_report_progress():
    seen = []
    results = fork_map(_square_and_pid, {"offset": 1}, list(range(200)), 2, lambda *args: seen.append(args), "x")
    assert [value for value, _ in results] == [1 + i * i for i in range(200)]
    assert seen[-1] == ("x", 200, 200) and len(seen) == 200
    if sys.platform.startswith("linux"):  # forked workers computed them, not this process
        assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_or_one_item_stays_in_this_process():
    assert {pid for _, pid in fork_map(_square_and_pid, {"offset": 0}, list(range(10)), 1)} == {os.getpid()}
    assert fork_map(_square_and_pid, {"offset": 0}, [3], 2) == [(9, os.getpid())]


def test_a_failure_in_a_worker_reaches_the_caller():
    with pytest.raises(KeyError):
        fork_map(_square_and_pid, {}, list(range(10)), 2)


def test_small_work_gets_no_workers():
    assert workers_for(10, 2) == 1 and workers_for(64, 2) == 2 and workers_for(1000, None) == (os.cpu_count() or 1)


def _die_at_seven(state: None, item: int) -> int:
    if item == 7:
        os._exit(1)  # as a worker killed for want of memory ends
    return item


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_worker_that_dies_is_an_error_not_a_hang():
    with pytest.raises(WorkerError, match="while aligning"):
        fork_map(_die_at_seven, None, list(range(100)), 2, stage="aligning")


class _Recording:
    """A runner that runs the parts here, recording the stages it was given."""

    workers = 3

    def __init__(self) -> None:
        self.stages: list[tuple[str, int]] = []

    def run(self, function, state, items, progress=None, stage=""):
        self.stages.append((stage, len(items)))
        return [function(state, item) for item in items]


def test_within_running_on_every_stage_goes_to_the_runner_however_small():
    from dupcheck.parallel import fork_map, running_on, worker_count, workers_for

    runner = _Recording()
    with running_on(runner):
        assert fork_map(lambda state, item: state + item, 10, [1, 2], 1, stage="s") == [11, 12]
        assert workers_for(2, None) == worker_count(None) == 3  # a cluster was asked for: no small-scan shortcut
    assert runner.stages == [("s", 2)]
    assert workers_for(2, None) == 1 and fork_map(lambda state, item: item, None, [5], None) == [5]
    assert runner.stages == [("s", 2)]  # outside, nothing more reaches it


def test_a_scan_inside_running_on_runs_its_stages_there(tmp_path, write_corpus):
    from dupcheck import scan
    from dupcheck.parallel import running_on

    text = "我们要认真学习理论，加强党性锻炼，提高工作能力，坚持问题导向，深入查摆不足，今后将严格落实整改措施。"
    write_corpus(tmp_path, {"a/张三.txt": text * 3, "a/李四.txt": text * 2 + "另有自己的话语若干。" * 5})
    here = scan(tmp_path)
    runner = _Recording()
    with running_on(runner):
        there = scan(tmp_path)
    assert {"reading", "aligning", "labelling"} <= {stage for stage, _ in runner.stages}
    assert there == here
