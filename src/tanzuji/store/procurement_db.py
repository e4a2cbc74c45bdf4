"""Procurement over the tables: a buyer's criteria, and screenings of bids read live from the
certificate registry, each signed with the platform key and recorded in the ledger in the same
transaction as the stored record (so a screening is either on record and provable, or absent).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session

from tanzuji import signing
from tanzuji.ledger.encoding import stamp
from tanzuji.ledger.log import Ledger, record
from tanzuji.procurement.record import SCREENING, document_sha256
from tanzuji.procurement.rules import CertificateFacts, Criteria, screen, status_on
from tanzuji.store.db import transaction
from tanzuji.store.platform_db import PlatformError
from tanzuji.store.tables import (
    CertCase,
    CertCertificate,
    CertCertificateEvent,
    CertLabel,
    PlatformJob,
    PlatformStudy,
    ProcurementCriteria,
    ProcurementScreening,
    utcnow,
)

MAX_BIDS = 1000
LEDGER_KIND = "procurement_screening"


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def certificate_facts(s: Session, number: str, on: dt.date,
                      now: dt.date | None = None) -> CertificateFacts:
    """A certificate's facts on day ``on``, read in ``s``: its status then (from its recorded
    changes), PCR, value, label, and the primary-data share and DQR of the platform study its
    case certified (the applicant's study with the same SHA-256), when the platform holds it."""
    number = number.strip()
    cert = s.get(CertCertificate, number) if 0 < len(number) <= 60 else None
    if cert is None:
        return CertificateFacts(number=number, found=False)
    events = [(at, to) for at, to in s.execute(
        select(CertCertificateEvent.at, CertCertificateEvent.to_status)
        .where(CertCertificateEvent.number == number))]
    labelled = bool(s.scalar(select(exists().where(CertLabel.number == number))))
    share: float | None = None
    dqr: float | None = None
    case = s.get(CertCase, cert.case_id)
    study = None if case is None else s.scalar(
        select(PlatformStudy).where(PlatformStudy.organisation_id == cert.applicant_id,
                                    PlatformStudy.sha256 == case.study_sha256)
        .order_by(PlatformStudy.id.desc()).limit(1))
    if study is not None:
        result = s.scalar(select(PlatformJob.result).where(
            PlatformJob.study_id == study.id, PlatformJob.state == "done",
            PlatformJob.kind == "calculate").order_by(PlatformJob.finished_at.desc()).limit(1))
        if isinstance(result, dict) and isinstance(result.get("primary_data_share"),
                                                   int | float):
            share = float(result["primary_data_share"])
        declared_dqr = (study.declared or {}).get("dqr")
        dqr = float(declared_dqr) if isinstance(declared_dqr, int | float) else None
    return CertificateFacts(
        number=number, found=True,
        status=status_on(events, cert.issued_on, cert.valid_until, cert.status, on,
                         now or today()),
        holder=cert.applicant_id, product=cert.product, product_model=cert.product_model,
        pcr_id=cert.pcr_id, value=cert.value, unit=cert.unit,
        valid_until=cert.valid_until.isoformat(), labelled=labelled,
        primary_data_share=share, dqr=dqr)


def _criteria_view(c: ProcurementCriteria) -> dict[str, Any]:
    return {"id": c.id, "organisation_id": c.organisation_id, "name": c.name,
            "pcr_id": c.pcr_id, "max_value": c.max_value, "unit": c.unit,
            "label_required": c.label_required, "min_primary_share": c.min_primary_share,
            "max_dqr": c.max_dqr, "closing_date": c.closing_date.isoformat(),
            "created_by": c.created_by, "created_at": stamp(c.created_at)}


def _as_rules(c: ProcurementCriteria) -> Criteria:
    return Criteria(name=c.name, pcr_id=c.pcr_id, max_value=c.max_value, unit=c.unit,
                    label_required=c.label_required, min_primary_share=c.min_primary_share,
                    max_dqr=c.max_dqr, closing_date=c.closing_date)


def _screening_view(row: ProcurementScreening) -> dict[str, Any]:
    return {"id": row.id, "criteria_id": row.criteria_id, "organisation_id": row.organisation_id,
            "passed": row.passed, "failed": row.failed, "sha256": row.sha256,
            "ledger_seq": row.ledger_seq, "screened_by": row.screened_by,
            "screened_at": stamp(row.screened_at)}


class ProcurementDB:
    """Criteria and screenings; one transaction per operation."""

    def __init__(self, engine: Engine, key_dir: Path | None = None) -> None:
        self.engine, self.key_dir = engine, key_dir

    def add_criteria(self, organisation_id: str, criteria: Criteria, by: str) -> dict[str, Any]:
        with transaction(self.engine) as s:
            row = ProcurementCriteria(organisation_id=organisation_id, created_by=by,
                                      **criteria.model_dump())
            s.add(row)
            s.flush()
            return _criteria_view(row)

    def criteria(self, criteria_id: int) -> dict[str, Any] | None:
        with transaction(self.engine) as s:
            row = s.get(ProcurementCriteria, criteria_id)
            return None if row is None else _criteria_view(row)

    def criteria_of(self, organisation_id: str) -> list[dict[str, Any]]:
        with transaction(self.engine) as s:
            return [_criteria_view(c) for c in s.scalars(
                select(ProcurementCriteria).where(
                    ProcurementCriteria.organisation_id == organisation_id)
                .order_by(ProcurementCriteria.id.desc()))]

    def screen(self, criteria_id: int, numbers: Sequence[str], by: str,
               now: dt.datetime | None = None) -> dict[str, Any]:
        """Screen the bids, sign the record and file it with its ledger entry: the signed
        envelope (``ledger.seq`` added, outside the signature)."""
        wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
        if not wanted:
            raise PlatformError("name at least one certificate number", "certificates")
        if len(wanted) > MAX_BIDS:
            raise PlatformError(f"at most {MAX_BIDS} certificates per screening",
                                "certificates")
        at = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
        with transaction(self.engine) as s:
            row = s.get(ProcurementCriteria, criteria_id)
            if row is None:
                raise PlatformError(f"no criteria {criteria_id}", "criteria_id", "not_found")
            rules = _as_rules(row)
            bids = [screen(rules, certificate_facts(s, n, rules.closing_date, at.date()))
                    for n in wanted]
            passed = sum(b.passed for b in bids)
            screening_id = uuid.uuid4().hex
            document = {
                "id": screening_id, "buyer": row.organisation_id, "screened_by": by,
                "screened_at": stamp(at),
                "criteria": {**rules.model_dump(mode="json"), "id": row.id},
                "bids": [b.to_dict() for b in bids],
                "summary": {"bids": len(bids), "passed": passed, "failed": len(bids) - passed},
            }
            envelope = signing.sign_document(SCREENING, document, self.key_dir)
            digest = document_sha256(SCREENING, document)
            seq = record(s, actor=by, action="screen", kind=LEDGER_KIND, object_id=screening_id,
                         payload={"sha256": digest, "criteria": row.id,
                                  "buyer": row.organisation_id, "bids": len(bids),
                                  "passed": passed, "key_id": envelope["key_id"]})
            s.add(ProcurementScreening(id=screening_id, criteria_id=row.id,
                                       organisation_id=row.organisation_id, envelope=envelope,
                                       sha256=digest, ledger_seq=seq, passed=passed,
                                       failed=len(bids) - passed, screened_by=by,
                                       screened_at=at))
            return {**envelope, "ledger": {"seq": seq}}

    def screenings(self, organisation_id: str) -> list[dict[str, Any]]:
        with transaction(self.engine) as s:
            return [_screening_view(r) for r in s.scalars(
                select(ProcurementScreening).where(
                    ProcurementScreening.organisation_id == organisation_id)
                .order_by(ProcurementScreening.screened_at.desc()))]

    def screening(self, screening_id: str) -> dict[str, Any] | None:
        """The stored screening: its view and ``envelope`` (as signed, with ``ledger.seq``)."""
        with transaction(self.engine) as s:
            row = s.get(ProcurementScreening, screening_id[:40])
            if row is None:
                return None
            return {**_screening_view(row),
                    "envelope": {**row.envelope, "ledger": {"seq": row.ledger_seq}}}

    def record_file(self, screening_id: str) -> dict[str, Any]:
        """The signed record with the ledger's proof of its entry under a newly signed tree
        head: everything `tanzuji procurement verify` needs besides the public key."""
        found = self.screening(screening_id)
        if found is None:
            raise PlatformError(f"no screening {screening_id}", "screening_id", "not_found")
        proof = Ledger(self.engine, self.key_dir).prove(LEDGER_KIND, found["id"])
        envelope: dict[str, Any] = found["envelope"]
        return {**envelope, "ledger": {"seq": found["ledger_seq"], "proof": proof}}
