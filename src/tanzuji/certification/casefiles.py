"""An application's study, stored and recomputed: the service side of a case.

An application keeps the study file and every file it reads (factor tables, databases and
their sidecars) byte for byte, with the factor releases it pinned, so PCF verification can
calculate exactly what was applied for, years later, from the database alone.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tanzuji.accounting.calculate import calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.supplier import SNAPSHOT
from tanzuji.certification.errors import CertificationError
from tanzuji.certification.flags import gec_serials
from tanzuji.certification.workflow import (
    REQUIRED_DOCUMENTS,
    Application,
    Recomputed,
    StoredFile,
)
from tanzuji.model.study import Study
from tanzuji.rules.library import find_pcr, load_library


def study_files(path: Path, study: Study) -> list[StoredFile]:
    """The study file and every file it reads, with paths relative to the study's folder."""
    files = [StoredFile("study", path.name, path.read_bytes())]
    names = [*study.background.factor_tables]
    for db in study.background.databases:
        names += [db.file, str(Path(db.file).with_suffix(".json"))]
    for name in dict.fromkeys(names):
        f = path.parent / name
        if not f.is_file():
            raise CertificationError(f"{f}: the study names this file but it is not there",
                                     "background")
        files.append(StoredFile("input", Path(name).as_posix(), f.read_bytes()))
    shipped = path.parent / SNAPSHOT
    if shipped.is_file():  # the supplier footprints the applicant's study was resolved with
        files.append(StoredFile("input", SNAPSHOT, shipped.read_bytes()))
    return files


def derived_documents(study: Study, result: StudyResult) -> list[StoredFile]:
    """Process flow, bill of materials and PCF inventory drawn from the study and its result,
    for an applicant who submits the model itself as those documents."""
    flow = [f"# process flow of {study.study.product.name} ({study.study.id})"]
    bom = ["process,input,amount,unit,data,evidence"]
    for p in study.processes:
        outs = ", ".join(f"{o.name} {o.amount} {o.unit}"
                         for o in (p.reference_product, *p.co_products))
        flow.append(f"{p.id} [{p.stage}] -> {outs}")
        for i in p.inputs:
            if i.process:
                flow.append(f"  <- {i.process}: {i.name}")
            row = [p.id, i.name or "", str(i.amount), i.unit or "", i.data or "",
                   i.evidence or ""]
            bom.append(",".join(json.dumps(c, ensure_ascii=False) if "," in c or '"' in c
                                else c for c in row))
    inventory = result.model_dump_json(indent=1, exclude={"tree"})
    return [StoredFile("process_flow", "process-flow.txt", "\n".join(flow).encode()),
            StoredFile("bom", "bom.csv", "\n".join(bom).encode()),
            StoredFile("inventory", "inventory.json", inventory.encode())]


def prepare_application(study_path: Path, *, product_model: str | None = None,
                        declared: float | None = None, documents: dict[str, Path] | None = None,
                        derive_documents: bool = False) -> Application:
    """Read and calculate the study once: its facts, files and (unless ``declared`` is
    given) the declared value."""
    sf = open_study(study_path)
    result = calculate(study_path)
    info = sf.study.study
    model = product_model or info.product.model
    if not model:
        raise CertificationError("certificates are per product model: give --model or "
                                 "study.product.model", "study.product.model")
    pcr = find_pcr(sf.study)
    files = study_files(Path(study_path), sf.study)
    docs = dict(documents or {})
    unknown = sorted(set(docs) - set(REQUIRED_DOCUMENTS))
    if unknown:
        raise CertificationError(f"unknown document kind(s) {', '.join(unknown)}; expected "
                                 f"{', '.join(REQUIRED_DOCUMENTS)}", "documents")
    for kind, path in docs.items():
        files.append(StoredFile(kind, Path(path).name, Path(path).read_bytes()))
    if derive_documents:
        files += [d for d in derived_documents(sf.study, result) if d.role not in docs]
    return Application(
        product=info.product.name, product_zh=info.product.name_zh, product_model=model,
        producer=info.product.producer, site=info.product.site,
        pcr_id=f"{pcr.id}@{pcr.version}" if pcr else None, cpc=info.product.cpc, unit=result.unit,
        functional_unit=result.functional_unit, boundary=info.boundary,
        declared_value=result.total if declared is None else declared,
        study_file=Path(study_path).name, study_sha256=sf.sha256,
        releases=tuple(result.provenance.releases), gec_serials=tuple(gec_serials(sf.study)),
        files=tuple(files))


def recompute(files: Sequence[StoredFile], releases: Sequence[str]) -> StudyResult:
    """Calculate the stored copy of a study under the releases it was applied with."""
    study = next(f for f in files if f.role == "study")
    inputs = [f for f in files if f.role in ("study", "input")]
    depth = max(Path(f.path).parts.count("..") for f in inputs)
    with tempfile.TemporaryDirectory(prefix="tanzuji-case-") as tmp:
        base = Path(tmp).resolve()
        root = base.joinpath(*[f"d{i}" for i in range(depth)])
        for f in inputs:
            target = (root / f.path).resolve()
            if not target.is_relative_to(base):
                raise CertificationError(f"stored file {f.path!r} points outside the case",
                                         "files")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
        return calculate(root / study.path, releases=list(releases))


def pcr_ranges() -> dict[str, tuple[float, float]]:
    """The plausible result range of each PCR of the library that sets one."""
    return {f"{rule.id}@{rule.version}": (rule.ranges.result.min, rule.ranges.result.max)
            for rule in load_library().values() if rule.ranges.result}


def recompute_total(files: Sequence[StoredFile], releases: Sequence[str]) -> Recomputed:
    """:func:`recompute`, reduced to what verification compares."""
    result = recompute(files, releases)
    return Recomputed(result.total, result.provenance.model_sha256,
                      tuple(result.provenance.releases))
