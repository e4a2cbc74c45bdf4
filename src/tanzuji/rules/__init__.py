"""The rules: the PCR format and library, and conformance checks of a study and its result.

``load_library()`` gives the shipped PCRs by id; ``check_study(study, result, pcr)`` gives the
findings of the GB/T 24067 checklist, tightened by the PCR where one applies.
"""

from __future__ import annotations

from tanzuji.rules.checks import RULES, check_study
from tanzuji.rules.findings import Finding, has_errors
from tanzuji.rules.library import find_pcr, get_pcr, load_library, load_pcr
from tanzuji.rules.pcr import PCR

__all__ = ["PCR", "RULES", "Finding", "check_study", "find_pcr", "get_pcr", "has_errors",
           "load_library", "load_pcr"]
