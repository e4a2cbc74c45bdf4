"""The FastAPI application: every API router under /api, the web pages, static files and
JSON errors, over one database engine per worker."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tanzuji import __version__
from tanzuji.server import errors, pact
from tanzuji.server.api import ROUTERS
from tanzuji.server.jobs import recover_lost_jobs
from tanzuji.server.settings import Settings
from tanzuji.store.db import make_engine
from tanzuji.store.platform_db import PlatformDB

WEB_STATIC = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The platform app for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = FastAPI(title="Tanzuji 碳足迹", version=__version__,
                  description="Product carbon footprints per GB/T 24067-2024 / ISO 14067: "
                              "studies, factors, PCRs, reports, declarations, certification, "
                              "labels and the ledger.")
    app.state.settings = settings
    app.state.platform = PlatformDB(make_engine(settings.database_url))
    recover_lost_jobs(app.state.platform, settings.job_timeout_seconds)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    pact.install(app)
    if importlib.util.find_spec("tanzuji.server.web.pages") is not None:
        pages = importlib.import_module("tanzuji.server.web.pages")
        app.include_router(pages.router)
        pages.install(app)
    if WEB_STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=WEB_STATIC), name="static")
    return app
