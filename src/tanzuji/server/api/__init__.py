"""The JSON API, one router per resource; all mounted under /api by the app."""

from __future__ import annotations

from fastapi import APIRouter

from tanzuji.server.api import (
    auth,
    certification,
    declarations,
    evidence,
    factors,
    jobs,
    ledger,
    pcrs,
    reports,
    studies,
    supply,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router, studies.router, jobs.router, factors.router, pcrs.router, reports.router,
    declarations.router, certification.router, ledger.router, evidence.router, supply.router,
)
