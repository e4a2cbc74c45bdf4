"""Calculate a study file: the one entry point the CLI (and later the server) calls."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tanzuji import __version__
from tanzuji.accounting import breakdown, supplier
from tanzuji.accounting.montecarlo import run_monte_carlo
from tanzuji.accounting.releases import PinnedFactors, load_pins
from tanzuji.accounting.result import (
    CutOffScreening,
    Note,
    Provenance,
    Sensitivity,
    StudyResult,
)
from tanzuji.accounting.sensitivity import (
    alternatives,
    exchange_elasticities,
    parameter_sensitivity,
)
from tanzuji.accounting.solve import Solution, solve
from tanzuji.model.background import linked_databases
from tanzuji.model.compile import CompiledStudy, compile_study
from tanzuji.model.loader import LineMap, load_study
from tanzuji.model.study import Study


@dataclass
class StudyFile:
    path: Path
    study: Study
    lines: LineMap
    sha256: str  # of the study file and the factor tables it names, in order
    pins: PinnedFactors

    def compile(self, study: Study | None = None, gwp: str | None = None,
                factor_map: dict[str, str] | None = None,
                screening: bool = False) -> CompiledStudy:
        return compile_study(study or self.study, self.lines, str(self.path), self.path.parent,
                             gwp=gwp, factor_map=factor_map, release_factors=self.pins.factors,
                             flagged=self.pins.flagged, release_processes=self.pins.processes,
                             screening=screening)


def open_study(path: str | Path, releases: Sequence[str] = ()) -> StudyFile:
    """Load a study and the factors of the releases it pins (``releases`` swaps some)."""
    p = Path(path)
    study, lines = load_study(p)
    pins = load_pins(study.background.releases, list(releases), str(p),
                     linked_databases(study))
    pins.factors.update(supplier.load_supplier_factors(study, str(p)))
    study = supplier.mark_primary(study)
    digest = hashlib.sha256(p.read_bytes())
    inputs = [*study.background.factor_tables, *(d.file for d in study.background.databases)]
    for name in inputs:
        for f in (p.parent / name, (p.parent / name).with_suffix(".json")):
            if f.is_file() and (f.suffix != ".json" or name.endswith(".npz")):
                digest.update(f.read_bytes())
    return StudyFile(p, study, lines, digest.hexdigest(), pins)


def calculate(path: str | Path, *, gwp: str | None = None, iterations: int = 0, seed: int = 0,
              sensitivity: bool = False, progress: Callable[[int], None] | None = None,
              tree_cutoff: float = 0.01, releases: Sequence[str] = ()) -> StudyResult:
    """Load, compile and solve a study; optionally Monte Carlo and sensitivity analysis.

    ``releases`` recomputes the study under other releases of the datasets it pins."""
    sf = open_study(path, releases)
    compiled = sf.compile(gwp=gwp)
    sol = solve(compiled)
    result = build_result(sf, sol, tree_cutoff)
    if iterations > 0:
        result.uncertainty = run_monte_carlo(compiled, sol, iterations, seed, progress)
    if sensitivity:
        def recompile(study: Study | None = None, gwp: str | None = gwp,
                      factor_map: dict[str, str] | None = None) -> CompiledStudy:
            return sf.compile(study=study, gwp=gwp, factor_map=factor_map)

        result.sensitivity = Sensitivity(
            exchanges=exchange_elasticities(sol),
            parameters=parameter_sensitivity(sol),
            alternatives=alternatives(sol, recompile),
        )
    return result


def screen_cut_off(sf: StudyFile, sol: Solution) -> CutOffScreening | None:
    """What the inputs marked ``cut_off`` would add: the complete system (them included) is
    solved, and each one's contribution read from it, as a share of the complete total."""
    study = sol.compiled.study
    marked = {f"processes[{i}].inputs[{j}]" for i, p in enumerate(study.processes)
              for j, inp in enumerate(p.inputs) if inp.cut_off}
    if not marked:
        return None
    complete = solve(sf.compile(study=study, screening=True))
    items = [it for it in breakdown.line_items(complete, carried=marked) if it.path in marked]
    return CutOffScreening(
        complete_total=complete.total, items=items,
        total_share=100.0 * (complete.total - sol.total) / complete.total if complete.total
        else 0.0)


def build_result(sf: StudyFile, sol: Solution, tree_cutoff: float = 0.01) -> StudyResult:
    comp = sol.compiled
    info = comp.study.study
    items = breakdown.line_items(sol)
    product_c, packaging_c = breakdown.biogenic_carbon(sol)
    unit = f"kg CO2e per {info.unit.quantity:g} {info.unit.unit}"
    return StudyResult(
        product=info.product.name,
        unit=unit,
        functional_unit=f"{info.unit.kind} unit: {info.unit.description}",
        result_type=info.result_type,
        total=sol.total,
        by_stage=breakdown.by_stage(sol),
        by_gas=breakdown.by_gas(sol),
        **breakdown.categories(sol),
        biogenic_carbon_content=product_c,
        biogenic_carbon_content_packaging=packaging_c,
        primary_data_share=breakdown.primary_data_share(items),
        hotspots=breakdown.hotspots(sol),
        contributions=items,
        tree=breakdown.supply_tree(sol, cutoff=tree_cutoff),
        cut_off=screen_cut_off(sf, sol),
        reference_flow=breakdown.reference_flow(sol),
        biogenic_split=breakdown.biogenic_split(sol),
        notes=[Note.model_validate(n.to_dict()) for n in comp.notes],
        data_quality=breakdown.data_quality(comp.study, items),
        provenance=Provenance(
            study_id=info.id,
            model_sha256=sf.sha256,
            gwp=info.gwp,
            pcr=info.pcr,
            software_version=__version__,
            factors=[{"id": f.id, "source": f.source, "year": f.year, "kind": f.kind}
                     for f in comp.factors_used.values()],
            databases=[b.database.provenance() for b in comp.background],
            releases=sf.pins.releases,
            computed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ),
    )
