"""Green finance over the tables: borrowers' consents, footprint-linked loans, and signed
declarations of certified footprints. Consents, loans and declarations are recorded in the
ledger in the same transaction (who let which bank see what, and when, must be provable)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tanzuji import signing
from tanzuji.finance.documents import DECLARATION, declaration_document
from tanzuji.finance.rules import LoanTerms
from tanzuji.ledger.encoding import stamp
from tanzuji.ledger.log import Ledger, record
from tanzuji.procurement.record import document_sha256
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.db import transaction
from tanzuji.store.platform_db import PlatformError
from tanzuji.store.tables import (
    CertBody,
    CertCertificate,
    FinanceConsent,
    FinanceLoan,
    PlatformOrganisation,
    utcnow,
)

DECLARATION_KIND = "finance_declaration"


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _consent_view(c: FinanceConsent) -> dict[str, Any]:
    return {"borrower_id": c.borrower_id, "bank_id": c.bank_id, "granted_by": c.granted_by,
            "granted_at": stamp(c.granted_at), "revoked_by": c.revoked_by,
            "revoked_at": None if c.revoked_at is None else stamp(c.revoked_at),
            "active": c.revoked_at is None}


def _loan_view(loan: FinanceLoan) -> dict[str, Any]:
    return {"id": loan.id, "bank_id": loan.bank_id, "borrower_id": loan.borrower_id,
            "reference": loan.reference, "pcr_id": loan.pcr_id,
            "product_model": loan.product_model, "baseline_value": loan.baseline_value,
            "baseline_year": loan.baseline_year, "reduction_percent": loan.reduction_percent,
            "targets": loan.targets, "start_year": loan.start_year, "end_year": loan.end_year,
            "created_by": loan.created_by, "created_at": stamp(loan.created_at)}


def loan_terms(view: dict[str, Any]) -> LoanTerms:
    """A stored loan's terms, back as the rules' model."""
    targets = view["targets"]
    return LoanTerms(
        reference=view["reference"], borrower_id=view["borrower_id"], pcr_id=view["pcr_id"],
        product_model=view["product_model"], baseline_value=view["baseline_value"],
        baseline_year=view["baseline_year"], reduction_percent=view["reduction_percent"],
        targets=None if targets is None else {int(k): float(v) for k, v in targets.items()},
        start_year=view["start_year"], end_year=view["end_year"])


class FinanceDB:
    """Consents, loans and declarations; one transaction per operation."""

    def __init__(self, engine: Engine, key_dir: Path | None = None) -> None:
        self.engine, self.key_dir = engine, key_dir

    @staticmethod
    def _organisation(s: Session, org_id: str, field: str, kind: str | None = None) -> None:
        org = s.get(PlatformOrganisation, org_id)
        if org is None:
            raise PlatformError(f"no organisation {org_id!r}", field, "not_found")
        if kind is not None and org.kind != kind:
            raise PlatformError(f"organisation {org_id!r} is not a {kind}", field)

    # -- consent -----------------------------------------------------------------------------

    def grant(self, borrower_id: str, bank_id: str, by: str) -> dict[str, Any]:
        """The borrower lets the bank see its certified footprints (again a no-op if it does)."""
        with transaction(self.engine) as s:
            self._organisation(s, bank_id, "bank_id", "bank")
            active = self._active(s, borrower_id, bank_id)
            if active is not None:
                return _consent_view(active)
            row = FinanceConsent(borrower_id=borrower_id, bank_id=bank_id, granted_by=by,
                                 granted_at=utcnow())
            s.add(row)
            s.flush()
            record(s, actor=by, action="grant", kind="finance_consent",
                   object_id=f"{borrower_id}>{bank_id}", payload=_consent_view(row))
            return _consent_view(row)

    def revoke(self, borrower_id: str, bank_id: str, by: str) -> dict[str, Any]:
        with transaction(self.engine) as s:
            active = self._active(s, borrower_id, bank_id)
            if active is None:
                raise PlatformError(f"{borrower_id} has no consent given to {bank_id}",
                                    "bank_id", "not_found")
            active.revoked_by, active.revoked_at = by, utcnow()
            s.flush()
            record(s, actor=by, action="revoke", kind="finance_consent",
                   object_id=f"{borrower_id}>{bank_id}", payload=_consent_view(active))
            return _consent_view(active)

    @staticmethod
    def _active(s: Session, borrower_id: str, bank_id: str) -> FinanceConsent | None:
        return s.scalar(select(FinanceConsent).where(
            FinanceConsent.borrower_id == borrower_id, FinanceConsent.bank_id == bank_id,
            FinanceConsent.revoked_at.is_(None)))

    def consents(self, borrower_id: str | None = None,
                 bank_id: str | None = None) -> list[dict[str, Any]]:
        """Consents (history included) given by a borrower or to a bank."""
        with transaction(self.engine) as s:
            query = select(FinanceConsent).order_by(FinanceConsent.pk)
            if borrower_id is not None:
                query = query.where(FinanceConsent.borrower_id == borrower_id)
            if bank_id is not None:
                query = query.where(FinanceConsent.bank_id == bank_id)
            return [_consent_view(c) for c in s.scalars(query)]

    def consenting_banks(self, borrower_id: str) -> list[str]:
        return [c["bank_id"] for c in self.consents(borrower_id=borrower_id) if c["active"]]

    # -- certified footprints ----------------------------------------------------------------

    def certified(self, borrower_id: str, on: dt.date | None = None) -> list[dict[str, Any]]:
        """The borrower's certificates (an applicant's certification organisation has the id
        of its platform organisation), oldest first, with their status on ``on``."""
        with transaction(self.engine) as s:
            rows = s.execute(select(CertCertificate, CertBody.name)
                             .outerjoin(CertBody, CertBody.id == CertCertificate.body_id)
                             .where(CertCertificate.applicant_id == borrower_id)
                             .order_by(CertCertificate.issued_on, CertCertificate.number)).all()
            return [{**CertificationDB.certificate_view(c, on), "body_name": name or c.body_id}
                    for c, name in rows]

    def declare(self, borrower_id: str, bank_id: str, number: str, by: str,
                grade: dict[str, Any] | None = None) -> dict[str, Any]:
        """A signed declaration of one of the borrower's certified footprints for the bank,
        recorded in the ledger; the envelope carries the proof of that entry."""
        cert = next((c for c in self.certified(borrower_id) if c["number"] == number), None)
        if cert is None:
            raise PlatformError(f"{borrower_id} holds no certificate {number!r}", "certificate",
                                "not_found")
        document = declaration_document(cert, borrower_id, bank_id, by, stamp(utcnow()), grade)
        envelope = signing.sign_document(DECLARATION, document, self.key_dir)
        with transaction(self.engine) as s:
            seq = record(s, actor=by, action="declare", kind=DECLARATION_KIND,
                         object_id=document["id"],
                         payload={"sha256": document_sha256(DECLARATION, document),
                                  "certificate": number, "borrower": borrower_id,
                                  "bank": bank_id, "key_id": envelope["key_id"]})
        proof = Ledger(self.engine, self.key_dir).prove(DECLARATION_KIND, document["id"])
        return {**envelope, "ledger": {"seq": seq, "proof": proof}}

    # -- loans -------------------------------------------------------------------------------

    def add_loan(self, bank_id: str, terms: LoanTerms, by: str) -> dict[str, Any]:
        with transaction(self.engine) as s:
            self._organisation(s, terms.borrower_id, "borrower_id")
            data = terms.model_dump()
            if data["targets"] is not None:
                data["targets"] = {str(k): v for k, v in data["targets"].items()}
            loan = FinanceLoan(bank_id=bank_id, created_by=by, **data)
            s.add(loan)
            s.flush()
            view = _loan_view(loan)
            record(s, actor=by, action="create", kind="finance_loan", object_id=str(loan.id),
                   payload=view)
            return view

    def loans(self, bank_id: str | None = None,
              borrower_id: str | None = None) -> list[dict[str, Any]]:
        with transaction(self.engine) as s:
            query = select(FinanceLoan).order_by(FinanceLoan.id)
            if bank_id is not None:
                query = query.where(FinanceLoan.bank_id == bank_id)
            if borrower_id is not None:
                query = query.where(FinanceLoan.borrower_id == borrower_id)
            return [_loan_view(loan) for loan in s.scalars(query)]

    def loan(self, loan_id: int) -> dict[str, Any] | None:
        with transaction(self.engine) as s:
            loan = s.get(FinanceLoan, loan_id)
            return None if loan is None else _loan_view(loan)
