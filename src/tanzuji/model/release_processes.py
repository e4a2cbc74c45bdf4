"""The unit processes of a pinned factor-database release, as a background technosphere.

Why: a release holds unit processes (openLCA JSON-LD, EcoSpold2, ILCD imports) as well as
factors. Turning them into the same :class:`~tanzuji.model.background.Database` a matrix file
gives lets the study link them with ``activity: <dataset>:<process id or name>`` and solve
them with the foreground, loops included, through the one matrix-database path of compile.

Each process is one activity: its reference output, converted to the process's unit, on the
diagonal; an input from another process of the release, converted to that process's unit,
negative in its row; an input from a factor of the release folded into the biosphere column
gas by gas (as the study folds a factor); emissions and removals in kg, each gas kept apart by
origin (fossil, biogenic, dLUC, aircraft) and removals kept apart from emissions. Flows are
named ``"<gas>, <origin>[, removal]"`` so the study's own GWP set characterises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tanzuji.engine.system import FloatArray, IntArray, MatrixSystem
from tanzuji.factors.record import ExchangeRecord, ProcessRecord
from tanzuji.gwp import GWPError, GWPSet, canonical_gas
from tanzuji.model.background import CO2E, Database, parse_flow
from tanzuji.model.factors import Factor
from tanzuji.model.study import Origin
from tanzuji.units import UnitError, conversion_factor


@dataclass(frozen=True)
class ReleaseProcesses:
    """A pinned release the study links activities to: its processes and its own factors."""

    dataset: str
    release: str  # resolved name, DATASET@N
    pin: int  # index of the pin in ``background.releases``
    processes: list[ProcessRecord]
    factors: dict[str, Factor] = field(default_factory=dict)


class ReleaseProcessError(ValueError):
    """Every process exchange of a release that cannot be placed, one message each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class _Builder:
    def __init__(self, rp: ReleaseProcesses, gwp: GWPSet) -> None:
        self.rp = rp
        self.gwp = gwp
        self.index = {p.id: i for i, p in enumerate(rp.processes)}
        self.tech: list[tuple[int, int, float]] = []
        self.bio: list[tuple[int, int, float]] = []
        self.flows: dict[str, int] = {}
        self.problems: list[str] = []

    def where(self, proc: ProcessRecord, k: int, ex: ExchangeRecord) -> str:
        return (f"release {self.rp.release}: process {proc.id!r} ({proc.name_en}), "
                f"exchanges[{k}] {ex.direction} {ex.name!r}")

    def convert(self, proc: ProcessRecord, k: int, ex: ExchangeRecord, target: str
                ) -> float | None:
        try:
            return conversion_factor(ex.unit, target)
        except UnitError as exc:
            self.problems.append(f"{self.where(proc, k, ex)}: {exc}")
            return None

    def flow(self, gas: str, origin: str, removal: bool) -> int:
        name = f"{gas}, {origin}{', removal' if removal else ''}"
        return self.flows.setdefault(name, len(self.flows))

    def add(self, col: int, proc: ProcessRecord, k: int, ex: ExchangeRecord) -> None:
        if ex.direction == "output":
            conv = self.convert(proc, k, ex, proc.unit)
            if conv is not None:
                self.tech.append((col, col, ex.amount * conv))
        elif ex.direction == "input" and ex.process is not None:
            row = self.index.get(ex.process)
            if row is None:
                self.problems.append(f"{self.where(proc, k, ex)}: links to process "
                                     f"{ex.process!r}, which the release does not contain")
                return
            conv = self.convert(proc, k, ex, self.rp.processes[row].unit)
            if conv is not None:
                self.tech.append((row, col, -ex.amount * conv))
        elif ex.direction == "input":
            self.add_factor(col, proc, k, ex)
        else:
            assert ex.gas is not None  # ExchangeRecord requires it on emissions and removals
            conv = self.convert(proc, k, ex, "kg")
            gas = self.gas(proc, k, ex, ex.gas)
            if conv is None or gas is None:
                return
            removal = ex.direction == "removal"
            kg = -abs(ex.amount * conv) if removal else ex.amount * conv
            self.bio.append((self.flow(gas, ex.origin, removal), col, kg))

    def add_factor(self, col: int, proc: ProcessRecord, k: int, ex: ExchangeRecord) -> None:
        factor = self.rp.factors.get(ex.factor or "")
        if factor is None:
            self.problems.append(f"{self.where(proc, k, ex)}: links to factor {ex.factor!r}, "
                                 "which the release does not contain")
            return
        conv = self.convert(proc, k, ex, factor.unit)
        if conv is None:
            return
        quantity = ex.amount * conv
        if factor.gases:
            for gas, kg in factor.gases.items():
                name = self.gas(proc, k, ex, gas)
                if name is not None:
                    self.bio.append((self.flow(name, factor.origin.value, False), col,
                                     quantity * kg))
        elif factor.co2e is not None:
            self.bio.append((self.flow(CO2E, factor.origin.value, False), col,
                             quantity * factor.co2e))

    def gas(self, proc: ProcessRecord, k: int, ex: ExchangeRecord, gas: str) -> str | None:
        """The canonical gas, if the study's GWP set characterises it."""
        try:
            name = canonical_gas(gas)
            self.gwp.factor(name)
        except GWPError as exc:
            self.problems.append(f"{self.where(proc, k, ex)}: {exc}")
            return None
        return name


def _coordinates(entries: list[tuple[int, int, float]]
                 ) -> tuple[IntArray, IntArray, FloatArray]:
    rows = np.array([e[0] for e in entries], dtype=np.int64)
    cols = np.array([e[1] for e in entries], dtype=np.int64)
    return rows, cols, np.array([e[2] for e in entries], dtype=np.float64)


def release_database(rp: ReleaseProcesses, gwp: GWPSet) -> Database:
    """The processes of ``rp`` as a Database named by its dataset id; ReleaseProcessError
    names every process and exchange that links to nothing in the release or has a bad unit
    or gas."""
    b = _Builder(rp, gwp)
    for col, proc in enumerate(rp.processes):
        for k, ex in enumerate(proc.exchanges):
            b.add(col, proc, k, ex)
    if b.problems:
        raise ReleaseProcessError(b.problems)
    n = len(rp.processes)
    tr, tc, tv = _coordinates(b.tech)
    br, bc, bv = _coordinates(b.bio)
    names = list(b.flows)
    # kg CO2e per kg of each flow under the study's set, so the system also scores on its own
    characterization = np.zeros(len(names))
    for k, name in enumerate(names):
        named = parse_flow(name)
        assert named is not None  # the builder only names canonical gases and CO2e
        gas, origin, _ = named
        characterization[k] = 1.0 if gas == CO2E else gwp.factor(
            gas, non_fossil=origin in (Origin.biogenic, Origin.dluc))
    system = MatrixSystem(n, len(names), tr, tc, tv, br, bc, bv, characterization)
    return Database(rp.dataset, None, system, [p.name_en for p in rp.processes],
                    [p.unit for p in rp.processes], names, release=rp.release,
                    activity_ids=[p.id for p in rp.processes])
