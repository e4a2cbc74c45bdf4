"""Factor database benchmark: import 100,000 factors from CSV, then search them.

Runs on a fresh SQLite file and on the PostgreSQL server named by ``--postgres`` (default the
local one; ``--postgres ''`` skips it). Prints a table and, with ``--json``, one JSON object:
``{"sqlite": {"import_factors_per_s": ..., "search_p95_ms": ...}, "postgresql": {...}}``.
Targets (issue 3): import >= 20,000 factors/s, search p95 < 50 ms. The same file is also
imported with the parsing in the importing process (``parallel=False``, into a second fresh
database), as the peer: ``serial_import_s`` and ``speedup`` compare the two.

    .venv/bin/python bench/factors.py --json
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pg import fresh_postgres
from tanzuji.store.factor_db import FactorDB

MATERIALS = [
    ("hot-rolled coil", "热轧卷板", "41121", "t"), ("rebar", "螺纹钢", "41241", "t"),
    ("primary aluminium", "原铝", "41431", "t"), ("alumina", "氧化铝", "34290", "t"),
    ("clinker", "熟料", "37430", "t"), ("Portland cement", "硅酸盐水泥", "37440", "t"),
    ("float glass", "浮法玻璃", "37115", "kg"), ("copper cathode", "阴极铜", "41411", "kg"),
    ("polyethylene", "聚乙烯", "34710", "kg"), ("polypropylene", "聚丙烯", "34720", "kg"),
    ("lithium carbonate", "碳酸锂", "34250", "kg"), ("LFP cathode", "磷酸铁锂正极材料",
                                                     "34290", "kg"),
    ("polysilicon", "多晶硅", "34240", "kg"), ("PV module", "光伏组件", "46320", "piece"),
    ("diesel", "柴油", "33360", "l"), ("natural gas", "天然气", "12020", "Nm3"),
    ("road freight", "公路货运", "65119", "tkm"), ("rail freight", "铁路货运", "64219", "tkm"),
    ("steam", "蒸汽", "17300", "GJ"), ("coke", "焦炭", "33100", "t"),
]
ROUTES = ["BF-BOF", "EAF", "hydro", "coal-based", "gas-based", "recycled", "average", "best"]
PROVINCES = ["CN-BJ", "CN-SH", "CN-JS", "CN-ZJ", "CN-GD", "CN-SD", "CN-HE", "CN-SC", "CN-YN",
             "CN-NM", "CN-XJ", "CN-HB", "CN-HN", "CN-FJ", "CN-AH", "CN"]
COLUMNS = ["id", "name_en", "name_zh", "unit", "value", "kind", "geography", "geography_level",
           "year", "technology", "cpc", "source", "publisher", "table", "licence"]


def write_factors(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            name, zh, cpc, unit = MATERIALS[i % len(MATERIALS)]
            route = rng.choice(ROUTES)
            geo = rng.choice(PROVINCES)
            value = {"t": 2000.0, "kg": 3.0, "piece": 400.0, "l": 3.2, "Nm3": 2.2, "tkm": 0.08,
                     "GJ": 100.0}[unit] * rng.lognormvariate(0, 0.25)
            w.writerow([f"bench:{i:06d}", f"{name}, {route}, plant {i}", f"{zh}（{route}）",
                        unit, f"{value:.6g}", "carbon_footprint_factor", geo,
                        "country" if geo == "CN" else "province", rng.randint(2015, 2024),
                        route, cpc, f"synthetic benchmark row {i}", "bench", "row", "none"])


def queries(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(count):
        name, zh, cpc, _ = rng.choice(MATERIALS)
        kind = rng.randrange(5)
        if kind == 0:
            out.append({"text": name.split()[0]})
        elif kind == 1:
            out.append({"text": zh[:2]})
        elif kind == 2:
            out.append({"text": f"{name.split()[-1]} {rng.choice(ROUTES)}",
                        "geography": rng.choice(PROVINCES)})
        elif kind == 3:
            out.append({"code": cpc[:3], "year": rng.randint(2015, 2024)})
        else:
            out.append({"text": f"bench:{rng.randrange(100000):06d}"})
    return out


def timed_import(url: str, csv_path: Path, parallel: bool | None) -> tuple[FactorDB, Any, float]:
    db = FactorDB.open(url)
    db.create_dataset("bench", "benchmark factors", "bench")
    start = time.perf_counter()
    report = db.import_file(csv_path, "bench", "bench", parallel=parallel)
    return db, report, time.perf_counter() - start


def run(url: str, peer_url: str, csv_path: Path, n: int, seed: int) -> dict[str, Any]:
    peer, serial, serial_s = timed_import(peer_url, csv_path, parallel=False)
    peer.engine.dispose()
    db, report, import_s = timed_import(url, csv_path, parallel=None)  # as `db import` does
    assert report.added == serial.added == n, report
    assert len(report.flags) == len(serial.flags), (report.flags, serial.flags)
    start = time.perf_counter()
    db.submit("bench", "alice")
    db.review("bench", "bob", "approve")
    db.publish("bench", "carol")
    publish_s = time.perf_counter() - start
    times, hits = [], []
    for q in queries(seed, 200):
        t0 = time.perf_counter()
        found = db.search(**q, limit=50)
        times.append(1000 * (time.perf_counter() - t0))
        hits.append(len(found))
    times.sort()
    db.engine.dispose()
    return {
        "factors": n, "import_s": round(import_s, 3),
        "import_factors_per_s": round(n / import_s), "serial_import_s": round(serial_s, 3),
        "speedup": round(serial_s / import_s, 2), "publish_s": round(publish_s, 3),
        "flags": len(report.flags),
        "search_queries": len(times), "search_p50_ms": round(statistics.median(times), 2),
        "search_p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "search_max_ms": round(times[-1], 2), "mean_hits": round(statistics.mean(hits), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                                          "tanzuji_bench")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "factors.csv"
        write_factors(csv_path, args.n, args.seed)
        results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}",
                                f"sqlite:///{Path(tmp) / 'peer.db'}", csv_path, args.n, args.seed)
        if args.postgres:
            results["postgresql"] = run(fresh_postgres(args.postgres),
                                        fresh_postgres(args.postgres + "_peer"), csv_path,
                                        args.n, args.seed)
    for backend, r in results.items():
        ok = r["import_factors_per_s"] >= 20_000 and r["search_p95_ms"] < 50
        print(f"{backend:10s} import {r['factors']} in {r['import_s']:.2f} s = "
              f"{r['import_factors_per_s']:,}/s ({r['speedup']}x the {r['serial_import_s']:.2f} s "
              f"of parsing in-process); publish {r['publish_s']:.2f} s; search p50 "
              f"{r['search_p50_ms']} ms, p95 {r['search_p95_ms']} ms, max "
              f"{r['search_max_ms']} ms; targets {'met' if ok else 'MISSED'}",
              file=sys.stderr)
    if args.json:
        print(json.dumps({**results, "command": "python bench/factors.py --json"}))


if __name__ == "__main__":
    main()
