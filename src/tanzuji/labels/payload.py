"""What a carbon label says, and the exact bytes its Ed25519 signature covers.

The label shows numbers that a buyer relies on, so every field that appears on it is in the
signed payload. The signature covers :func:`canonical` — the payload as compact JSON with sorted
keys, UTF-8, optional fields left out when empty — so any transport (QR link, SVG metadata, PNG
text chunk, JSON file) that carries the same fields verifies the same way, and anyone can check
a label with the published public key and a JSON library.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tanzuji import signing
from tanzuji.labels.errors import LabelError, label_error
from tanzuji.model.errors import Problem

ResultType = Literal["CFP", "partial_CFP"]
Boundary = Literal["cradle_to_grave", "cradle_to_gate", "gate_to_gate",
                   "cradle_to_gate_with_options", "partial"]
_DECIMAL = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


class LabelPayload(BaseModel):
    """The signed content of one carbon label (one certificate, one product model)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    format: Literal["tanzuji-label/1"] = Field("tanzuji-label/1",
                                               description="payload format and version")
    certificate: str = Field(min_length=1, description="certificate number")
    product_zh: str | None = Field(None, min_length=1, description="product name in Chinese")
    product_en: str | None = Field(None, min_length=1, description="product name in English")
    product_model: str = Field(min_length=1, description="model or specification certified")
    producer: str = Field(min_length=1)
    value: str = Field(pattern=_DECIMAL,
                       description="footprint as a decimal string with its significant digits")
    unit: str = Field(min_length=1, description="e.g. 'kg CO2e per 1 t hot-rolled coil'")
    result_type: ResultType = Field(description="CFP, or partial_CFP (shown as such)")
    boundary: Boundary
    pcr: str = Field(min_length=1, description="PCR id@version applied, or 'none'")
    certification_body: str = Field(min_length=1)
    issued: date
    valid_until: date
    verify_url: str = Field(description="base of the public verification pages, no trailing /")

    @model_validator(mode="after")
    def _consistent(self) -> LabelPayload:
        if self.product_zh is None and self.product_en is None:
            raise ValueError("a label names the product: give product_zh and/or product_en")
        if self.valid_until < self.issued:
            raise ValueError("valid_until is before issued")
        if (self.boundary == "cradle_to_grave") != (self.result_type == "CFP"):
            raise ValueError("a CFP has boundary cradle_to_grave, and any other boundary is a "
                             "partial_CFP")
        if not _URL.match(self.verify_url) or self.verify_url.endswith("/"):
            raise ValueError(f"verify_url {self.verify_url!r} is not an http(s) URL base "
                             "without query, fragment or trailing '/'")
        return self

    def to_json(self) -> dict[str, Any]:
        """The payload as JSON values, optional fields left out when empty."""
        return self.model_dump(mode="json", exclude_none=True)


def canonical(payload: LabelPayload) -> bytes:
    """The bytes the signature covers: sorted-key compact JSON, UTF-8."""
    return json.dumps(payload.to_json(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def parse_payload(data: object, source: str | None = None) -> LabelPayload:
    """A payload from JSON values; LabelError names ``source`` and each bad field."""
    try:
        return LabelPayload.model_validate(data)
    except ValidationError as exc:
        problems = [Problem("label-payload", e["msg"].removeprefix("Value error, "), file=source,
                            field=".".join(str(x) for x in e["loc"]) or None)
                    for e in exc.errors()]
        raise LabelError(problems) from None


def parse_canonical(data: bytes, source: str | None = None) -> LabelPayload:
    """A payload from its JSON bytes (canonical or not: the signature is checked on canonical)."""
    try:
        values = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise label_error(f"the label payload is not UTF-8 JSON: {exc}", source) from None
    return parse_payload(values, source)


def sign_payload(payload: LabelPayload, key_dir: Path | None = None) -> bytes:
    """The platform's Ed25519 signature of the canonical payload (64 bytes)."""
    return signing.sign(canonical(payload), key_dir)


def verify_payload(payload: LabelPayload, signature: bytes, public_key: Ed25519PublicKey) -> bool:
    """True when ``signature`` is the key holder's signature of exactly this payload."""
    return signing.verify(public_key, canonical(payload), signature)


def b64encode(data: bytes) -> str:
    """URL-safe base64 without padding (RFC 4648 §5), as in the QR link and metadata."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str, what: str, source: str | None = None) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise label_error(f"the {what} is not URL-safe base64", source)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise label_error(f"the {what} is not URL-safe base64: {exc}", source) from None


def envelope(payload: LabelPayload, signature: bytes) -> dict[str, Any]:
    """A signed label as one JSON document: ``{"payload": {...}, "signature": "<base64url>"}``."""
    return {"payload": payload.to_json(), "signature": b64encode(signature)}


def open_envelope(data: object, source: str | None = None) -> tuple[LabelPayload, bytes]:
    """The payload and signature of an :func:`envelope`; LabelError when either is missing."""
    if not isinstance(data, dict) or "payload" not in data:
        raise label_error("not a signed label: expected {\"payload\": …, \"signature\": …}",
                          source)
    signature = data.get("signature")
    if not isinstance(signature, str) or not signature:
        raise label_error("the label is unsigned", source, "signature")
    extra = sorted(set(data) - {"payload", "signature"})
    if extra:
        raise label_error(f"unexpected keys {', '.join(extra)}", source)
    return parse_payload(data["payload"], source), signature_bytes(signature, source)


def signature_bytes(text: str, source: str | None = None) -> bytes:
    raw = b64decode(text, "signature", source)
    if len(raw) != 64:
        raise label_error(f"the signature has {len(raw)} bytes, an Ed25519 signature has 64",
                          source, "signature")
    return raw
