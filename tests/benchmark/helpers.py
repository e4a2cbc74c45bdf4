"""Certified results for benchmark tests: certificates (with their cases) under a PCR, and
platform studies whose stored results give them a stage breakdown."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from tanzuji.store.db import transaction
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.tables import CertBody, CertCase, CertCertificate, CertOrganisation


def parties(engine: Engine, applicant: str = "acme", body: str = "CB1") -> None:
    """The applicant and body certificates need, where the test's database has none."""
    with transaction(engine) as s:
        if s.get(CertOrganisation, applicant) is None:
            s.add(CertOrganisation(id=applicant, name=applicant, kind="enterprise",
                                   created_by="t"))
        if s.get(CertBody, body) is None:
            s.add(CertBody(id=body, name=body, categories=[], created_by="t"))


def certify(engine: Engine, values: Sequence[float], *, pcr: str = "cement-en16908@1.0",
            prefix: str = "B", shas: Sequence[str | None] | None = None,
            unit: str = "kg CO2e per 1 t", applicants: Sequence[str] | None = None,
            body: str = "CB1") -> list[str]:
    """One valid certificate per value, each of another company unless ``applicants`` says;
    ``shas`` link each to a platform study's bytes."""
    today = dt.date.today()
    numbers = []
    companies = list(applicants or [f"co-{prefix}-{i}".lower() for i in range(len(values))])
    for company in dict.fromkeys(companies):
        parties(engine, company, body)
    with transaction(engine) as s:
        for i, value in enumerate(values):
            applicant = companies[i]
            case_id = f"CASE-{prefix}-{i}"
            number = f"CN-{prefix}-{i}"
            sha = (shas[i] if shas else None) or "0" * 64
            s.add(CertCase(
                id=case_id, applicant_id=applicant, body_id=body, state="certified",
                product="Portland cement", product_zh="普通硅酸盐水泥",
                product_model=f"P.O 42.5-{prefix}{i}", unit=unit, functional_unit="1 t",
                boundary="cradle_to_gate", declared_value=value, tolerance_percent=5.0,
                study_file="cement.yaml", study_sha256=sha, releases=[], gec_serials=[],
                team=[], created_by="t"))
            s.flush()
            s.add(CertCertificate(
                number=number, case_id=case_id, body_id=body, applicant_id=applicant,
                product="Portland cement", product_zh="普通硅酸盐水泥",
                product_model=f"P.O 42.5-{prefix}{i}", producer="ACME Cement", pcr_id=pcr,
                value=value, unit=unit, functional_unit="declared unit: 1 t",
                boundary="cradle_to_gate", issued_on=today,
                valid_until=today + dt.timedelta(days=730), status="valid", issued_by="t"))
            numbers.append(number)
    return numbers


def scaled_result(result: dict[str, Any], factor: float) -> dict[str, Any]:
    """The stored result with its total, stages and hot spots times ``factor``."""
    out = json.loads(json.dumps(result))
    out["total"] *= factor
    out["by_stage"] = {k: v * factor for k, v in out["by_stage"].items()}
    for h in out["hotspots"]:
        h["value"] *= factor
    return out


def stored_study(db: PlatformDB, org: str, content: bytes, result: dict[str, Any],
                 salt: str) -> str:
    """A platform study (its bytes made unique by ``salt``) with a finished calculation;
    returns its SHA-256."""
    study_id = db.add_study(org, f"variant {salt}", "cement.yaml",
                            content + f"\n# variant {salt}\n".encode(), {}, "t")
    job = db.add_job("calculate", {}, "t", org, study_id)
    db.update_job(job, state="done", progress=1.0, result=result)
    study = db.study(study_id)
    assert study is not None
    return str(study["sha256"])
