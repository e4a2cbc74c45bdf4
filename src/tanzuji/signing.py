"""The platform's Ed25519 signing key: tree heads of the ledger and label payloads are signed
with it, and anyone holding the published public key can check them offline.

The key lives in ``TANZUJI_KEY_DIR`` (default ``./var/keys``): ``platform-ed25519.pem``
(private, PKCS#8, readable by the owner only) and ``platform-ed25519.pub.pem`` (public,
to be published). ``tanzuji db init`` creates it once; it is never regenerated silently,
because every signature made so far depends on it.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ENV_VAR = "TANZUJI_KEY_DIR"
PRIVATE = "platform-ed25519.pem"
PUBLIC = "platform-ed25519.pub.pem"


class SigningKeyError(Exception):
    """The signing key is missing or unreadable."""


def key_dir() -> Path:
    return Path(os.environ.get(ENV_VAR, "").strip() or "var/keys")


def ensure_key(directory: Path | None = None) -> bool:
    """Create the platform key pair if there is none; True when one was created."""
    folder = directory or key_dir()
    private = folder / PRIVATE
    if private.exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(pem)
    (folder / PUBLIC).write_bytes(public_pem(key.public_key()))
    return True


def signing_key(directory: Path | None = None) -> Ed25519PrivateKey:
    """The platform's private key; SigningKeyError says how to create it when it is missing."""
    path = (directory or key_dir()) / PRIVATE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"{path}: no signing key; run `tanzuji db init`") from None
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"{path}: cannot read the signing key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public(pem: bytes, source: str = "public key") -> Ed25519PublicKey:
    """A published public key (PEM); SigningKeyError names ``source`` when it is not one."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise SigningKeyError(f"{source}: not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{source}: not an Ed25519 public key")
    return key


def sign(data: bytes, directory: Path | None = None) -> bytes:
    return signing_key(directory).sign(data)


def verify(public: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True
