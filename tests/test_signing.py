"""The platform key: created once, owner-only, and what it signs checks with the public key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tanzuji import signing


def test_key_is_created_once_and_signs(tmp_path: Path) -> None:
    assert signing.ensure_key(tmp_path) is True
    private = (tmp_path / signing.PRIVATE).read_bytes()
    assert signing.ensure_key(tmp_path) is False
    assert (tmp_path / signing.PRIVATE).read_bytes() == private  # never regenerated
    assert stat.S_IMODE((tmp_path / signing.PRIVATE).stat().st_mode) == 0o600
    public = signing.load_public((tmp_path / signing.PUBLIC).read_bytes())
    signature = signing.sign(b"label payload", tmp_path)
    assert signing.verify(public, b"label payload", signature)
    assert not signing.verify(public, b"label payload, edited", signature)


def test_missing_or_wrong_keys_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(signing.SigningKeyError, match="run `tanzuji db init`"):
        signing.signing_key(tmp_path)
    with pytest.raises(signing.SigningKeyError, match="not a PEM public key"):
        signing.load_public(b"hello", "published.pem")
