"""``tanzuji db init``: the schema, then the shipped data wherever it is absent or older.

Running it again changes nothing. When the shipped records differ from a shipped dataset's
newest release (a newer Tanzuji), they become its next release: new factors added, changed
ones as new versions, dropped ones withdrawn; earlier releases, and the studies pinning
them, keep their numbers. A dataset whose newest release is a user's own, or which holds
unpublished edits, is left alone and reported. The GWP tables are only written when empty.
"""

from __future__ import annotations

import csv
import hashlib
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from tanzuji import __version__
from tanzuji.factors import shipped
from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.store.db import transaction
from tanzuji.store.factor_db import FactorDB, FactorDBError, content_digest
from tanzuji.store.tables import Dataset, GWPValue

SYSTEM = "tanzuji"


def _gwp_rows() -> list[GWPValue]:
    path = resources.files("tanzuji") / "data" / "ipcc_gwp100_selected.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: list[GWPValue] = []
    for row in rows:
        for gwp_set in ("AR4", "AR5", "AR6"):
            text = row[f"{gwp_set}_GWP100"].strip()
            if text:
                out.append(GWPValue(gwp_set=gwp_set, gas=row["species_key"],
                                    value=float(text), source=row["source_note"]))
    return out


def _shipped_parsed(dataset: str) -> tuple[Parsed, str, str]:
    """The records of a shipped dataset, the file they come from and its sha256."""
    if dataset == shipped.ELECTRICITY_DATASET:
        parsed = Parsed()
        for record in shipped.electricity_factors():
            parsed.add_factor(record, record.id)
        names = ("cn_electricity_carbon_footprint_factors.csv",
                 "cn_grid_electricity_co2_factors.csv")
        digest = hashlib.sha256()
        for name in names:
            digest.update((resources.files("tanzuji") / "data" / name).read_bytes())
        return parsed, "tanzuji/data/" + " + ".join(names), digest.hexdigest()
    path = shipped.starter_file()
    parsed = read_csv(Path(path))
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read())
    return parsed, "tanzuji/data/factors/starter.csv", digest.hexdigest()


def init_database(db: FactorDB) -> list[str]:
    """Load what is absent; return one line per thing done (empty when nothing was)."""
    done: list[str] = []
    with transaction(db.engine) as s:
        if not s.scalar(select(func.count()).select_from(GWPValue)):
            rows = _gwp_rows()
            s.add_all(rows)
            done.append(f"loaded {len(rows)} IPCC GWP100 values (AR4, AR5, AR6)")
        present = set(s.scalars(select(Dataset.id)))
    for ds in shipped.DATASETS:
        parsed, file_name, sha = _shipped_parsed(ds.id)
        if parsed.problems:
            raise FactorDBError(f"shipped data {file_name} does not read cleanly",
                                parsed.problems)
        update = ds.id in present
        if update:
            releases = db.releases(ds.id)
            if releases and releases[-1]["sha256"] == content_digest(parsed.factors):
                continue
            if releases and releases[-1]["published_by"] != SYSTEM:
                done.append(f"{ds.id}: newer shipped data is not loaded because "
                            f"{releases[-1]['release']} was published by "
                            f"{releases[-1]['published_by']}, not shipped")
                continue
            if db.has_unpublished(ds.id):
                done.append(f"{ds.id}: newer shipped data is waiting; publish or reject the "
                            "dataset's pending changes, then run `tanzuji db init` again")
                continue
        else:
            db.create_dataset(ds.id, ds.title, SYSTEM, public=True, publisher=ds.publisher,
                              licence=ds.licence, description=ds.description)
        report = db.import_parsed(parsed, ds.id, SYSTEM, file_name=file_name, fmt="shipped",
                                  file_sha256=sha, replace=update)
        release = db.publish(ds.id, SYSTEM, f"shipped with Tanzuji {__version__}",
                             shipped=True)
        if update:
            done.append(f"updated {release}: {report.added} added, {report.changed} changed, "
                        f"{report.withdrawn} withdrawn")
        else:
            done.append(f"loaded {report.added} factors into {release}")
    return done
