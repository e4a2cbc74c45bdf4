"""A job whose worker died does not stay running: past the heartbeat timeout it reads as failed
("worker lost"), at startup or when polled, and can be retried."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update

from tanzuji.server.app import create_app
from tanzuji.store.db import transaction
from tanzuji.store.tables import PlatformJobBeat
from tests.server.conftest import World, wait_for

ROOT = Path(__file__).parents[2]


def running_job(w: World, beat_age_seconds: float) -> str:
    job_id = w.db.add_job("calculate", {"iterations": 0, "seed": 0, "gwp": None,
                                        "sensitivity": False}, "analyst", "acme", w.acme_study)
    w.db.update_job(job_id, state="running", progress=0.3)
    with transaction(w.db.engine) as s:
        s.execute(update(PlatformJobBeat).where(PlatformJobBeat.job_id == job_id).values(
            beat_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=beat_age_seconds)))
    return job_id


def test_a_stale_job_fails_when_read_or_at_startup_and_is_retried(world: World) -> None:
    w = world
    analyst = w.as_("analyst")
    alive = running_job(w, 5)
    lost = running_job(w, w.settings.job_timeout_seconds + 60)
    r = analyst.get(f"/api/jobs/{alive}").json()
    assert r["state"] == "running" and r["heartbeat_at"] is not None
    job = analyst.get(f"/api/jobs/{lost}").json()
    assert job["state"] == "failed" and job["error"]["code"] == "worker_lost"
    assert "worker lost" in job["error"]["message"] and job["finished_at"]

    # at startup every lost job is failed, before anyone reads it
    lost2 = running_job(w, w.settings.job_timeout_seconds + 60)
    create_app(w.settings)
    found = w.db.job(lost2)
    assert found is not None and found["state"] == "failed"

    assert analyst.post(f"/api/jobs/{alive}/retry").status_code == 409
    assert w.as_("outsider").post(f"/api/jobs/{lost}/retry").status_code == 403
    assert w.as_("anonymous").post(f"/api/jobs/{lost}/retry").status_code == 401
    assert analyst.post("/api/jobs/nosuch/retry").status_code == 404
    # an auditor may read the study (its body holds a case) but not calculate it
    assert w.as_("auditor").post(f"/api/jobs/{lost}/retry").status_code == 403
    r = analyst.post(f"/api/jobs/{lost}/retry")
    assert r.status_code == 202, r.text
    again = r.json()
    assert again["retry_of"] == lost and again["id"] != lost
    done = wait_for(analyst, f"/api/jobs/{again['id']}")
    assert done["state"] == "done", done


WORKER = """
import sys, time
from concurrent.futures import Future
from tanzuji.jobs import runner
from tanzuji.server import jobs
from tanzuji.store.db import make_engine
from tanzuji.store.platform_db import PlatformDB

runner.submit = lambda kind, payload, progress=None: Future()  # the work never ends
db = PlatformDB(make_engine(sys.argv[1]))
print(jobs.start_calculation(db, int(sys.argv[2]), iterations=0, seed=0, gwp=None,
                             sensitivity=False, by="analyst", organisation_id="acme",
                             beat_seconds=0.2), flush=True)
time.sleep(600)
"""


def test_a_killed_worker_process_is_noticed(world: World) -> None:
    """A real worker process starts a job, beats, and is killed: the job fails once its
    heartbeat is older than the timeout, and not before."""
    w = world
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, w.settings.database_url,
                               str(w.acme_study)], stdout=subprocess.PIPE, text=True, env=env,
                              cwd=ROOT)
    try:
        assert worker.stdout is not None
        job_id = worker.stdout.readline().strip()
        assert job_id, "the worker did not start the job"
        first = w.db.job_beat(job_id)["heartbeat_at"]
        time.sleep(1.0)
        assert w.db.job_beat(job_id)["heartbeat_at"] > first  # it beats while alive
    finally:
        worker.kill()
        worker.wait()
    app = create_app(w.settings.__class__(**{**w.settings.__dict__,
                                              "job_timeout_seconds": 1.0}))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.post("/api/login", json={"username": "analyst",
                                        "password": "correct-horse-1"})
        time.sleep(1.5)
        job = client.get(f"/api/jobs/{job_id}").json()
        assert job["state"] == "failed" and job["error"]["code"] == "worker_lost", job
