"""Who may see and do what: the platform's confidentiality rules, in one place.

- An organisation's studies, inventories, results and evidence are visible to its members and
  to the certification body while that body holds an open case on the study.
- A supplier's customer sees the footprint the supplier declared and its data quality, never
  the inventory behind it.
- A regulator sees cases, certificates, bodies and statistics, not inventories.
- The public (anyone, logged in or not) sees the registry, published factor releases, the
  PCR library and the ledger's signed heads and proofs.
"""

from __future__ import annotations

from collections.abc import Iterable

from tanzuji.server.deps import Principal

MEMBER_ROLES = ("org_admin", "analyst", "supplier", "consultant")
EDITOR_ROLES = ("org_admin", "analyst", "supplier", "consultant")
CB_ROLES = ("cb_auditor", "cb_decider")
# who may see a customer's view of a supplier's declared footprint
CUSTOMER_ROLES = ("org_admin", "analyst", "consultant")


def is_member(user: Principal | None, organisation_id: str) -> bool:
    return (user is not None and user.organisation_id == organisation_id
            and user.has(*MEMBER_ROLES))


def can_read_study(user: Principal | None, owner: str, holding_bodies: Iterable[str]) -> bool:
    """The inventory, results, reports and evidence of a study."""
    if user is None:
        return False
    if is_member(user, owner):
        return True
    return user.has(*CB_ROLES) and user.organisation_id in set(holding_bodies)


def can_edit_study(user: Principal | None, owner: str) -> bool:
    """Upload, calculate, attach evidence, declare and share."""
    return (user is not None and user.organisation_id == owner
            and user.has(*EDITOR_ROLES))


def can_see_declared(user: Principal | None, owner: str, holding_bodies: Iterable[str],
                     customers: Iterable[str]) -> bool:
    """The declared footprint and data quality (not the inventory)."""
    if can_read_study(user, owner, holding_bodies):
        return True
    return (user is not None and user.organisation_id in set(customers)
            and user.has(*CUSTOMER_ROLES))


def can_see_case(user: Principal | None, applicant: str, body: str) -> bool:
    """A certification case: its applicant, the body holding it, and regulators."""
    if user is None:
        return False
    if user.has("regulator"):
        return True
    if user.has(*CB_ROLES) and user.organisation_id == body:
        return True
    return is_member(user, applicant)


def can_see_case_files(user: Principal | None, applicant: str, body: str) -> bool:
    """The inventory filed with a case: its applicant and the body holding it, not the
    regulator, who sees the case itself."""
    return user is not None and (is_member(user, applicant)
                                 or (user.has(*CB_ROLES) and user.organisation_id == body))


# the steps of a certification case, by the party that takes them
AUDIT_STEPS = ("review", "inspect", "verify", "finding")
DECISION_STEPS = ("grant", "deny", "issue")
APPLICANT_STEPS = ("close_finding",)


def case_steps(user: Principal | None, applicant: str, body: str) -> tuple[str, ...]:
    """The steps the caller may take on a case (whatever its state): the holding body's
    auditors audit, its decision-makers decide, the applicant's members answer findings."""
    if user is None or not can_see_case(user, applicant, body):
        return ()
    mine: tuple[str, ...] = ()
    if user.organisation_id == body and user.has("cb_auditor"):
        mine += AUDIT_STEPS
    if user.organisation_id == body and user.has("cb_decider"):
        mine += DECISION_STEPS
    if is_member(user, applicant):
        mine += APPLICANT_STEPS
    return mine


def can_see_all_cases(user: Principal | None) -> bool:
    return user is not None and user.has("regulator")


def can_see_statistics(user: Principal | None) -> bool:
    return user is not None and user.has("regulator", *CB_ROLES)


def can_manage_users(user: Principal | None, organisation_id: str | None) -> bool:
    return (user is not None and user.has("org_admin")
            and organisation_id is not None and user.organisation_id == organisation_id)
