"""Who may see and do what: the platform's confidentiality rules, in one place.

- An organisation's studies, inventories, results and evidence are visible to its members and
  to the certification body while that body holds an open case on the study.
- A supplier's customer sees the footprint the supplier declared and its data quality, never
  the inventory behind it.
- A regulator sees cases, certificates, bodies and statistics, not inventories.
- A procurement officer sees its buying organisation's criteria and screenings (regulators
  see screenings too); a bank sees a borrower's certified footprints only while the borrower
  consents.
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
INTAKE_STEPS = ("accept", "refuse", "plan")
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
        mine += INTAKE_STEPS + DECISION_STEPS
    if is_member(user, applicant):
        mine += APPLICANT_STEPS
    return mine


# what may be done to an issued certificate, by the party that does it
CERTIFICATE_DECISIONS = ("suspend", "restore", "withdraw", "label")
CERTIFICATE_AUDITS = ("surveil",)


def certificate_actions(user: Principal | None, applicant: str, body: str) -> tuple[str, ...]:
    """The holding body's decision-makers suspend, restore, withdraw and make labels; its
    auditors record surveillance results."""
    if user is None or user.organisation_id != body:
        return ()
    mine: tuple[str, ...] = ()
    if user.has("cb_decider"):
        mine += CERTIFICATE_DECISIONS
    if user.has("cb_auditor"):
        mine += CERTIFICATE_AUDITS
    return mine


def can_download_labels(user: Principal | None, applicant: str, body: str) -> bool:
    """The label artwork: the certificate holder and the body that issued it."""
    return can_see_case_files(user, applicant, body)


def can_see_all_cases(user: Principal | None) -> bool:
    return user is not None and user.has("regulator")


def can_see_statistics(user: Principal | None) -> bool:
    return user is not None and user.has("regulator", *CB_ROLES)


def can_see_oversight(user: Principal | None) -> bool:
    """The regulator's dashboards: certificates, flags and peer review across all bodies."""
    return user is not None and user.has("regulator")


# the roles an organisation's admin may give its users, by the organisation's kind
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    "enterprise": ("org_admin", "analyst", "consultant", "supplier"),
    "supplier": ("org_admin", "supplier", "analyst"),
    "consultant": ("org_admin", "consultant", "analyst"),
    "certification_body": ("org_admin", "cb_auditor", "cb_decider"),
    "regulator": ("org_admin", "regulator"),
    "public_buyer": ("org_admin", "procurement_officer"),
    "bank": ("org_admin", "bank"),
}


def grantable_roles(user: Principal | None) -> tuple[str, ...]:
    """What an organisation admin may grant in their own organisation: never a role of
    another kind of party (an enterprise admin cannot make a regulator)."""
    if user is None or not can_manage_users(user, user.organisation_id):
        return ()
    return GRANTABLE_ROLES.get(user.organisation_kind or "", ("org_admin",))


def can_manage_users(user: Principal | None, organisation_id: str | None) -> bool:
    return (user is not None and user.has("org_admin")
            and organisation_id is not None and user.organisation_id == organisation_id)


# -- case intake, certificates, credit, peer review, factor datasets ------------------------

# a case's intake, by the body holding it (the web's case_steps leave these to the API)
INTAKE_STEPS = ("accept", "refuse", "plan")
# who edits factor datasets (create, import, submit, publish) and who reviews them (never
# their own submission, the rule of tanzuji.factors.review); a role each, nothing else
FACTOR_ROLES = ("factor_editor", "factor_reviewer")


def can_maintain_factors(user: Principal | None) -> bool:
    """Open the factor datasets' working pages (drafts, imports, review): editors and
    reviewers; everyone else sees only the published releases in the public browser."""
    return user is not None and user.has(*FACTOR_ROLES)


def can_apply(user: Principal | None, applicant: str) -> bool:
    """Submit one of the organisation's studies to a body: its editors."""
    return can_edit_study(user, applicant)


def intake_steps(user: Principal | None, body: str) -> tuple[str, ...]:
    """Accept, refuse and plan a case: any certification role of the body holding it."""
    if user is not None and user.organisation_id == body and user.has(*CB_ROLES):
        return INTAKE_STEPS
    return ()


def can_manage_certificate(user: Principal | None, body: str) -> bool:
    """Suspend, restore, withdraw or cancel a certificate: the issuing body's deciders."""
    return user is not None and user.organisation_id == body and user.has("cb_decider")


def can_surveil(user: Principal | None, body: str) -> bool:
    """Record a surveillance result: the issuing body's auditors."""
    return user is not None and user.organisation_id == body and user.has("cb_auditor")


def can_make_label(user: Principal | None, applicant: str, body: str) -> bool:
    """Make a certificate's label: the holder's members and the issuing body."""
    return user is not None and (is_member(user, applicant) or (
        user.organisation_id == body and user.has(*CB_ROLES)))


def can_record_credit(user: Principal | None) -> bool:
    return user is not None and user.has("regulator")


def can_peer_review(user: Principal | None, reviewer_body: str) -> bool:
    """Re-verify other bodies' cases: a regulator for any body, a body for itself."""
    if user is None:
        return False
    return user.has("regulator") or (user.organisation_id == reviewer_body
                                     and user.has(*CB_ROLES))


def can_revoke_for(user: Principal | None, owner_id: int, owner_org: str | None) -> bool:
    """Revoke someone's tokens or sessions: themselves, or their organisation's admin."""
    if user is None:
        return False
    return user.user_id == owner_id or can_manage_users(user, owner_org)


# PACT host: a data owner's publications and the requests its clients send


def can_see_pact(user: Principal | None, owner: str) -> bool:
    """An organisation's PACT publications and the requests sent to it: its members."""
    return is_member(user, owner)


def can_publish_pact(user: Principal | None, owner: str) -> bool:
    """Publish, deprecate, release to recipients, fulfil or reject requests."""
    return can_edit_study(user, owner)


def can_set_pact_policy(user: Principal | None, owner: str) -> bool:
    """Whether only certified results may be published: the organisation's admin."""
    return can_manage_users(user, owner)


def pact_source_allowed(registered_events_url: str | None, source_events_url: str) -> bool:
    """A RequestCreated event is accepted only when its source is the events address
    registered for the client: the host never calls back an address a caller chose."""
    return (registered_events_url is not None
            and registered_events_url.casefold() == source_events_url.casefold())


# -- procurement, green finance, supply-chain overview --------------------------------------

PROCUREMENT_ROLES = ("procurement_officer",)
BANK_ROLES = ("bank",)


def can_screen(user: Principal | None) -> bool:
    """Set criteria and screen bids: a procurement officer of a buying organisation."""
    return (user is not None and user.organisation_id is not None
            and user.has(*PROCUREMENT_ROLES))


def can_see_screening(user: Principal | None, buyer: str) -> bool:
    """A screening record: the buyer's officers, and regulators overseeing procurement."""
    if user is None:
        return False
    return user.has("regulator") or (can_screen(user) and user.organisation_id == buyer)


def can_grant_consent(user: Principal | None, borrower: str) -> bool:
    """Only the borrower's administrator lets a bank see its certified footprints."""
    return user is not None and user.organisation_id == borrower and user.has("org_admin")


def is_bank(user: Principal | None) -> bool:
    return user is not None and user.organisation_id is not None and user.has(*BANK_ROLES)


def can_see_borrower(user: Principal | None, consenting_banks: Iterable[str]) -> bool:
    """A borrower's certified footprints, trend, declarations and assessment: a bank the
    borrower has consented to, and nobody else through the finance pages (without consent the
    bank sees nothing)."""
    return is_bank(user) and user is not None and user.organisation_id in set(consenting_banks)


def can_see_loan(user: Principal | None, bank: str, borrower: str) -> bool:
    """A loan's terms: the lending bank and the borrower's members."""
    if user is None:
        return False
    return (is_bank(user) and user.organisation_id == bank) or is_member(user, borrower)


def can_see_loan_path(user: Principal | None, bank: str, borrower: str,
                      consenting_banks: Iterable[str]) -> bool:
    """Whether a loan's path is met reads the borrower's certified results: the borrower's
    members, and the bank only while it holds the borrower's consent."""
    if user is None:
        return False
    if is_member(user, borrower):
        return True
    return user.organisation_id == bank and can_see_borrower(user, consenting_banks)


def can_see_supply_overview(user: Principal | None) -> bool:
    """The supply-chain overview of an organisation's own studies: its customer roles."""
    return (user is not None and user.organisation_id is not None
            and user.has(*CUSTOMER_ROLES))


def can_benchmark_study(user: Principal | None, owner: str) -> bool:
    """A study's grade, weak links and reduction scenarios read its inventory and breakdown
    against the category: the owner's members only (a certifying body verifies, it does not
    plan reductions)."""
    return is_member(user, owner)


# -- supplier exchange: footprint requests, received footprints, PACT partners --------------


def can_request_footprints(user: Principal | None) -> bool:
    """Send footprint requests and see what was received: a customer organisation's staff."""
    return user is not None and user.organisation_id is not None and user.has(*CUSTOMER_ROLES)


def can_see_request(user: Principal | None, customer: str | None, supplier: str | None) -> bool:
    """A request: the customer's staff who may request, and the supplier's members."""
    if user is None or user.organisation_id is None:
        return False
    if user.organisation_id == customer and can_request_footprints(user):
        return True
    return supplier is not None and is_member(user, supplier)


def can_answer_request(user: Principal | None, supplier: str | None) -> bool:
    """Fill the questionnaire, publish or decline: the supplier organisation's members."""
    return supplier is not None and is_member(user, supplier)


def can_manage_partners(user: Principal | None) -> bool:
    """PACT partners hold credentials: an organisation's administrators only."""
    return user is not None and user.organisation_id is not None and user.has("org_admin")
