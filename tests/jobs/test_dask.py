"""A Dask scheduler and two worker processes on loopback give the in-process results."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tanzuji.jobs.runner import SCHEDULER_ENV, Runner

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       silence_logs=logging.WARNING)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def without_clock(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in results:
        item["result"]["provenance"].pop("computed_at")
    return results


def test_batch_and_monte_carlo_on_dask_match_in_process(
        scheduler: str, example_payloads: list[dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, scheduler)
    dask = Runner.from_env()
    local = Runner()
    try:
        assert dask.on_dask and not local.on_dask
        client = dask.client()
        assert len(client.scheduler_info()["workers"]) == 2
        batch = {"studies": example_payloads}
        steps: list[tuple[int, int]] = []
        on_dask = json.loads(dask.run("batch", batch, lambda d, t: steps.append((d, t))))
        in_process = json.loads(local.run("batch", batch))
        assert [r["study"] for r in on_dask] == [p["study"] for p in example_payloads]
        assert all("result" in r for r in on_dask)
        assert without_clock(on_dask) == without_clock(in_process)  # every float, exactly
        assert steps[-1] == (4, 4)

        mc = {**example_payloads[3], "iterations": 600, "seed": 42, "chunk": 150}
        dask_mc = json.loads(dask.run("monte_carlo", mc))["uncertainty"]
        local_mc = json.loads(local.run("monte_carlo", mc))["uncertainty"]
        assert dask_mc == local_mc
        assert dask_mc["iterations"] == 600
        ran_on = {w for w in client.run(lambda: 1)}
        assert len(ran_on) == 2
    finally:
        dask.close()
        local.close()
