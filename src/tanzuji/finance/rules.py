"""Footprint-linked loan terms and the trend of certified footprints, as pure rules.

A loan agrees a reduction path for one product category (a PCR, optionally one product
model): from a baseline value in a baseline year, either a target value for each year or a
reduction of so many percent a year (compounded). Each year of the loan is judged on the
borrower's certified result of that year, the newest certificate issued in that year for the
category that is not suspended, withdrawn or cancelled: ``met`` when it is at or under the
target, ``missed`` when over, ``no_result`` for a past year without one, ``pending`` for the
current or a later year still without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator

# a certificate in one of these states is no certified result (any more)
NOT_COUNTED = ("suspended", "withdrawn", "cancelled")


class LoanTerms(BaseModel):
    """What the bank and the borrower agreed."""

    reference: str = Field(min_length=1, max_length=100, description="the loan's number")
    borrower_id: str = Field(min_length=1, max_length=100)
    pcr_id: str = Field(min_length=1, max_length=100)
    product_model: str | None = Field(None, max_length=200)
    baseline_value: float = Field(gt=0, description="kg CO2e per unit in the baseline year")
    baseline_year: int = Field(ge=2000, le=2100)
    reduction_percent: float | None = Field(None, gt=0, lt=100,
                                            description="reduction a year, compounded")
    targets: dict[int, float] | None = Field(None, description="target value per year")
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)

    @model_validator(mode="after")
    def _one_path(self) -> LoanTerms:
        if (self.reduction_percent is None) == (self.targets is None):
            raise ValueError("give either reduction_percent or targets, not both")
        if not self.baseline_year <= self.start_year <= self.end_year <= self.start_year + 30:
            raise ValueError("years must run baseline_year ≤ start_year ≤ end_year ≤ "
                             "start_year + 30")
        if self.targets is not None:
            missing = [y for y in range(self.start_year, self.end_year + 1)
                       if y not in self.targets]
            if missing:
                raise ValueError(f"targets: no target for {missing[0]}")
            if any(v <= 0 for v in self.targets.values()):
                raise ValueError("targets must be positive")
        return self

    def target(self, year: int) -> float:
        if self.targets is not None:
            return self.targets[year]
        assert self.reduction_percent is not None
        return self.baseline_value * (1 - self.reduction_percent / 100) ** (
            year - self.baseline_year)


@dataclass(frozen=True)
class Certified:
    """A certified footprint as the registry holds it (status as of today)."""

    number: str
    pcr_id: str | None
    product_model: str
    value: float
    unit: str
    issued_on: dt.date
    status: str

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> Certified:
        """From a certificate view of the certification store."""
        return cls(view["number"], view.get("pcr"), view["product_model"], float(view["value"]),
                   view["unit"], dt.date.fromisoformat(view["issued_on"]), view["status"])


@dataclass(frozen=True)
class YearOutcome:
    year: int
    target: float
    state: str  # met, missed, no_result, pending
    certified: float | None = None
    certificate: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def same_pcr(a: str | None, b: str) -> bool:
    """A certificate's PCR (``id@version``) against a PCR named with or without version."""
    if a is None:
        return False
    return a == b if "@" in b else a.split("@")[0] == b


def _matches(terms: LoanTerms, cert: Certified) -> bool:
    return (same_pcr(cert.pcr_id, terms.pcr_id) and cert.status not in NOT_COUNTED
            and (terms.product_model is None or cert.product_model == terms.product_model))


def evaluate(terms: LoanTerms, certified: Iterable[Certified], today: dt.date) -> list[YearOutcome]:
    """The state of each year of the loan."""
    by_year: dict[int, Certified] = {}
    for cert in sorted((c for c in certified if _matches(terms, c)),
                       key=lambda c: (c.issued_on, c.number)):
        by_year[cert.issued_on.year] = cert  # the newest of the year wins
    outcomes = []
    for year in range(terms.start_year, terms.end_year + 1):
        target = terms.target(year)
        found = by_year.get(year)
        if found is None:
            state = "pending" if year >= today.year else "no_result"
            outcomes.append(YearOutcome(year, target, state))
        else:
            state = "met" if found.value <= target * (1 + 1e-9) else "missed"
            outcomes.append(YearOutcome(year, target, state, found.value, found.number))
    return outcomes


def trend(certified: Sequence[Certified]) -> list[dict[str, Any]]:
    """Each product category and model's certified values by year of issue, oldest first,
    with the change against the previous point (percent)."""
    series: dict[tuple[str, str], list[Certified]] = {}
    for cert in sorted(certified, key=lambda c: (c.issued_on, c.number)):
        series.setdefault((cert.pcr_id or "", cert.product_model), []).append(cert)
    out = []
    for (pcr, model), certs in sorted(series.items()):
        points: list[dict[str, Any]] = []
        previous: float | None = None
        change: float | None
        for cert in certs:
            change = None if previous is None else 100 * (cert.value - previous) / previous
            points.append({"year": cert.issued_on.year, "issued_on": cert.issued_on.isoformat(),
                           "value": cert.value, "unit": cert.unit, "certificate": cert.number,
                           "status": cert.status, "change_percent": change})
            if cert.status not in NOT_COUNTED:
                previous = cert.value
        out.append({"pcr": pcr or None, "product_model": model, "points": points})
    return out
