"""The platform's Ed25519 signing key: tree heads of the ledger and label payloads are signed
with it, and anyone holding the published public key can check them offline.

The key lives in ``TANZUJI_KEY_DIR`` (default ``./var/keys``): ``platform-ed25519.pem``
(private, PKCS#8, readable by the owner only) and ``platform-ed25519.pub.pem`` (public,
to be published). ``tanzuji db init`` creates it once; it is never regenerated silently,
because every signature made so far depends on it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet
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


def secrets_key(name: str, directory: Path | None = None) -> Fernet:
    """The symmetric key (file ``name`` in the key folder, owner-readable only, made on first
    use) that encrypts secrets the platform must read back, such as partners' credentials."""
    folder = directory or key_dir()
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(descriptor, "wb") as fh:
                fh.write(Fernet.generate_key())
    return Fernet(path.read_bytes().strip())


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


# -- signed documents: a screening record or a footprint declaration, checked offline --------

DOCUMENT_FORMAT = "tanzuji-signed-document/v1"


def document_bytes(kind: str, document: dict[str, Any]) -> bytes:
    """What a document signature covers: canonical JSON of the kind and the document (sorted
    keys, no blanks, UTF-8), so any JSON library can rebuild the bytes; the kind keeps a
    screening record's signature from being taken for a declaration's."""
    return json.dumps({"format": DOCUMENT_FORMAT, "kind": kind, "document": document},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the public key's DER encoding (the ledger's tree heads name keys so too)."""
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign_document(kind: str, document: dict[str, Any],
                  directory: Path | None = None) -> dict[str, Any]:
    """An envelope ``{format, kind, document, signature, key_id}`` signed with the platform key."""
    key = signing_key(directory)
    return {"format": DOCUMENT_FORMAT, "kind": kind, "document": document,
            "signature": key.sign(document_bytes(kind, document)).hex(),
            "key_id": key_id(key.public_key())}


def check_document(envelope: Any, public: Ed25519PublicKey,
                   kind: str | None = None) -> list[str]:
    """The problems of a signed envelope (empty when the signature verifies with ``public``)."""
    if not isinstance(envelope, dict):
        return ["not a signed document (a JSON object is expected)"]
    problems = []
    if envelope.get("format") != DOCUMENT_FORMAT:
        problems.append(f"format: not {DOCUMENT_FORMAT}")
    if kind is not None and envelope.get("kind") != kind:
        problems.append(f"kind: {envelope.get('kind')!r}, expected {kind!r}")
    document, signature = envelope.get("document"), envelope.get("signature")
    if not isinstance(document, dict):
        problems.append("document: missing or not an object")
    if not isinstance(signature, str):
        problems.append("signature: missing")
    if problems or not isinstance(document, dict) or not isinstance(signature, str):
        return problems
    if envelope.get("key_id") != key_id(public):
        return [f"key_id: signed by key {envelope.get('key_id')}, not by the key given"]
    try:
        raw = bytes.fromhex(signature)
        data = document_bytes(str(envelope["kind"]), document)
    except (ValueError, TypeError) as exc:
        return [f"signature or document unreadable: {exc}"]
    if not verify(public, data, raw):
        return ["signature: does not verify with the key given (the document was changed "
                "after signing, or another key signed it)"]
    return []
