"""What a check reports: one finding per broken rule, in Chinese and English, with a location."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["E", "W", "I"]
SEVERITY_ORDER = {"E": 0, "W": 1, "I": 2}


class Finding(BaseModel):
    """``E`` blocks a result, declaration or label; ``W`` must be justified in the report;
    ``I`` informs. ``confirm`` marks what a program cannot judge and the author must confirm."""

    rule: str = Field(description="stable rule id of the checklist, e.g. CUT-02")
    severity: Severity
    message_zh: str
    message_en: str
    location: str = Field(description="field path, process id or result part")
    line: int | None = Field(None, description="line in the study file, where known")
    confirm: bool = False


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, information and finally what the author confirms."""
    return sorted(findings, key=lambda f: (f.confirm, SEVERITY_ORDER[f.severity], f.rule))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "E" and not f.confirm for f in findings)
