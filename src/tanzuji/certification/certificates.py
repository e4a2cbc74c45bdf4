"""The certificate lifecycle: valid for ``validity_years`` (2 under the CNCA pilot), per
product model; every change of state has a reason, an actor and a time.

valid --change--> valid (scope, model, site or value changed; recorded), valid --suspend-->
suspended --restore--> valid; valid or suspended --withdraw--> withdrawn (撤销), --cancel-->
cancelled (注销), --expire--> expired (once the validity has passed). Withdrawn, cancelled
and expired are final.
"""

from __future__ import annotations

import datetime as dt

from tanzuji.certification.errors import CertificationError

STATUSES = ("valid", "suspended", "withdrawn", "cancelled", "expired")
FINAL = ("withdrawn", "cancelled", "expired")
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "change": (("valid",), "valid"),
    "suspend": (("valid",), "suspended"),
    "restore": (("suspended",), "valid"),
    "withdraw": (("valid", "suspended"), "withdrawn"),
    "cancel": (("valid", "suspended"), "cancelled"),
    "expire": (("valid", "suspended"), "expired"),
}
# what a change (变更) may touch
CHANGEABLE = ("product", "product_model", "site", "producer", "value")


def valid_until(issued: dt.date, years: int) -> dt.date:
    """The last day of validity: the day before the anniversary ``years`` on (29 Feb → 28 Feb)."""
    try:
        anniversary = issued.replace(year=issued.year + years)
    except ValueError:
        anniversary = issued.replace(year=issued.year + years, day=28)
    return anniversary - dt.timedelta(days=1)


def transition(status: str, action: str, reason: str, actor: str, *, until: dt.date,
               today: dt.date) -> str:
    """The status after ``action``; CertificationError when it is not allowed."""
    if action not in ACTIONS:
        raise CertificationError(f"unknown certificate action {action!r}")
    if not reason.strip():
        raise CertificationError(f"to {action} a certificate needs a reason", "reason")
    if not actor.strip():
        raise CertificationError("an action needs the name of who takes it", "by")
    starts, to = ACTIONS[action]
    if status not in starts:
        raise CertificationError(f"the certificate is {status}; {action} needs it to be "
                                 f"{' or '.join(starts)}", "status")
    if action == "expire" and today <= until:
        raise CertificationError(f"the certificate is valid until {until.isoformat()}",
                                 "valid_until")
    if action in ("change", "restore") and today > until:
        raise CertificationError(f"the certificate expired on {until.isoformat()}",
                                 "valid_until")
    return to


def effective_status(status: str, until: dt.date, today: dt.date) -> str:
    """What the public sees: a certificate past its validity is expired even before the
    expiry has been recorded."""
    if status not in FINAL and today > until:
        return "expired"
    return status
