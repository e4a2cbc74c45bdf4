"""The numbers the certification rules leave to configuration, read from the environment.

Each has a default that follows the CNCA pilot rules where they set one; an operator changes
it with a ``TANZUJI_CERT_*`` environment variable (a bad value is an error naming it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class CertConfig:
    min_auditors: int = 10  # full-time PCF auditors a body must employ (CNCA pilot)
    min_auditor_years: float = 2.0  # years of PCF work each of them needs (CNCA pilot)
    validity_years: int = 2  # certificate validity (CNCA pilot)
    tolerance_percent: float = 1.0  # PCF verification: recomputed vs declared value
    rotation_cases: int = 3  # consecutive cases of one applicant an auditor may serve
    fraud_bar_months: int = 36  # no new application after a withdrawal for fraud
    peer_disagreement_percent: float = 5.0  # peer re-verification vs the certificate value
    outlier_mad: float = 5.0  # industry distribution: robust z-score that raises a flag

    @classmethod
    def from_env(cls) -> CertConfig:
        """Defaults, overridden by ``TANZUJI_CERT_<FIELD>`` (e.g. TANZUJI_CERT_FRAUD_BAR_MONTHS)."""
        values: dict[str, int | float] = {}
        for f in fields(cls):
            name = f"TANZUJI_CERT_{f.name.upper()}"
            text = os.environ.get(name, "").strip()
            if not text:
                continue
            kind = int if f.type in (int, "int") else float
            try:
                value = kind(text)
            except ValueError:
                raise ValueError(f"{name}={text!r}: expected a {kind.__name__}") from None
            if value < 0:
                raise ValueError(f"{name}={text!r}: must not be negative")
            values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]
