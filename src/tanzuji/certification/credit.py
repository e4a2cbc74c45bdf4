"""Credit records of bodies and enterprises, and what they forbid.

A record is a violation, a penalty or a blacklisting, with the date it happened and, for a
blacklisting, the date it ends (none: until lifted). A blacklisted body cannot take cases. An
enterprise whose certificate was withdrawn for fraud cannot apply again for
``fraud_bar_months`` months after the withdrawal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tanzuji.certification.errors import CertificationError

KINDS = ("violation", "penalty", "blacklist", "lift")
PARTIES = ("body", "enterprise")


@dataclass(frozen=True)
class CreditRecord:
    party_kind: str
    party_id: str
    kind: str
    on: dt.date
    until: dt.date | None = None
    fraud: bool = False


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def blacklisted(records: Sequence[CreditRecord], party_id: str, today: dt.date) -> bool:
    """On the blacklist today: the latest blacklisting or lifting up to today decides."""
    mine = sorted((r for r in records if r.party_id == party_id
                   and r.kind in ("blacklist", "lift") and r.on <= today), key=lambda r: r.on)
    if not mine or mine[-1].kind == "lift":
        return False
    last = mine[-1]
    return last.until is None or today <= last.until


def check_body_may_take_cases(records: Sequence[CreditRecord], body_id: str,
                              today: dt.date) -> None:
    if blacklisted(records, body_id, today):
        raise CertificationError(f"body {body_id} is blacklisted and cannot take cases", "body")


def check_enterprise_may_apply(records: Sequence[CreditRecord], enterprise: str,
                               today: dt.date, bar_months: int) -> None:
    """Refuse a blacklisted enterprise, and one within the bar after a fraud withdrawal."""
    if blacklisted(records, enterprise, today):
        raise CertificationError(f"enterprise {enterprise} is blacklisted", "applicant")
    for r in records:
        if r.party_id == enterprise and r.fraud and r.on <= today:
            ends = add_months(r.on, bar_months)
            if today < ends:
                raise CertificationError(
                    f"enterprise {enterprise} had a certificate withdrawn for fraud on "
                    f"{r.on.isoformat()} and cannot apply before {ends.isoformat()}",
                    "applicant")
