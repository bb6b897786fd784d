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
