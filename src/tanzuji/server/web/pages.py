"""The web interface: server-rendered pages (zh/en) over the same services as the JSON API.

``create_app`` mounts :data:`router`; the site's CSS is served from ``web/static`` by the app,
and plotly.js from the ``plotly`` package itself and a CJK font from a PyPI font package, so
no page needs the network."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pylopdf_fonts_zh_cn
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import FileResponse

from tanzuji.server.web import (
    account,
    admin,
    benchmarking,
    certification,
    datasets,
    finance,
    guard,
    library,
    oversight,
    procurement,
    publications,
    registry,
    studies,
    supplier,
    supply_overview,
    widget,
)


def _plotly_js() -> Path:
    """plotly.min.js inside the installed ``plotly`` package, found without importing it."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package is not installed: pip install plotly")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


PLOTLY_JS = _plotly_js()

# every page that changes something needs the session's form token (web/guard.py)
router = APIRouter(include_in_schema=False, dependencies=[Depends(guard.csrf_guard)])


@router.get("/assets/plotly.min.js", name="web_plotly")
def plotly_js() -> FileResponse:
    """The plotly.js bundled with the installed ``plotly`` package (cached for a day)."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/assets/NotoSansSC-Regular.otf", name="web_cjk_font")
def cjk_font() -> FileResponse:
    """Noto Sans SC from the PyPI font package the PDF reports use: the last fallback of the
    page font stack, so Chinese renders where the system has no CJK font (a browser fetches
    it only for characters no earlier font has)."""
    return FileResponse(pylopdf_fonts_zh_cn.sans_path(), media_type="font/otf",
                        headers={"Cache-Control": "public, max-age=604800"})


def install(app: FastAPI) -> None:
    """What the pages need of the app itself: the 403 page answering a rejected form."""
    guard.install(app)


for part in (account, studies, library, certification, registry, oversight, admin,
             widget, benchmarking, supplier, procurement, finance, supply_overview,
             datasets, publications):
    router.include_router(part.router)
