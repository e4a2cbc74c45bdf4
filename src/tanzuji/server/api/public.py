"""The public product card for e-commerce sites and consumers: a certificate's live status,
certified value, grade and comparison with its category, in plain words, with the label
verification link. No login; readable from any origin; cached for a minute at most so that a
suspension or withdrawal shows within minutes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from tanzuji.benchmark.public import product_card
from tanzuji.server.deps import platform
from tanzuji.server.errors import not_found

router = APIRouter(tags=["public"])
CACHE_SECONDS = 60
Number = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$",
                             description="a certificate number")]


def public_headers() -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={CACHE_SECONDS}",
            "Access-Control-Allow-Origin": "*"}


@router.get("/public/products/{certificate}", response_model=dict[str, Any],
            summary="A certified product for shops and consumers: status, value, grade, "
                    "category comparison, verification link (public)")
def product(certificate: Number, request: Request) -> JSONResponse:
    card = product_card(platform(request).engine, certificate)
    if not card["found"]:
        raise not_found(f"certificate {certificate}", "certificate")
    card["verification_url"] = str(request.url_for("web_label", certificate=certificate))
    card["widget_url"] = str(request.url_for("web_widget", certificate=certificate))
    return JSONResponse(card, headers=public_headers())
