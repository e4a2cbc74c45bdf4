"""The PACT host's settings, read from ``TANZUJI_PACT_*`` when the app is made."""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class PactConfig:
    """``allow_http`` lets the PACT routes answer over plain HTTP (local tests only: the spec
    wants HTTPS for every action). ``transport`` replaces the network for outbound events in
    tests; ``timeout`` bounds each outbound call."""

    allow_http: bool = False
    token_minutes: int = 60
    timeout: float = 10.0
    transport: httpx.BaseTransport | None = None

    @classmethod
    def from_env(cls) -> PactConfig:
        flag = os.environ.get("TANZUJI_PACT_ALLOW_HTTP", "").strip().lower()
        minutes = os.environ.get("TANZUJI_PACT_TOKEN_MINUTES", "").strip()
        return cls(allow_http=flag in ("1", "true", "yes", "on"),
                   token_minutes=int(minutes) if minutes else 60)
