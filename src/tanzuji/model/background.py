"""Unit-process background databases in matrix form, linked from a study's inputs.

The file format is that of ``tanzuji matrix`` (see :mod:`tanzuji.matrixfile`). Its JSON
sidecar may name things: ``flows`` (one name per biosphere flow, e.g. ``"CH4, fossil"``) and
``activities`` (one ``{"name": …, "unit": …}`` per activity). Named greenhouse gases are
characterised with the study's own GWP set (methane by origin); ``"CO2e, <origin>"`` is an
amount already in kg CO2e; ``removal`` after the origin keeps a removal apart from emissions
(``"CO2, biogenic, removal"``, amounts negative). An unnamed flow keeps the database's
characterisation factor as a fixed kg CO2e. Activities are linked as ``<database id>:<index>``
or ``<database id>:<name>``.

The unit processes of a pinned factor-database release become the same :class:`Database`
(:mod:`tanzuji.model.release_processes`); those are linked by process id or name, never by
index, because a release's order is not part of what it publishes.
"""

from __future__ import annotations

import difflib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from tanzuji.engine.system import MatrixSystem
from tanzuji.gwp import GWPError, canonical_gas
from tanzuji.matrixfile import MatrixFileError, load_matrix_file
from tanzuji.model.study import Input, Origin, Study

CO2E = "CO2e"  # pseudo-gas of amounts published as one CO2e value

_ORIGINS = {
    "fossil": Origin.fossil, "biogenic": Origin.biogenic, "non-fossil": Origin.biogenic,
    "non fossil": Origin.biogenic, "land transformation": Origin.dluc, "dluc": Origin.dluc,
    "land use change": Origin.dluc, "aircraft": Origin.aircraft,
}


@dataclass(frozen=True)
class Database:
    """A background technosphere in matrix form, from a matrix file (``path``) or from the
    unit processes of a factor-database release (``release``, with ``activity_ids``)."""

    id: str
    path: Path | None
    system: MatrixSystem
    activity_names: list[str] | None
    activity_units: list[str] | None
    flow_names: list[str] | None
    release: str | None = None
    activity_ids: list[str] | None = None

    def activity(self, ref: str) -> int:
        """Index of an activity given by id, index or name; KeyError says what exists."""
        n = self.system.n_activities
        if self.activity_ids is not None:
            if ref in self.activity_ids:
                return self.activity_ids.index(ref)
        elif ref.isdigit():
            index = int(ref)
            if index < n:
                return index
            raise KeyError(f"database {self.id!r} has activities 0..{n - 1}, not {index}")
        names = self.activity_names or []
        found = [i for i, name in enumerate(names) if name == ref]
        if len(found) == 1:
            return found[0]
        what = f"release {self.release}" if self.release else f"database {self.id!r}"
        if found:
            ids = ", ".join(self.key(i) for i in found)
            raise KeyError(f"{what} has {len(found)} activities named {ref!r} ({ids}); "
                           "link one by its id")
        known = [*(self.activity_ids or []), *names]
        near = difflib.get_close_matches(ref, known, n=3)
        hint = f"; did you mean {', '.join(repr(x) for x in near)}?" if near else ""
        noun = "process with id or name" if self.activity_ids is not None else "activity named"
        raise KeyError(f"{what} has no {noun} {ref!r}{hint}")

    def key(self, index: int) -> str:
        """How a study links this activity: ``<id>:<process id>`` or ``<id>:<index>``."""
        if self.activity_ids is not None:
            return f"{self.id}:{self.activity_ids[index]}"
        return f"{self.id}:{index}"

    def label(self, index: int) -> str:
        if self.activity_names is not None:
            return self.activity_names[index]
        return f"{self.id}:{index}"

    def unit(self, index: int) -> str | None:
        return self.activity_units[index] if self.activity_units is not None else None

    def flow(self, index: int) -> tuple[str, Origin, bool] | None:
        """(gas, origin, removal) of a named greenhouse-gas flow, else None."""
        return None if self.flow_names is None else parse_flow(self.flow_names[index])

    def provenance(self) -> dict[str, str | int]:
        """What a result records about this database: its file or its release."""
        source = {"release": self.release} if self.release else {"file": str(self.path)}
        return {"id": self.id, **source, "activities": self.system.n_activities}


def parse_flow(name: str) -> tuple[str, Origin, bool] | None:
    """(gas, origin, removal) of a flow named like ``"CH4, biogenic"``, else None."""
    parts = [p.strip() for p in name.split(",")]
    if parts[0].lower() == CO2E.lower():
        gas = CO2E
    else:
        try:
            gas = canonical_gas(parts[0])
        except GWPError:
            return None
    origin = Origin.fossil
    removal = False
    for part in parts[1:]:
        origin = _ORIGINS.get(part.lower(), origin)
        removal = removal or part.lower() == "removal"
    if gas in ("CH4_fossil", "CH4_nonfossil"):
        origin = Origin.fossil if gas == "CH4_fossil" else Origin.biogenic
        gas = "CH4"
    return gas, origin, removal


def linked_databases(study: Study) -> set[str]:
    """Ids before the ``:`` of every ``activity:`` link of the study."""
    inputs: list[Input] = []
    for proc in study.processes:
        inputs += proc.inputs
        inputs += [p.substitutes for p in (proc.reference_product, *proc.co_products)
                   if p.substitutes is not None]
        if proc.end_of_life is not None:
            inputs += proc.end_of_life.credits
    return {i.activity.partition(":")[0] for i in inputs if i.activity is not None}


def load_database(db_id: str, path: Path) -> Database:
    """Read and verify a matrix database; MatrixFileError names the file and array."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unverified file is still usable as a background
        system, _, _, _ = load_matrix_file(path)
    sidecar = path.with_suffix(".json")
    meta: dict[str, object] = {}
    if sidecar.is_file():
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    flows = meta.get("flows")
    activities = meta.get("activities")
    flow_names = [str(f) for f in flows] if isinstance(flows, list) else None
    if flow_names is not None and len(flow_names) != system.n_flows:
        raise MatrixFileError(f"{sidecar}: 'flows' names {len(flow_names)} flows, the arrays "
                              f"have {system.n_flows}")
    names = units = None
    if isinstance(activities, list):
        if len(activities) != system.n_activities:
            raise MatrixFileError(f"{sidecar}: 'activities' lists {len(activities)}, the arrays "
                                  f"have {system.n_activities}")
        names = [str(a.get("name", i)) if isinstance(a, dict) else str(a)
                 for i, a in enumerate(activities)]
        units = [str(a.get("unit", "")) if isinstance(a, dict) else "" for a in activities]
    return Database(db_id, path, system, names, units, flow_names)
