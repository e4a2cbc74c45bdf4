"""Peer review of bodies: a reproducible sample of another body's certified cases is
re-verified, and a difference beyond ``peer_disagreement_percent`` is a recorded disagreement."""

from __future__ import annotations

import random
from collections.abc import Sequence

from tanzuji.certification.errors import CertificationError


def sample(case_ids: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` of the cases (all when fewer), the same for the same seed."""
    if size <= 0:
        raise CertificationError("the sample needs at least one case", "sample")
    ordered = sorted(case_ids)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def check_reviewer(reviewer_body: str, certifying_body: str) -> None:
    if reviewer_body == certifying_body:
        raise CertificationError(f"body {reviewer_body} certified the case and cannot "
                                 "peer-review it", "reviewer")


def disagrees(certified: float, recomputed: float, percent: float) -> bool:
    if certified == 0:
        return recomputed != 0
    return abs(recomputed - certified) > abs(certified) * percent / 100.0
