"""A real Dask cluster on loopback for the tests that send work to one: a scheduler in this
process and two worker processes, as `./setup.sh stack` starts them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[Any]:
    """The running cluster (its `scheduler_address` is what `--compute` takes)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_port=0) as cluster:
        yield cluster


def checks_run_on(cluster: Any) -> int:
    """How many object-checking tasks the cluster's workers have finished so far."""
    prefix = cluster.scheduler.task_prefixes.get("check_batch")
    # counts of tasks that entered each state: "memory" is reached once per finished task
    return 0 if prefix is None else int(prefix.state_counts["memory"])
