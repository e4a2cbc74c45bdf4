"""Server benchmark: the public label lookup and a footprint query, with concurrent clients.

For each database (a fresh SQLite file, and the PostgreSQL database ``tanzuji_bench_server``
on the server named by ``--postgres``; ``--postgres ''`` skips it) this initialises the
database (``tanzuji db init``, ``tanzuji demo`` so a certified, labelled product exists,
``tanzuji user demo`` for the accounts and example studies), starts the real server
(``tanzuji serve --workers 2`` on loopback), calculates the steel study once through the API,
then drives each query for a fixed time with ``--clients`` concurrent keep-alive clients:

- ``registry_number``: ``GET /api/registry/{certificate number}`` (public)
- ``registry_qr``: ``GET /api/registry?q=<the label's QR link>`` (public; signature checked)
- ``footprint``: ``GET /api/studies/{id}/result`` (the stored StudyResult, logged in)

It prints requests/s and p50/p99 latency per query and one JSON line at the end. Target
(issue 6): >= 500 label lookups/s with p99 < 50 ms on PostgreSQL with 2 workers.

    .venv/bin/python bench/server.py --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import urllib3

from pg import fresh_postgres

ROOT = Path(__file__).resolve().parents[1]
TANZUJI = str(Path(sys.executable).with_name("tanzuji"))
WARM_UP_S = 2.0
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/tanzuji_bench_server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def prepare(env: dict[str, str], work: Path) -> None:
    """Schema and shipped data, the certification demo (a label), demo accounts and studies."""
    for args in (["db", "init"], ["demo"], ["user", "demo", "--examples",
                                           str(ROOT / "examples")]):
        done = subprocess.run([TANZUJI, *args], cwd=work, env=env, capture_output=True,
                              text=True, check=False)
        if done.returncode:
            sys.exit(f"tanzuji {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def start_server(env: dict[str, str], work: Path, port: int, workers: int
                 ) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [TANZUJI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
         str(workers)], cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            err = server.stderr.read().decode() if server.stderr else ""
            sys.exit(f"the server stopped:\n{err}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit("the server did not answer within 60 s")


def setup_queries(base: str, work: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The three requests, checked once; the session cookie of the demo admin."""
    [label] = sorted((work / "var" / "labels").glob("*.txt"))
    number, qr = label.stem, label.read_text(encoding="utf-8").strip()
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.post("/api/login", json={"username": "admin", "password": "admin-demo"})
        login.raise_for_status()
        studies = client.get("/api/studies").json()
        study = next(s for s in studies if "steel" in s["name"])
        job = client.post(f"/api/studies/{study['id']}/calculate", json={})
        job.raise_for_status()
        job_url = job.json()["url"]
        while (state := client.get(job_url).json())["state"] not in ("done", "failed"):
            time.sleep(0.2)
        if state["state"] != "done":
            sys.exit(f"the footprint job failed: {state['error']}")
        cookies = dict(client.cookies)
        queries = {"registry_number": f"/api/registry/{number}",
                   "registry_qr": str(httpx.URL("/api/registry", params={"q": qr})),
                   "footprint": f"/api/studies/{study['id']}/result"}
        for name, url in queries.items():
            answer = client.get(url)
            answer.raise_for_status()
            body = answer.json()
            if name != "footprint" and not body.get("ok"):
                sys.exit(f"{name}: the demo label does not check out: {body}")
    return queries, cookies


def drive(port: int, url: str, cookies: dict[str, str], clients: int,
          seconds: float) -> dict[str, Any]:
    """``clients`` closed-loop keep-alive clients (threads) requesting ``url`` for ``seconds``.

    urllib3 costs the client about 0.3 ms of CPU a request, httpx's async client about 2 ms:
    on a small machine the load generator must not be what is measured."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=clients, block=True,
                                      retries=False, timeout=30.0)

    def loop(stop: float) -> tuple[list[float], int]:
        latencies, errors = [], 0
        while (t0 := time.perf_counter()) < stop:
            response = pool.request("GET", url, headers=headers)
            latencies.append(time.perf_counter() - t0)
            errors += response.status != 200
        return latencies, errors

    with ThreadPoolExecutor(max_workers=clients) as threads:
        warm_until = time.perf_counter() + WARM_UP_S  # connections, pools, caches
        list(threads.map(lambda _: loop(warm_until), range(clients)))
        started = time.perf_counter()
        done = list(threads.map(lambda _: loop(started + seconds), range(clients)))
        elapsed = time.perf_counter() - started
    pool.close()
    ordered = sorted(t for latencies, _ in done for t in latencies)
    return {"requests": len(ordered), "per_s": round(len(ordered) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(ordered), 2),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
            "errors": sum(e for _, e in done)}


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tanzuji-bench-server-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "TANZUJI_DATABASE_URL": url,
               "TANZUJI_KEY_DIR": str(work / "keys")}
        env.pop("TANZUJI_DASK_SCHEDULER", None)
        prepare(env, work)
        port = free_port()
        server = start_server(env, work, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            queries, cookies = setup_queries(base, work)
            # the registry is public: only the footprint query carries the session
            return {name: drive(port, q, cookies if name == "footprint" else {}, args.clients,
                                args.seconds) for name, q in queries.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="per query and database")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--postgres", default=PG_DEFAULT,
                    help="PostgreSQL URL of the benchmark database ('' skips PostgreSQL)")
    ap.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = ap.parse_args()
    results: dict[str, Any] = {"workers": args.workers, "clients": args.clients,
                               "seconds": args.seconds}
    backends = [] if args.no_sqlite else [("sqlite", "")]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    for backend, url in backends:
        with tempfile.TemporaryDirectory(prefix="tanzuji-bench-db-") as tmp:
            db_url = fresh_postgres(url) if url else f"sqlite:///{Path(tmp) / 'bench.db'}"
            results[backend] = run(db_url, args)
            results[backend]["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(f"\n{backend} ({args.workers} workers, {args.clients} clients, "
              f"{args.seconds:g} s each, load average {os.getloadavg()[0]:.1f})")
        print(f"  {'query':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in results[backend].items():
            if not isinstance(r, dict):
                continue
            print(f"  {name:<16} {r['per_s']:>8.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
                  f"{r['errors']:>7}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
