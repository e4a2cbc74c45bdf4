"""The server's configuration, read once from the environment so every worker agrees."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tanzuji.signing import key_dir
from tanzuji.store.db import database_url

EVIDENCE_TYPES = (
    "application/pdf", "text/csv", "text/plain", "application/json", "image/png", "image/jpeg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "application/xml", "text/xml",
)


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from ``TANZUJI_*`` variables (see docs/server.md)."""

    database_url: str = field(default_factory=database_url)
    key_dir: Path = field(default_factory=key_dir)
    session_cookie: str = "tanzuji_session"
    session_hours: float = 12.0
    cookie_secure: bool = False
    token_minutes: int = 60
    max_upload_bytes: int = 10 * 1024 * 1024
    max_evidence_bytes: int = 20 * 1024 * 1024
    evidence_types: tuple[str, ...] = EVIDENCE_TYPES
    login_max_failures: int = 5
    login_window_seconds: int = 900
    dask_scheduler: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # a queued or running job without a heartbeat for this long lost its worker
    job_timeout_seconds: float = 300.0
    # a factor file larger than this is imported as a job (202 and a job to poll)
    factor_import_job_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=database_url(),
            key_dir=key_dir(),
            session_cookie=_env("TANZUJI_SESSION_COOKIE", "tanzuji_session"),
            session_hours=float(_env("TANZUJI_SESSION_HOURS", "12")),
            cookie_secure=_flag("TANZUJI_COOKIE_SECURE", False),
            token_minutes=int(_env("TANZUJI_TOKEN_MINUTES", "60")),
            max_upload_bytes=int(_env("TANZUJI_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
            max_evidence_bytes=int(_env("TANZUJI_MAX_EVIDENCE_BYTES", str(20 * 1024 * 1024))),
            login_max_failures=int(_env("TANZUJI_LOGIN_MAX_FAILURES", "5")),
            login_window_seconds=int(_env("TANZUJI_LOGIN_WINDOW_SECONDS", "900")),
            dask_scheduler=os.environ.get("TANZUJI_DASK_SCHEDULER", "").strip() or None,
            public_base_url=_env("TANZUJI_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            job_timeout_seconds=float(_env("TANZUJI_JOB_TIMEOUT_SECONDS", "300")),
            factor_import_job_bytes=int(_env("TANZUJI_FACTOR_IMPORT_JOB_BYTES",
                                             str(1024 * 1024))),
        )
