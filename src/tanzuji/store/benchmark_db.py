"""What benchmarking reads from the database: published factor values of a category and the
certified results on the platform, the latter without anything that names a company or study.

Only reads; grades are not stored (they follow the distribution as it grows)."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from tanzuji.certification.certificates import effective_status
from tanzuji.store.db import transaction
from tanzuji.store.tables import (
    CertCase,
    CertCertificate,
    FactorVersion,
    PlatformJob,
    PlatformStudy,
)


@dataclass(frozen=True)
class PublishedFactor:
    factor_id: str
    name_en: str
    name_zh: str | None
    value: float  # kg CO2e per unit
    unit: str
    dataset: str


@dataclass(frozen=True)
class CertifiedResult:
    """A valid certificate's value under a rule, and the stage and process breakdown of the
    platform study it was certified from, where the platform holds one and it was asked for.
    Anonymous."""

    value: float
    unit: str  # as certified, e.g. "kg CO2e per 1 t"
    party: str  # the applicant: only to count distinct companies, never shown
    by_stage: dict[str, float] | None
    hotspots: list[dict[str, Any]] | None  # process, name, stage, value


def _like(pattern: str) -> str:
    """A shell pattern (``*``, ``?``) as a LIKE pattern, lower case, escaped with ``\\``."""
    out = pattern.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return out.replace("*", "%").replace("?", "_")


def _id_clause(pattern: str) -> Any:
    """A factor id pattern, matched as written (ids are identifiers): an exact id or a prefix
    (``cn-elec-cf:2024:*``) is answered by the id index, other patterns by LIKE."""
    fid = FactorVersion.factor_id
    body = pattern[:-1] if pattern.endswith("*") else pattern
    if "*" not in body and "?" not in body:
        return fid == pattern if body == pattern else and_(fid >= body, fid < body + "\uffff")
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return fid.like(escaped.replace("*", "%").replace("?", "_"), escape="\\")


def published_factors(engine: Engine, *, factors: Sequence[str] = (),
                      names: Sequence[str] = (), codes: Sequence[str] = (),
                      exclude: Sequence[str] = ()) -> list[PublishedFactor]:
    """The current (newest released) carbon-footprint factors whose id (as written) or name
    (any case) matches one of the shell patterns, or a classification code one of the
    prefixes; ``exclude`` patterns (any case) remove ids or names again."""
    clauses: list[Any] = []
    fv = FactorVersion
    clauses += [_id_clause(p) for p in factors]
    for p in names:
        clauses += [func.lower(fv.name_en).like(_like(p), escape="\\"),
                    func.lower(fv.name_zh).like(_like(p), escape="\\")]
    for code in codes:
        clauses += [c.like(_like(code) + "%", escape="\\") for c in (fv.cpc, fv.hs,
                                                                     fv.cn_stat_code)]
    if not clauses:
        return []
    query = (select(fv.factor_id, fv.name_en, fv.name_zh, fv.value, fv.unit, fv.dataset_id)
             .where(fv.current, fv.kind == "carbon_footprint_factor", or_(*clauses))
             .order_by(fv.factor_id))
    drop = [p.lower() for p in exclude]
    with transaction(engine) as s:
        rows = [PublishedFactor(*row) for row in s.execute(query)]
    return [r for r in rows if not any(
        fnmatch.fnmatchcase(text.lower(), p) for p in drop
        for text in (r.factor_id, r.name_en, r.name_zh or ""))]


def _latest_result(s: Any, sha256: str) -> dict[str, Any] | None:
    """The newest finished calculation of the platform study with these bytes."""
    job = s.scalar(select(PlatformJob).join(PlatformStudy, PlatformStudy.id == PlatformJob.study_id)
                   .where(PlatformStudy.sha256 == sha256, PlatformJob.state == "done",
                          PlatformJob.kind == "calculate")
                   .order_by(PlatformJob.finished_at.desc(), PlatformJob.created_at.desc())
                   .limit(1))
    return None if job is None else job.result


def certified_results(engine: Engine, pcr_id: str, on: dt.date | None = None, *,
                      breakdowns: bool = True) -> list[CertifiedResult]:
    """Every certificate valid on ``on`` (today) under the rule ``pcr_id`` (any version);
    ``breakdowns`` also reads each one's platform study result (one query per certificate,
    so grading alone, as public pages do, leaves it off)."""
    day = on or dt.date.today()
    query = (select(CertCertificate.value, CertCertificate.unit, CertCertificate.applicant_id,
                    CertCertificate.status, CertCertificate.valid_until, CertCase.study_sha256)
             .join(CertCase, CertCase.id == CertCertificate.case_id)
             .where(or_(CertCertificate.pcr_id == pcr_id,
                        CertCertificate.pcr_id.like(_like(pcr_id) + "@%", escape="\\")))
             .order_by(CertCertificate.value))
    out: list[CertifiedResult] = []
    with transaction(engine) as s:
        for value, unit, party, status, until, sha in s.execute(query):
            if effective_status(status, until, day) != "valid":
                continue
            result = _latest_result(s, sha) if breakdowns else None
            out.append(CertifiedResult(
                value=value, unit=unit, party=party,
                by_stage=None if result is None else dict(result.get("by_stage") or {}),
                hotspots=None if result is None else [
                    {k: h.get(k) for k in ("process", "name", "stage", "value")}
                    for h in result.get("hotspots") or []]))
    return out
