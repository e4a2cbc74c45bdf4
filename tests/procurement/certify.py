"""Certificates put straight into a World's database (a case already certified, an issue
event), so the scenarios test screening and finance rather than the certification steps,
which tests/certification covers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tanzuji.certification.certificates import valid_until
from tanzuji.store.db import transaction
from tanzuji.store.tables import (
    CertBody,
    CertCase,
    CertCertificate,
    CertCertificateEvent,
    CertLabel,
    CertOrganisation,
)

PCR = "cement-en16908@1.0"
UNIT = "kg CO2e/t"


def certify(engine: object, number: str, applicant: str, value: float, *,
            issued: dt.date, study_sha256: str = "0" * 64, model: str = "P.O 42.5",
            labelled: bool = False, pcr: str = PCR) -> str:
    """A valid certificate ``number`` of ``applicant`` for ``value`` kg CO2e/t."""
    with transaction(engine) as s:  # type: ignore[arg-type]
        if s.get(CertOrganisation, applicant) is None:
            s.add(CertOrganisation(id=applicant, name=applicant.upper(), kind="enterprise",
                                   created_by="t"))
        if s.scalar(select(CertBody).where(CertBody.id == "CB1")) is None:
            s.add(CertBody(id="CB1", name="CB1", categories=[], created_by="t"))
        s.flush()
        case_id = f"CASE-{number}"
        s.add(CertCase(
            id=case_id, applicant_id=applicant, body_id="CB1", state="certified",
            product="cement", product_model=model, unit=UNIT, functional_unit="1 t",
            boundary="cradle-to-gate", declared_value=value, tolerance_percent=5.0,
            study_file="portland-cement.yaml", study_sha256=study_sha256, pcr_id=pcr,
            releases=[], gec_serials=[], team=[], created_by="t"))
        s.flush()
        s.add(CertCertificate(
            number=number, case_id=case_id, body_id="CB1", applicant_id=applicant,
            product="cement", product_model=model, pcr_id=pcr, value=value, unit=UNIT,
            functional_unit="1 t", boundary="cradle-to-gate", issued_on=issued,
            valid_until=valid_until(issued, 2), status="valid", issued_by="decider"))
        s.flush()
        s.add(CertCertificateEvent(
            number=number, action="issue", actor="decider", reason="granted",
            from_status=None, to_status="valid", details={},
            at=dt.datetime.combine(issued, dt.time(9), dt.UTC)))
        if labelled:
            s.add(CertLabel(number=number, payload="{}", signature="00", value=value,
                            created_by="t"))
    return number
