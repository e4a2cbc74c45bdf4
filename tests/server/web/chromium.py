"""What the browser tests share: Debian's Chromium, where screenshots go, and logging in."""

from __future__ import annotations

import shutil

import pytest

from tests.server.web.conftest import PASSWORD, ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "web"

needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason="Debian chromium is not installed (`make test` installs it)")


def shot(page: object, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    assert path.stat().st_size > 1000


def log_in(page: object, base: str, user: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("#username", user)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("#login-submit")  # type: ignore[attr-defined]
    page.wait_for_selector("#dashboard")  # type: ignore[attr-defined]
