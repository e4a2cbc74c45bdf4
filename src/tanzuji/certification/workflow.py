"""The CNCA case workflow as pure rules.

applied --accept--> accepted --plan--> planned --review--> reviewed --inspect--> inspected
--verify (within tolerance)--> verified --decide grant--> granted --issue--> certified.
``refuse`` ends a case at acceptance; ``decide`` with a refusal ends it after inspection.
Findings (non-conformities) can be raised from acceptance until the decision; a grant needs
every finding closed and a passed PCF verification. A failed verification leaves the case
inspected with a finding, to be verified again once the finding is closed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tanzuji.certification.errors import CertificationError

STATES = ("applied", "accepted", "planned", "reviewed", "inspected", "verified", "granted",
          "certified", "refused")
# action -> (states it may start from, state it leads to)
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("applied",), "accepted"),
    "refuse": (("applied",), "refused"),
    "plan": (("accepted", "planned"), "planned"),
    "review": (("planned",), "reviewed"),
    "inspect": (("reviewed",), "inspected"),
    "verify": (("inspected", "verified"), "verified"),
    "grant": (("verified",), "granted"),
    "deny": (("inspected", "verified"), "refused"),
    "issue": (("granted",), "certified"),
}
FINDINGS_OPEN_IN = ("accepted", "planned", "reviewed", "inspected", "verified")
REQUIRED_DOCUMENTS = ("process_flow", "bom", "inventory")


@dataclass(frozen=True)
class Finding:
    number: int
    severity: str  # major or minor
    text: str
    closed: bool


def next_state(state: str, action: str) -> str:
    """The state after ``action``; CertificationError when the step is out of order."""
    if action not in STEPS:
        raise CertificationError(f"unknown case action {action!r}")
    starts, to = STEPS[action]
    if state not in starts:
        raise CertificationError(f"the case is {state}; {action} needs it to be "
                                 f"{' or '.join(starts)}", "state")
    return to


def check_documents(documents: Sequence[str]) -> None:
    missing = [d for d in REQUIRED_DOCUMENTS if d not in documents]
    if missing:
        raise CertificationError(f"the application lacks {', '.join(missing)}", "documents")


def check_grant(findings: Sequence[Finding], verification_passed: bool | None) -> None:
    """A grant needs a passed PCF verification and no open finding."""
    open_ = [f for f in findings if not f.closed]
    if open_:
        raise CertificationError(
            f"{len(open_)} finding(s) still open: "
            + "; ".join(f"#{f.number} ({f.severity}) {f.text}" for f in open_), "findings")
    if not verification_passed:
        raise CertificationError("the PCF verification has not passed", "verification")


def check_finding_allowed(state: str) -> None:
    if state not in FINDINGS_OPEN_IN:
        raise CertificationError(f"the case is {state}: findings are raised between acceptance "
                                 "and the decision", "state")


@dataclass(frozen=True)
class Verification:
    declared: float
    recomputed: float
    tolerance_percent: float

    @property
    def difference_percent(self) -> float:
        if self.declared == 0:
            return 0.0 if self.recomputed == 0 else float("inf")
        return 100.0 * (self.recomputed - self.declared) / abs(self.declared)

    @property
    def passed(self) -> bool:
        return abs(self.difference_percent) <= self.tolerance_percent


@dataclass(frozen=True)
class StoredFile:
    """A file of an application: ``role`` is study, input, or a document kind."""

    role: str
    path: str
    content: bytes


@dataclass(frozen=True)
class Application:
    """What an application brings: the study's facts, its files and the declared value."""

    product: str
    product_zh: str | None
    product_model: str
    producer: str | None
    site: str | None
    pcr_id: str | None  # id@version of the library PCR the study names
    cpc: str | None
    unit: str
    functional_unit: str
    boundary: str
    declared_value: float
    study_file: str
    study_sha256: str
    releases: tuple[str, ...]
    gec_serials: tuple[str, ...]
    files: tuple[StoredFile, ...]


@dataclass(frozen=True)
class Recomputed:
    """What a recalculation of the stored study gives."""

    total: float
    model_sha256: str
    releases: tuple[str, ...]


Recompute = Callable[[Sequence[StoredFile], Sequence[str]], Recomputed]
