"""Calculations as stored jobs: the row is written first, the work goes to the job runner
(in process or on Dask, :mod:`tanzuji.jobs.runner`), and progress, result or error are written
back, so a page can poll them and a reload loses nothing."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from tanzuji.jobs import runner
from tanzuji.model.errors import StudyError
from tanzuji.server.workspace import study_input
from tanzuji.store.platform_db import PlatformDB

log = logging.getLogger("tanzuji.server.jobs")


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


def start_calculation(db: PlatformDB, study_id: int, *, iterations: int, seed: int,
                      gwp: str | None, sensitivity: bool, by: str,
                      organisation_id: str) -> str:
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
    return job_id
