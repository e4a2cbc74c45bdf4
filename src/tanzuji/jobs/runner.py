"""Where jobs run: in this process, on a local Dask cluster, or on a remote Dask scheduler.

``TANZUJI_DASK_SCHEDULER`` chooses: unset, empty or ``inprocess`` runs jobs in a thread of
this process (the default, and what tests use); ``local`` starts a ``LocalCluster`` of
``TANZUJI_DASK_WORKERS`` (default 2) worker processes on loopback; anything else is the
address of a running scheduler (``tcp://10.0.0.5:8786``). Every job runs the same functions of
:mod:`tanzuji.jobs.tasks` wherever it goes, so the results are the same.

:meth:`Runner.submit` returns a :class:`concurrent.futures.Future` whose result is the job's
JSON text (a StudyResult, or for a batch a list of ``{study, result | problems}``). Progress
goes to the caller's callback, in the caller's process (where the server persists it), as
``(done, total)``: draws for Monte Carlo (after each chunk), studies for a batch, 0/1 then 1/1
for a footprint. On Dask the work is spread: a batch's studies and a Monte Carlo run's chunks
go to the workers, the chunks' draws come back and are merged here.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from tanzuji.jobs import tasks
from tanzuji.jobs.payloads import BatchJob, FootprintJob, Job, MonteCarloJob, parse_job
from tanzuji.jobs.tasks import ChunkDraws, Progress, StudyInput

SCHEDULER_ENV = "TANZUJI_DASK_SCHEDULER"
WORKERS_ENV = "TANZUJI_DASK_WORKERS"
INPROCESS = "inprocess"
LOCAL = "local"


class Runner:
    """Runs jobs in process or on Dask; one Dask client, connected on first use."""

    def __init__(self, scheduler: str | None = None, *, workers: int = 2,
                 threads: int = 4) -> None:
        self.scheduler = (scheduler or "").strip() or INPROCESS
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tanzuji-job")
        self._lock = threading.Lock()
        self._client: Any = None
        self._cluster: Any = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Runner:
        env = os.environ if env is None else env
        raw = env.get(WORKERS_ENV, "").strip() or "2"
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"{WORKERS_ENV}={raw!r}: expected a whole number of workers >= 1")
        return cls(env.get(SCHEDULER_ENV), workers=int(raw))

    @property
    def on_dask(self) -> bool:
        return self.scheduler != INPROCESS

    def client(self) -> Any:
        """The Dask client (``distributed.Client``), started or connected on first use."""
        with self._lock:
            if self._client is None:
                from distributed import Client, LocalCluster

                if self.scheduler == LOCAL:
                    self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=self.workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None)
                    self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
                else:
                    try:
                        self._client = Client(  # type: ignore[no-untyped-call]
                            self.scheduler, timeout="10s")
                    except OSError as exc:
                        raise OSError(f"{SCHEDULER_ENV}={self.scheduler}: cannot reach the "
                                      f"Dask scheduler ({exc})") from None
            return self._client

    def submit(self, kind: str, payload: Mapping[str, Any],
               progress: Progress | None = None) -> Future[str]:
        """Run a ``footprint``, ``monte_carlo`` or ``batch`` job; a bad payload raises a
        StudyError at once, a failing calculation comes out of ``future.result()``."""
        job = parse_job(kind, payload)
        return self._pool.submit(self._run, job, progress)

    def map(self, kind: str, payloads: Sequence[Mapping[str, Any]],
            progress: Callable[[int, int, int], None] | None = None) -> list[Future[str]]:
        """One job per payload; ``progress`` gets the payload's index first."""
        jobs = [parse_job(kind, p) for p in payloads]

        def bound(i: int) -> Progress | None:
            return None if progress is None else lambda d, t: progress(i, d, t)

        return [self._pool.submit(self._run, job, bound(i)) for i, job in enumerate(jobs)]

    def run(self, kind: str, payload: Mapping[str, Any],
            progress: Progress | None = None) -> str:
        """Submit and wait."""
        return self.submit(kind, payload, progress).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None

    def _run(self, job: Job, progress: Progress | None) -> str:
        report = progress or (lambda _done, _total: None)
        if isinstance(job, FootprintJob):
            report(0, 1)
            args: dict[str, Any] = {"gwp": job.gwp, "sensitivity": job.sensitivity,
                                    "releases": job.releases}
            if self.on_dask:
                out: str = self.client().submit(tasks.footprint, job.input(), pure=False,
                                                **args).result()
            else:
                out = tasks.footprint(job.input(), **args)
            report(1, 1)
            return out
        if isinstance(job, MonteCarloJob):
            return self._monte_carlo(job, report)
        assert isinstance(job, BatchJob)
        return json.dumps(self._batch(job, report), ensure_ascii=False)

    def _monte_carlo(self, job: MonteCarloJob, report: Progress) -> str:
        study = job.input()
        if not self.on_dask:
            return tasks.monte_carlo(study, iterations=job.iterations, seed=job.seed,
                                     chunk=job.chunk, gwp=job.gwp, progress=report)
        from distributed import as_completed

        sizes = tasks.chunk_sizes(job.iterations, job.chunk)
        client = self.client()
        [shared] = client.scatter([study], broadcast=False)
        base = client.submit(tasks.deterministic, shared, gwp=job.gwp, pure=False)
        futures = [client.submit(tasks.monte_carlo_chunk, shared, i, size, job.seed,
                                 gwp=job.gwp, pure=False) for i, size in enumerate(sizes)]
        report(0, job.iterations)
        chunks: list[ChunkDraws] = []
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            chunks.append(fut.result())
            report(sum(c.scores.size for c in chunks), job.iterations)
        return tasks.merge(base.result(), chunks, job.seed)

    def _batch(self, job: BatchJob, report: Progress) -> list[dict[str, Any]]:
        studies: list[StudyInput] = [s.input() for s in job.studies]
        if not self.on_dask:
            return tasks.batch(studies, gwp=job.gwp, progress=report)
        from distributed import as_completed

        futures = self.client().map(tasks.batch_item, studies, gwp=job.gwp, pure=False)
        report(0, len(studies))
        done_futures = as_completed(futures)  # type: ignore[no-untyped-call]
        for done, fut in enumerate(done_futures, start=1):
            fut.result()  # a worker's failure surfaces here
            report(done, len(studies))
        return [f.result() for f in futures]


_default: Runner | None = None
_default_lock = threading.Lock()


def default_runner() -> Runner:
    """The process's runner, configured from the environment on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runner.from_env()
        return _default


def submit(kind: str, payload: Mapping[str, Any],
           progress: Progress | None = None) -> Future[str]:
    """Submit a job to the process's runner (see :class:`Runner`)."""
    return default_runner().submit(kind, payload, progress)
