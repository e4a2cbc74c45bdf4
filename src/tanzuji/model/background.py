"""Unit-process background databases in matrix form, linked from a study's inputs.

The file format is that of ``tanzuji matrix`` (see :mod:`tanzuji.matrixfile`). Its JSON
sidecar may name things: ``flows`` (one name per biosphere flow, e.g. ``"CH4, fossil"``) and
``activities`` (one ``{"name": …, "unit": …}`` per activity). Named greenhouse gases are
characterised with the study's own GWP set (methane by origin); an unnamed flow keeps the
database's characterisation factor as a fixed kg CO2e. Activities are linked as
``<database id>:<index>`` or ``<database id>:<name>``.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from tanzuji.engine.system import MatrixSystem
from tanzuji.gwp import GWPError, canonical_gas
from tanzuji.matrixfile import MatrixFileError, load_matrix_file
from tanzuji.model.study import Origin

_ORIGINS = {
    "fossil": Origin.fossil, "biogenic": Origin.biogenic, "non-fossil": Origin.biogenic,
    "non fossil": Origin.biogenic, "land transformation": Origin.dluc, "dluc": Origin.dluc,
    "land use change": Origin.dluc, "aircraft": Origin.aircraft,
}


@dataclass(frozen=True)
class Database:
    id: str
    path: Path
    system: MatrixSystem
    activity_names: list[str] | None
    activity_units: list[str] | None
    flow_names: list[str] | None

    def activity(self, ref: str) -> int:
        """Index of an activity given by index or by name; KeyError says what exists."""
        n = self.system.n_activities
        if ref.isdigit():
            index = int(ref)
            if index < n:
                return index
            raise KeyError(f"database {self.id!r} has activities 0..{n - 1}, not {index}")
        if self.activity_names is not None and ref in self.activity_names:
            return self.activity_names.index(ref)
        raise KeyError(f"database {self.id!r} has no activity named {ref!r}")

    def label(self, index: int) -> str:
        if self.activity_names is not None:
            return self.activity_names[index]
        return f"{self.id}:{index}"

    def unit(self, index: int) -> str | None:
        return self.activity_units[index] if self.activity_units is not None else None

    def flow(self, index: int) -> tuple[str, Origin] | None:
        """(gas, origin) of a named greenhouse-gas flow, else None."""
        if self.flow_names is None:
            return None
        parts = [p.strip() for p in self.flow_names[index].split(",")]
        try:
            gas = canonical_gas(parts[0])
        except GWPError:
            return None
        origin = Origin.fossil
        for part in parts[1:]:
            origin = _ORIGINS.get(part.lower(), origin)
        if gas in ("CH4_fossil", "CH4_nonfossil"):
            origin = Origin.fossil if gas == "CH4_fossil" else Origin.biogenic
            gas = "CH4"
        return gas, origin


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
