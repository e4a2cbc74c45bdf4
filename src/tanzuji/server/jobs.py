"""Calculations as stored jobs: the row is written first, the work goes to the job runner
(in process or on Dask, :mod:`tanzuji.jobs.runner`), and progress, result or error are written
back, so a page can poll them and a reload loses nothing.

While a job runs, the process that submitted it writes a heartbeat (every progress write is
one, and a timer beats between them). A job whose heartbeat is older than the timeout lost its
worker (the server process died or was restarted): :func:`recover_lost_jobs` marks it failed
("worker lost") at startup and whenever it is read, and :func:`retry` runs it again."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from tanzuji.jobs import runner
from tanzuji.model.errors import StudyError
from tanzuji.server.workspace import study_input
from tanzuji.store.platform_db import PlatformDB

log = logging.getLogger("tanzuji.server.jobs")
# how often a running job's process beats; well inside any sensible job timeout
HEARTBEAT_SECONDS = 10.0


def _error(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, StudyError):
        first = exc.problems[0] if exc.problems else None
        return {"code": first.code if first else "invalid",
                "message": str(first) if first else "invalid study",
                "field": first.field if first else None,
                "problems": [p.to_dict() for p in exc.problems]}
    if isinstance(exc, (OSError, ValueError)):
        return {"code": "error", "message": str(exc), "field": None, "problems": []}
    log.error("job failed", exc_info=exc)
    return {"code": "internal", "message": f"{type(exc).__name__}: the calculation failed",
            "field": None, "problems": []}


def _combined(results: list[str]) -> dict[str, Any]:
    """A Monte Carlo result with the sensitivity of the footprint run beside it."""
    merged: dict[str, Any] = json.loads(results[0])
    for extra in results[1:]:
        other = json.loads(extra)
        for key in ("uncertainty", "sensitivity"):
            if other.get(key) is not None:
                merged[key] = other[key]
    return merged


def start_background(db: PlatformDB, kind: str, params: dict[str, Any], work: Callable[[], Any],
                     describe: Callable[[BaseException], dict[str, Any] | None], *, by: str,
                     organisation_id: str | None,
                     beat_seconds: float = HEARTBEAT_SECONDS) -> str:
    """Store a job and run ``work()`` in a thread of this process, beating while it runs:
    its return value (JSON) becomes the result, an exception the error ``describe`` gives
    (or, where it gives None, the error of an unexpected failure).
    For work that is not a calculation, e.g. a large factor import."""
    job_id = db.add_job(kind, params, by, organisation_id, None)
    done: Future[str] = Future()

    def run() -> None:
        try:
            db.update_job(job_id, state="running", progress=0.0)
            result = work()
        except Exception as exc:  # every failure is the job's error, never the thread's
            db.update_job(job_id, state="failed", error=describe(exc) or _error(exc))
        else:
            db.update_job(job_id, state="done", progress=1.0, result=result)
        finally:
            done.set_result("")

    _heartbeat(db, job_id, [done], 1, beat_seconds)
    threading.Thread(target=run, name=f"job-{job_id[:8]}", daemon=True).start()
    return job_id


def recover_lost_jobs(db: PlatformDB, timeout_seconds: float,
                      job_id: str | None = None) -> list[str]:
    """Fail the queued or running jobs (or just ``job_id``) whose worker is gone. A database
    without the schema yet has no jobs to recover."""
    try:
        lost = db.fail_lost_jobs(timeout_seconds, job_id)
    except SQLAlchemyError as exc:
        log.warning("job recovery skipped: %s", exc)
        return []
    for lost_id in lost:
        log.warning("job %s lost its worker; marked failed", lost_id)
    return lost


def _heartbeat(db: PlatformDB, job_id: str, futures: list[Future[str]], expected: int,
               every: float) -> None:
    """Beat for ``job_id`` every ``every`` seconds until its runs are done: the beats stop
    when this process dies, which is what recovery looks for."""
    def beat() -> None:
        while True:
            time.sleep(every)
            if len(futures) == expected and all(f.done() for f in futures):
                return
            try:
                db.beat(job_id)
            except SQLAlchemyError as exc:  # a beat missed is not a job failed
                log.warning("heartbeat of job %s: %s", job_id, exc)

    threading.Thread(target=beat, name=f"beat-{job_id[:8]}", daemon=True).start()


def retry(db: PlatformDB, job: dict[str, Any], *, by: str, organisation_id: str,
          beat_seconds: float = HEARTBEAT_SECONDS) -> str:
    """Start a failed calculation again with the parameters it had; returns the new job."""
    params = job["params"]
    new_id = start_calculation(
        db, job["study_id"], iterations=int(params.get("iterations", 0)),
        seed=int(params.get("seed", 0)), gwp=params.get("gwp"),
        sensitivity=bool(params.get("sensitivity", False)), by=by,
        organisation_id=organisation_id, beat_seconds=beat_seconds)
    db.mark_retry(new_id, job["id"])
    return new_id


def start_calculation(db: PlatformDB, study_id: int, *, iterations: int, seed: int,
                      gwp: str | None, sensitivity: bool, by: str,
                      organisation_id: str, beat_seconds: float = HEARTBEAT_SECONDS) -> str:
    """Store a job and submit it: a footprint (with sensitivity if asked) and, when
    ``iterations`` > 0, a Monte Carlo run whose uncertainty joins the result. A payload the
    runner refuses is a StudyError raised here."""
    study = study_input(db, study_id)
    base: dict[str, Any] = {"study": study.study, "files": dict(study.files), "gwp": gwp}
    runs: list[tuple[str, dict[str, Any]]] = []
    if sensitivity or iterations == 0:
        runs.append(("footprint", {**base, "sensitivity": sensitivity}))
    if iterations > 0:
        runs.append(("monte_carlo", {**base, "iterations": iterations, "seed": seed}))
    params = {"iterations": iterations, "seed": seed, "gwp": gwp, "sensitivity": sensitivity}
    job_id = db.add_job("calculate", params, by, organisation_id, study_id)
    lock = threading.Lock()
    fractions = [0.0] * len(runs)
    written = [0.0]

    def progress_of(i: int) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            with lock:
                fractions[i] = done / total if total else 1.0
                overall = sum(fractions) / len(fractions)
                if overall - written[0] < 0.01 and overall < 1.0:
                    return
                written[0] = overall
            db.update_job(job_id, state="running", progress=min(overall, 0.99))
        return progress

    futures: list[Future[str]] = []

    def finished(_: Future[str]) -> None:
        with lock:
            if not all(f.done() for f in futures) or len(futures) < len(runs):
                return
        errors = [e for f in futures if (e := f.exception()) is not None]
        if errors:
            db.update_job(job_id, state="failed", error=_error(errors[0]))
        else:
            db.update_job(job_id, state="done", progress=1.0,
                          result=_combined([f.result() for f in futures]))

    db.update_job(job_id, state="running")
    try:
        submitted = [runner.submit(kind, payload, progress_of(i))
                     for i, (kind, payload) in enumerate(runs)]
    except StudyError as exc:
        db.update_job(job_id, state="failed", error=_error(exc))
        raise
    with lock:
        futures.extend(submitted)
    for f in submitted:
        f.add_done_callback(finished)
    _heartbeat(db, job_id, futures, len(runs), beat_seconds)
    return job_id
