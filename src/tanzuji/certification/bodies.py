"""Certification bodies and their auditors: who may take a case of which product.

A body needs CNCA product-certification approval and the PCF pilot qualification, the product
category in its scope (a PCR id of the library, or a CPC code prefix), and at least
``min_auditors`` full-time PCF auditors with ``min_auditor_years`` of PCF work each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tanzuji.certification.config import CertConfig

BODY_STATES = ("active", "suspended", "withdrawn")


@dataclass(frozen=True)
class Auditor:
    id: str
    body_id: str
    name: str
    full_time: bool
    pcf_years: float
    categories: tuple[str, ...] = ()  # competence: PCR ids or CPC prefixes; empty = the body's


@dataclass(frozen=True)
class Body:
    id: str
    name: str
    cnca_approval: str | None  # CNCA approval number of the product-certification body
    pilot_qualified: bool
    categories: tuple[str, ...]  # PCR ids or CPC code prefixes in scope
    status: str = "active"


def covers(categories: Sequence[str], pcr_id: str | None, cpc: str | None) -> bool:
    """Whether a scope lists the product's PCR id (``id`` or ``id@version``), or a prefix of
    its CPC code."""
    pcr_id = pcr_id.partition("@")[0] if pcr_id else None
    for c in categories:
        if pcr_id and c == pcr_id:
            return True
        if cpc and c.isdigit() and cpc.startswith(c):
            return True
    return False


def qualified_auditors(auditors: Sequence[Auditor], config: CertConfig) -> list[Auditor]:
    return [a for a in auditors if a.full_time and a.pcf_years >= config.min_auditor_years]


def body_problems(body: Body, auditors: Sequence[Auditor], config: CertConfig) -> list[str]:
    """Why the body may not certify PCF labels at all (empty: it may)."""
    problems = []
    if body.status != "active":
        problems.append(f"body {body.id} is {body.status}")
    if not body.cnca_approval:
        problems.append(f"body {body.id} has no CNCA product-certification approval")
    if not body.pilot_qualified:
        problems.append(f"body {body.id} has no PCF label pilot qualification")
    staff = qualified_auditors([a for a in auditors if a.body_id == body.id], config)
    if len(staff) < config.min_auditors:
        problems.append(f"body {body.id} has {len(staff)} full-time PCF auditors with at least "
                        f"{config.min_auditor_years:g} years; the rules ask for "
                        f"{config.min_auditors}")
    return problems


def case_problems(body: Body, auditors: Sequence[Auditor], config: CertConfig,
                  pcr_id: str | None, cpc: str | None) -> list[str]:
    """Why the body may not take a case of this product (empty: it may)."""
    problems = body_problems(body, auditors, config)
    if not covers(body.categories, pcr_id, cpc):
        problems.append(f"the product (PCR {pcr_id or 'none'}, CPC {cpc or 'none'}) is not in "
                        f"the scope of body {body.id} ({', '.join(body.categories) or 'empty'})")
    return problems


def auditor_problems(auditor: Auditor, body: Body, config: CertConfig, pcr_id: str | None,
                     cpc: str | None) -> list[str]:
    """Why this auditor may not audit this product for this body (empty: they may)."""
    problems = []
    if auditor.body_id != body.id:
        problems.append(f"auditor {auditor.id} works for {auditor.body_id}, not {body.id}")
    if not auditor.full_time:
        problems.append(f"auditor {auditor.id} is not a full-time PCF auditor")
    if auditor.pcf_years < config.min_auditor_years:
        problems.append(f"auditor {auditor.id} has {auditor.pcf_years:g} years of PCF work; "
                        f"at least {config.min_auditor_years:g} are needed")
    if auditor.categories and not covers(auditor.categories, pcr_id, cpc):
        problems.append(f"auditor {auditor.id} is not competent for this product "
                        f"({', '.join(auditor.categories)})")
    return problems
