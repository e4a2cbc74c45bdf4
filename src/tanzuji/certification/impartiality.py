"""Impartiality (ISO/IEC 17065 practice, CNCA pilot): who may not audit or decide a case.

A relationship links a subject (a body, an auditor or a consultant) to another party:
``consultancy`` (advice on a product model, or on all products when no model is named),
``ownership`` (either owns the other) or ``shared_staff``. A body, or an auditor of its team,
with such a link to the applicant is barred; so is one linked by ownership or shared staff
to a consultant who advised the applicant on the product. Auditors rotate: one who served the
applicant's last ``rotation_cases`` cases in a row sits the next out. The person who decides a
case never audited it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KINDS = ("consultancy", "ownership", "shared_staff")


@dataclass(frozen=True)
class Relationship:
    subject: str
    kind: str
    other: str
    product_model: str | None = None  # consultancy on this model only; None: every product


def _links(relations: Iterable[Relationship], a: str, b: str,
           product_model: str) -> list[Relationship]:
    """Relationships between ``a`` and ``b`` (either way) that matter for this product."""
    return [r for r in relations if {r.subject, r.other} == {a, b}
            and (r.kind != "consultancy" or r.product_model in (None, product_model))]


def conflicts(party: str, applicant: str, product_model: str,
              relations: Sequence[Relationship]) -> list[str]:
    """Why ``party`` (a body or auditor id) is not impartial towards the applicant for this
    product model (empty: it is)."""
    found = [f"{party} has a {r.kind.replace('_', ' ')} relationship with the applicant "
             f"{applicant}" + (f" (product {r.product_model})" if r.product_model else "")
             for r in _links(relations, party, applicant, product_model)]
    advisers = {r.subject for r in relations if r.kind == "consultancy" and r.other == applicant
                and r.product_model in (None, product_model)}
    for adviser in sorted(advisers - {party}):
        for r in _links(relations, party, adviser, product_model):
            if r.kind != "consultancy":
                found.append(f"{party} has a {r.kind.replace('_', ' ')} relationship with "
                             f"{adviser}, the applicant's consultant on {product_model}")
    return found


def rotation_problem(auditor: str, previous_teams: Sequence[Sequence[str]],
                     max_consecutive: int) -> str | None:
    """``previous_teams``: the teams of the applicant's earlier cases, oldest first. An auditor
    on each of the last ``max_consecutive`` must rotate out."""
    if max_consecutive <= 0 or len(previous_teams) < max_consecutive:
        return None
    if all(auditor in team for team in previous_teams[-max_consecutive:]):
        return (f"auditor {auditor} served the applicant's last {max_consecutive} cases in a "
                "row and must rotate out")
    return None


def decider_problem(decider: str, team: Sequence[str]) -> str | None:
    if decider in team:
        return f"{decider} audited this case and cannot decide it"
    return None
