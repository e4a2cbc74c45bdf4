"""Automatic anti-fraud flags, as pure functions over what the store holds.

- LABEL-VALUE: a label shows a value other than its certificate's;
- CERT-USE: a label in use while its certificate is suspended, withdrawn, cancelled or expired;
- GEC-DOUBLE: one green-electricity certificate serial claimed by two products or customers;
- PCR-RANGE: a footprint outside the PCR's plausible range;
- INDUSTRY: a footprint far from the other certificates of its category (robust z-score).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tanzuji.model.study import Study

# GEC / green-power trading certificate serials as written in an input's evidence: after a
# GEC / 绿证 / I-REC marker, words of at least 8 letters, digits and dashes with a digit in them
_MARKER = re.compile(r"(?:\bGECs?\b|绿证|绿色电力证书|\bI-?RECs?\b|green[ -]?(?:power|electricity)"
                     r" certificates?)", re.IGNORECASE)
_SERIAL = re.compile(r"\b[A-Z0-9]*\d[A-Z0-9]*(?:-[A-Z0-9]+)*\b")
# a range: SERIAL..LAST-DIGITS (or – ~ TO), the last digits replacing the serial's tail
_RANGE = re.compile(r"(?P<stem>\b[A-Z0-9\-]*?)(?P<a>\d{4,})\s*(?:\.\.|–|~|\bTO\b)\s*(?P<b>\d+)\b")
SIGNIFICANT = 4  # digits a label shows


@dataclass(frozen=True)
class Flag:
    code: str
    subject: str  # certificate number, label, serial or case id
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "subject": self.subject, "message": self.message}


def gec_serials(study: Study) -> list[str]:
    """The GEC serials claimed in the study's input evidence; a range ``GEC-0001..0005`` is
    expanded (up to 10,000 serials) so overlapping ranges are caught too."""
    found: list[str] = []
    for process in study.processes:
        for inp in process.inputs:
            text = inp.evidence or ""
            marker = _MARKER.search(text)
            if not marker:
                continue
            rest = text[marker.end():]
            found.extend(_expand(rest))
    return sorted(set(found))


def _expand(part: str) -> list[str]:
    """The serials in one evidence text, its ranges spelled out."""
    found: list[str] = []

    def spread(m: re.Match[str]) -> str:
        a, b = m["a"], m["b"]
        last = int(a[: len(a) - len(b)] + b) if len(b) <= len(a) else -1
        if not 0 <= last - int(a) <= 10_000:
            return m.group(0)
        found.extend(f"{m['stem']}{n:0{len(a)}d}" for n in range(int(a), last + 1))
        return " "

    rest = _RANGE.sub(spread, part.upper())
    return found + [s for s in _SERIAL.findall(rest) if len(s) >= 8]


@dataclass(frozen=True)
class Claim:
    serial: str
    case_id: str
    applicant: str
    product_model: str


def double_claims(claims: Iterable[Claim]) -> list[Flag]:
    """Serials claimed by more than one (applicant, product model)."""
    by_serial: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for c in claims:
        by_serial[c.serial].add((c.applicant, c.product_model, c.case_id))
    flags = []
    for serial, holders in sorted(by_serial.items()):
        if len({(a, m) for a, m, _ in holders}) > 1:
            who = "; ".join(f"{a} {m} (case {c})" for a, m, c in sorted(holders))
            flags.append(Flag("GEC-DOUBLE", serial,
                              f"green-electricity certificate {serial} is claimed twice: {who}"))
    return flags


def shown_value(value: float, significant: int = SIGNIFICANT) -> str:
    """The value as a label prints it: ``significant`` digits, never an exponent."""
    return format(Decimal(f"{value:.{significant}g}"), "f")


def shown_differs(shown: str, certified: float) -> bool:
    """Whether a label's decimal text is not what the certified value prints as."""
    try:
        return Decimal(shown) != Decimal(shown_value(certified))
    except InvalidOperation:
        return True


def label_value(label: str, number: str, shown: str, certified: float) -> Flag | None:
    if shown_differs(shown, certified):
        return Flag("LABEL-VALUE", label, f"label {label} shows {shown}; certificate "
                                          f"{number} certifies {certified:g}")
    return None


def certificate_use(label: str, number: str, status: str) -> Flag | None:
    if status != "valid":
        return Flag("CERT-USE", label, f"label {label} is in use while certificate {number} is "
                                       f"{status}")
    return None


def pcr_range(subject: str, value: float, low: float, high: float, pcr_id: str) -> Flag | None:
    if not low <= value <= high:
        return Flag("PCR-RANGE", subject, f"{subject}: {value:g} is outside the plausible range "
                                          f"{low:g} – {high:g} of PCR {pcr_id}")
    return None


def industry_outliers(values: dict[str, float], category: str, threshold: float,
                      least: int = 5) -> list[Flag]:
    """Values whose robust z-score (median, MAD) within the category exceeds ``threshold``;
    nothing is judged with fewer than ``least`` values."""
    if len(values) < least:
        return []
    numbers: Sequence[float] = list(values.values())
    median = statistics.median(numbers)
    mad = statistics.median(abs(v - median) for v in numbers) * 1.4826
    if mad == 0:
        return []
    return [Flag("INDUSTRY", subject, f"{subject}: {v:g} is {abs(v - median) / mad:.1f} robust "
                                      f"deviations from the median {median:g} of {category}")
            for subject, v in sorted(values.items()) if abs(v - median) / mad > threshold]
