"""Procurement criteria and the pure screening of one bid against them.

A bid names a certificate number. The facts about it (status on the closing date, PCR,
certified value, label, data quality) are read from the registry by the store; here each
criterion becomes a pass or a fail with its reason in Chinese and English. A criterion the
facts cannot answer (no primary-data share on record, say) fails: a buyer must not admit a bid
on an unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator

from tanzuji.certification.certificates import effective_status


class Criteria(BaseModel):
    """What a tender asks of a product's carbon footprint."""

    name: str = Field(min_length=1, max_length=300, description="the tender or lot")
    pcr_id: str = Field(min_length=1, max_length=100,
                        description="the product category rule the certificate must follow")
    max_value: float = Field(gt=0, description="highest certified footprint, kg CO2e per "
                             "declared or functional unit")
    unit: str | None = Field(None, max_length=200,
                             description="the certificate's unit the limit is meant in")
    label_required: bool = Field(False, description="a label must have been issued")
    min_primary_share: float | None = Field(None, ge=0, le=100,
                                            description="lowest share of primary data, %")
    max_dqr: float | None = Field(None, ge=1, le=5,
                                  description="highest data quality rating (1 best, 5 worst)")
    closing_date: dt.date = Field(description="the certificate must be valid on this day")

    @model_validator(mode="after")
    def _trim(self) -> Criteria:
        self.name, self.pcr_id = self.name.strip(), self.pcr_id.strip()
        if not self.name or not self.pcr_id:
            raise ValueError("name and pcr_id must not be blank")
        return self


@dataclass(frozen=True)
class CertificateFacts:
    """What the registry and the platform hold about a bid's certificate on the closing day."""

    number: str
    found: bool
    status: str | None = None  # on the closing date: valid, suspended, … or not_issued
    holder: str | None = None
    product: str | None = None
    product_model: str | None = None
    pcr_id: str | None = None
    value: float | None = None
    unit: str | None = None
    valid_until: str | None = None
    labelled: bool = False
    primary_data_share: float | None = None
    dqr: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Outcome:
    criterion: str
    passed: bool
    zh: str
    en: str


@dataclass(frozen=True)
class BidResult:
    certificate: str
    passed: bool
    facts: CertificateFacts
    outcomes: tuple[Outcome, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"certificate": self.certificate, "passed": self.passed,
                "facts": self.facts.to_dict(), "outcomes": [asdict(o) for o in self.outcomes]}


_STATUS_ZH = {"valid": "有效", "suspended": "暂停", "withdrawn": "撤销", "cancelled": "注销",
              "expired": "过期", "not_issued": "尚未颁发"}


def status_on(events: Sequence[tuple[dt.datetime, str]], issued_on: dt.date,
              valid_until: dt.date, current: str, on: dt.date, today: dt.date) -> str:
    """A certificate's status on the day ``on``: the status after its last recorded change up
    to the end of that day (a past day), its status now (today or a later day), with the
    validity applied; ``not_issued`` before it was issued."""
    if on < issued_on:
        return "not_issued"
    status = current
    if on < today:
        past = [to for at, to in sorted(events) if at.date() <= on]
        status = past[-1] if past else "valid"
    return effective_status(status, valid_until, on)


def _pass(criterion: str, zh: str, en: str) -> Outcome:
    return Outcome(criterion, True, zh, en)


def _fail(criterion: str, zh: str, en: str) -> Outcome:
    return Outcome(criterion, False, zh, en)


def _certificate(c: Criteria, f: CertificateFacts) -> Outcome:
    day = c.closing_date.isoformat()
    if not f.found:
        return _fail("certificate", f"登记中没有证书 {f.number}。",
                     f"No certificate {f.number} is on record.")
    if f.status != "valid":
        status = f.status or "unknown"
        return _fail("certificate", f"截止日 {day} 证书状态为{_STATUS_ZH.get(status, status)}。",
                     f"The certificate is {status.replace('_', ' ')} on the closing date {day}.")
    return _pass("certificate", f"截止日 {day} 证书有效。",
                 f"The certificate is valid on the closing date {day}.")


def _pcr(c: Criteria, f: CertificateFacts) -> Outcome:
    # a certificate records the PCR as id@version; the criteria may name the id alone
    given = (f.pcr_id or "").split("@")[0]
    if given == c.pcr_id.split("@")[0] and (
            "@" not in c.pcr_id or f.pcr_id == c.pcr_id):
        return _pass("pcr", f"按产品种类规则 {f.pcr_id} 核算。", f"Accounted under PCR {f.pcr_id}.")
    return _fail("pcr", f"证书的产品种类规则为 {f.pcr_id or '无'}，要求 {c.pcr_id}。",
                 f"The certificate's PCR is {f.pcr_id or 'none'}; the tender asks for "
                 f"{c.pcr_id}.")


def _value(c: Criteria, f: CertificateFacts) -> Outcome:
    if f.value is None:
        return _fail("max_value", "证书没有碳足迹数值。", "The certificate states no footprint.")
    if c.unit is not None and (f.unit or "").strip() != c.unit.strip():
        return _fail("max_value", f"证书单位 {f.unit} 与要求的单位 {c.unit} 不同，无法比较。",
                     f"The certificate's unit {f.unit} is not the tender's unit {c.unit}; the "
                     "values cannot be compared.")
    if f.value <= c.max_value:
        return _pass("max_value", f"认证碳足迹 {f.value:g} 不高于上限 {c.max_value:g}。",
                     f"Certified footprint {f.value:g} is within the limit {c.max_value:g}.")
    return _fail("max_value", f"认证碳足迹 {f.value:g} 超过上限 {c.max_value:g}。",
                 f"Certified footprint {f.value:g} is over the limit {c.max_value:g}.")


def _label(f: CertificateFacts) -> Outcome:
    if f.labelled:
        return _pass("label", "已签发碳足迹标识。", "A carbon footprint label has been issued.")
    return _fail("label", "未签发碳足迹标识。", "No carbon footprint label has been issued.")


def _primary(c: Criteria, f: CertificateFacts) -> Outcome:
    least = c.min_primary_share or 0.0
    if f.primary_data_share is None:
        return _fail("primary_data", "平台上没有该证书的初级数据占比。",
                     "The platform holds no primary-data share for this certificate.")
    if f.primary_data_share >= least:
        return _pass("primary_data",
                     f"初级数据占比 {f.primary_data_share:.1f}% 不低于 {least:g}%。",
                     f"Primary data share {f.primary_data_share:.1f} % is at least {least:g} %.")
    return _fail("primary_data", f"初级数据占比 {f.primary_data_share:.1f}% 低于 {least:g}%。",
                 f"Primary data share {f.primary_data_share:.1f} % is below {least:g} %.")


def _dqr(c: Criteria, f: CertificateFacts) -> Outcome:
    most = c.max_dqr or 5.0
    if f.dqr is None:
        return _fail("dqr", "声明中没有数据质量评级（DQR）。",
                     "The declared footprint states no data quality rating (DQR).")
    if f.dqr <= most:
        return _pass("dqr", f"数据质量评级 {f.dqr:g} 不高于 {most:g}。",
                     f"Data quality rating {f.dqr:g} is at most {most:g}.")
    return _fail("dqr", f"数据质量评级 {f.dqr:g} 高于 {most:g}。",
                 f"Data quality rating {f.dqr:g} is above {most:g}.")


def screen(criteria: Criteria, facts: CertificateFacts) -> BidResult:
    """Every criterion the tender sets, checked on one bid's facts."""
    outcomes = [_certificate(criteria, facts)]
    if facts.found:
        outcomes += [_pcr(criteria, facts), _value(criteria, facts)]
        if criteria.label_required:
            outcomes.append(_label(facts))
        if criteria.min_primary_share is not None:
            outcomes.append(_primary(criteria, facts))
        if criteria.max_dqr is not None:
            outcomes.append(_dqr(criteria, facts))
    return BidResult(facts.number, all(o.passed for o in outcomes), facts, tuple(outcomes))


HEADERS = ("certificate", "certificate_number", "certificate number", "证书编号")


def parse_numbers(text: str) -> list[str]:
    """Certificate numbers from a textarea or a CSV: when the first line is a header naming a
    ``certificate`` (证书编号) column, that column; otherwise every cell, one per line or
    separated by commas, semicolons, tabs or blanks. Each number once, in order."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    rows = [[cell.strip().strip('"').strip() for cell in
             line.replace(";", ",").replace("\t", ",").split(",")] for line in lines]
    header = [cell.lower() for cell in rows[0]]
    column = next((i for i, cell in enumerate(header) if cell in HEADERS), None)
    if column is not None:
        cells = [row[column] for row in rows[1:] if len(row) > column]
    else:
        cells = [part for row in rows for cell in row for part in cell.split()]
    return list(dict.fromkeys(c for c in cells if c and c.lower() not in HEADERS))
