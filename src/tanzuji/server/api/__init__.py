"""The JSON API, one router per resource; all mounted under /api by the app."""

from __future__ import annotations

from fastapi import APIRouter

from tanzuji.server.api import (
    auth,
    benchmark,
    cases,
    certification,
    declarations,
    evidence,
    factor_ops,
    factors,
    finance,
    jobs,
    ledger,
    pcrs,
    procurement,
    public,
    reports,
    statistics,
    studies,
    supply,
    supply_overview,
    supply_requests,
    tokens,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router, studies.router, jobs.router, factors.router, pcrs.router, reports.router,
    declarations.router, certification.router, ledger.router, evidence.router,
    # before supply.router, whose /supply/{study_id} would catch /supply/requests
    supply_requests.router, supply_requests.partners_router, supply.router,
    statistics.router,
    cases.router, factor_ops.router, tokens.router,
    procurement.router, finance.router, supply_overview.router,
    benchmark.router, public.router,
)
