"""What a declaration needs that a study does not hold: identifiers, verification, links.

It lives in a small YAML file beside the study (``STUDY.declaration.yaml`` by default), so the
study stays a description of the product system and the declaration facts can change without
changing the model hash. Nothing here is ever guessed: a declaration that needs a missing
field refuses with the field's name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.loader import parse_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Verification(_Strict):
    """Verification or certification of the result (DECL-01; PACT ``verification``)."""

    status: Literal["not_verified", "verified", "certified"] = "not_verified"
    body: str | None = Field(None, description="verification or certification body")
    certificate_number: str | None = None
    standard: str | None = Field(None, description="e.g. ISO 14064-3, CNCA rules")
    completed: dt.date | None = None
    coverage: Literal["PCF calculation model", "PCF program", "product level"] | None = Field(
        None, description="PACT verification coverage")

    @model_validator(mode="after")
    def _complete(self) -> Verification:
        if self.status != "not_verified" and not self.body:
            raise ValueError(f"a {self.status} result names its body")
        if self.status == "certified" and not self.certificate_number:
            raise ValueError("a certified result gives its certificate_number")
        if self.status == "not_verified" and (self.body or self.certificate_number):
            raise ValueError("body and certificate_number belong to a verified or certified "
                             "result; set status")
        return self


class DataQuality(_Strict):
    """PACT data quality ratings, 1 (best) to 5."""

    technological: float = Field(ge=1.0, le=5.0)
    geographical: float = Field(ge=1.0, le=5.0)
    temporal: float = Field(ge=1.0, le=5.0)


class Battery(_Strict):
    """Facts of an EU Batteries Regulation Art. 7(1) declaration that a study does not hold."""

    manufacturer_address: str = Field(description="postal address of the manufacturer")
    manufacturer_contact: str | None = Field(None, description="web or e-mail contact")
    plant_address: str | None = Field(None, description="address of the manufacturing plant")
    eu_declaration_of_conformity_id: str | None = None
    category: Literal["electric_vehicle", "light_means_of_transport", "industrial"] | None = None
    performance_class: str | None = Field(
        None, description="only once the Art. 7(2) delegated act defines the classes")


class DeclarationInfo(_Strict):
    declaration_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:\-]+$")
    issued: dt.date | None = Field(None, description="default: today")
    valid_from: dt.date | None = Field(None, description="default: end of the reference period")
    valid_until: dt.date | None = Field(None, description="default: 3 years after valid_from")
    public_report_url: str | None = Field(None, pattern=r"^https?://\S+$")
    significant_digits: int = Field(3, ge=2, le=6)
    verification: Verification = Field(default_factory=Verification)
    company_ids: list[str] = Field(default_factory=list, description="PACT company URNs")
    product_ids: list[str] = Field(default_factory=list, description="PACT product URNs")
    product_classifications: list[str] = Field(
        default_factory=list, description="URNs besides the study's UN CPC code")
    product_mass_per_declared_unit: float | None = Field(None, ge=0.0, description="kg")
    fossil_carbon_content: float | None = Field(None, ge=0.0, description="kg C per unit")
    exempted_emissions_percent: float | None = Field(None, ge=0.0, le=100.0)
    pcr_operator: str | None = Field(
        None, description="PEF, EPD International, or the name of another PCR operator")
    cross_sectoral_standards: list[str] = Field(default_factory=lambda: ["ISO14067"])
    data_quality: DataQuality | None = None
    battery: Battery | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DeclarationInfo:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


def field_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as ``a.b[0].c``."""
    return "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc).lstrip(".")


def default_info_path(study: str | Path) -> Path:
    """``pack.yaml`` → ``pack.declaration.yaml``."""
    p = Path(study)
    return p.with_name(f"{p.stem}.declaration.yaml")


def load_info(path: str | Path) -> DeclarationInfo:
    """Read a declaration info file; problems name the file, line and field."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise StudyError([Problem("file", f"cannot read: {exc.strerror or exc}", str(p))]) from None
    data, lines = parse_text(text, str(p))
    if data is None:
        return DeclarationInfo()
    if not isinstance(data, dict):
        raise StudyError([Problem("syntax", "the file must hold a mapping (key: value)",
                                  str(p), 1)])
    try:
        return DeclarationInfo.model_validate(data)
    except ValidationError as exc:
        raise StudyError([
            Problem("declaration-info", e["msg"].removeprefix("Value error, "), str(p),
                    lines.line_for(e["loc"]), field_path(e["loc"]))
            for e in exc.errors(include_url=False)
        ]) from None
