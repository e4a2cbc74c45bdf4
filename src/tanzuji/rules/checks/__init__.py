"""Conformance checks of a study and its result against the general rule and a PCR."""

from __future__ import annotations

from tanzuji.accounting.result import StudyResult
from tanzuji.model.loader import LineMap
from tanzuji.model.study import Study

# importing the topic modules registers their checks
from tanzuji.rules.checks import cutoff, data, electricity, method, scope
from tanzuji.rules.checks.base import RULES, Context, Rule
from tanzuji.rules.checks.confirm import confirmations
from tanzuji.rules.findings import Finding, sort_findings
from tanzuji.rules.pcr import PCR

__all__ = ["RULES", "Rule", "check_study", "cutoff", "data", "electricity", "method", "scope"]


def check_study(study: Study, result: StudyResult, pcr: PCR | None,
                lines: LineMap | None = None, confirm: bool = True) -> list[Finding]:
    """Every finding of every registered check, errors first; ``confirm`` adds the items a
    program cannot judge. ``lines`` (from loading the study) puts line numbers on findings."""
    ctx = Context(study, result, pcr, lines)
    findings: list[Finding] = []
    for rid, r in RULES.items():
        ctx.current = rid
        findings.extend(r.fn(ctx))
    if confirm:
        findings.extend(confirmations(study.study.stages.included(), pcr))
    return sort_findings(findings)
