"""Fill a downloaded questionnaire the way a supplier would in Excel."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from tanzuji.exchange.questionnaire import FIRST_ROW, SHEET

ANSWERS: dict[str, Any] = {
    "company_name": "Parts Co.", "company_id": "urn:uuid:0b0e9b6a-1d57-4f5e-9c1d-3f1ad2f0a002",
    "declared_unit": "kilogram", "product_mass_per_declared_unit": 1,
    "reference_period_start": "2025-01-01", "reference_period_end": "2025-12-31",
    "geography_country": "CN", "pcf_total": 3.2, "fossil_ghg_emissions": 3.0,
    "biogenic_non_co2_emissions": 0.2, "stage_raw_materials": 2.0, "stage_production": 1.2,
    "primary_data_share": 70, "technological_dqr": 2, "temporal_dqr": 1,
    "geographical_dqr": 2, "certificate_number": "CNCA-PCF-2025-0001", "verifier": "CB1",
    "evidence_sha256_1": "a" * 64,
}


def fill(content: bytes, **changes: Any) -> bytes:
    values = {**ANSWERS, **changes}
    wb = load_workbook(io.BytesIO(content))
    for row in wb[SHEET].iter_rows(min_row=FIRST_ROW):
        if row[0].value in values:
            row[2].value = values[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
