"""The checks docs/labels.md shows: stdlib and `cryptography` only, no Tanzuji code."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tanzuji import signing
from tanzuji.labels.payload import LabelPayload
from tanzuji.labels.qr import encode_qr_payload
from tanzuji.labels.render import label_json

FIELDS = ["format", "product_zh", "product_en", "product_model", "producer", "value", "unit",
          "result_type", "boundary", "pcr", "certification_body", "issued", "valid_until"]


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def key(folder: Path) -> Ed25519PublicKey:
    loaded = load_pem_public_key((folder / signing.PUBLIC).read_bytes())
    assert isinstance(loaded, Ed25519PublicKey)
    return loaded


def test_json_label_checks_with_the_public_key_alone(payload: LabelPayload, signature: bytes,
                                                     key_dir: Path) -> None:
    label = json.loads(label_json(payload, signature))
    key(key_dir).verify(b64(label["signature"]), canonical(label["payload"]))
    label["payload"]["value"] = "1.130"
    with pytest.raises(InvalidSignature):
        key(key_dir).verify(b64(label["signature"]), canonical(label["payload"]))


def test_qr_text_checks_with_the_public_key_alone(payload: LabelPayload, signature: bytes,
                                                  key_dir: Path, other_key_dir: Path) -> None:
    link, fragment = encode_qr_payload(payload, signature).split("#")
    base, _, certificate = link.rpartition("/v/")
    values, encoded_signature = fragment.split(".")
    rebuilt = {k: v for k, v in zip(FIELDS, json.loads(b64(values)), strict=True)
               if v is not None}
    rebuilt.update(certificate=unquote(certificate), verify_url=base)
    key(key_dir).verify(b64(encoded_signature), canonical(rebuilt))
    with pytest.raises(InvalidSignature):
        key(other_key_dir).verify(b64(encoded_signature), canonical(rebuilt))
