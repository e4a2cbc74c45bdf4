"""The ledger's signed tree head, the platform's public key, and proof bundles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from tanzuji.ledger.log import Ledger
from tanzuji.server.deps import Principal, platform, require, settings_of

router = APIRouter(tags=["ledger"])


class HeadOut(BaseModel):
    tree_size: int
    root_hash: str
    signed_at: str
    signature: str | None
    key_id: str | None


def _ledger(request: Request) -> Ledger:
    return Ledger(platform(request).engine, settings_of(request).key_dir)


@router.get("/ledger/head", response_model=HeadOut,
            summary="The newest signed tree head (or the unsigned head when none is stored)")
def head(request: Request) -> dict[str, Any]:
    ledger = _ledger(request)
    heads = ledger.heads()
    current = ledger.head(sign=False)
    if heads and heads[-1].tree_size == current.tree_size:
        return heads[-1].to_dict()
    return current.to_dict()


@router.get("/ledger/key", response_class=PlainTextResponse,
            summary="The platform's Ed25519 public key (PEM)")
def key(request: Request) -> str:
    return _ledger(request).public_pem()


@router.get("/ledger/proof", response_model=dict[str, Any],
            summary="An offline proof bundle of every entry of one object")
def prove(request: Request, _: Annotated[Principal, Depends(require())],
          kind: Annotated[str, Query(min_length=1, max_length=40)],
          object_id: Annotated[str, Query(min_length=1, max_length=200)]) -> dict[str, Any]:
    return _ledger(request).prove(kind, object_id)
