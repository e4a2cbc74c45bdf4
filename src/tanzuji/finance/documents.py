"""What a bank takes into its green-loan file: the signed declaration of one certified
footprint, and the assessment of a borrower (footprints, trend, grades, loan paths) as JSON
or an Excel workbook."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

DECLARATION = "green-finance-declaration"
ASSESSMENT = "green-finance-assessment"
_CERT_FIELDS = ("number", "product", "product_zh", "product_model", "producer", "pcr", "value",
                "unit", "functional_unit", "boundary", "issued_on", "valid_until", "status")


def declaration_document(cert: Mapping[str, Any], borrower: str, bank: str, by: str,
                         at: str, grade: Mapping[str, Any] | None) -> dict[str, Any]:
    """The footprint a certificate certifies, as declared to one bank at one time; the
    status is the registry's at ``at`` (a later suspension is for the registry to tell)."""
    return {"id": uuid.uuid4().hex, "borrower": borrower, "bank": bank, "declared_by": by,
            "declared_at": at, "certification_body": cert.get("body_name") or cert.get("body"),
            "certificate": {f: cert.get(f) for f in _CERT_FIELDS},
            "grade": None if grade is None else dict(grade)}


def assessment_document(borrower: str, bank: str, at: str,
                        certificates: Sequence[Mapping[str, Any]],
                        trend: Sequence[Mapping[str, Any]],
                        loans: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "borrower": borrower, "bank": bank, "assessed_at": at,
            "certificates": [dict(c) for c in certificates], "trend": [dict(t) for t in trend],
            "loans": [dict(loan) for loan in loans]}


def _sheet(book: Workbook, title: str, header: Sequence[str],
           rows: Sequence[Sequence[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column, name in zip(sheet.columns, header, strict=False):
        width = max([len(str(name))] + [len(str(c.value or "")) for c in column])
        sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)


def assessment_xlsx(doc: Mapping[str, Any]) -> bytes:
    """The assessment as a workbook: one sheet each for the summary, the certificates, the
    trend and the loan paths."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary 摘要"
    for key in ("borrower", "bank", "assessed_at", "id"):
        summary.append([key, doc[key]])
    cert_fields = (*_CERT_FIELDS, "grade")
    _sheet(book, "Certificates 证书", cert_fields,
           [[(c.get("grade") or {}).get("grade") if f == "grade" else c.get(f)
             for f in cert_fields] for c in doc["certificates"]])
    _sheet(book, "Trend 趋势", ("pcr", "product_model", "year", "value", "unit",
                               "change_percent", "certificate", "status"),
           [[t["pcr"], t["product_model"], p["year"], p["value"], p["unit"], p["change_percent"],
             p["certificate"], p["status"]] for t in doc["trend"] for p in t["points"]])
    _sheet(book, "Loans 贷款", ("loan", "reference", "pcr", "year", "target", "certified",
                               "certificate", "state"),
           [[loan["id"], loan["reference"], loan["pcr_id"], y["year"], y["target"],
             y["certified"], y["certificate"], y["state"]]
            for loan in doc["loans"] for y in loan.get("path") or []])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
