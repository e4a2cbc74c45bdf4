"""The public registry: what anyone learns from a certificate number or a label's QR code.

A QR text is checked first (the signature against the platform's published key), then the
certificate's current status is looked up. Suspended, withdrawn, cancelled, expired and unknown
certificates, bad signatures and labels that show another value than their certificate each
come with a plain warning in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanzuji.certification.errors import CertificationError
from tanzuji.certification.flags import shown_differs
from tanzuji.labels.errors import LabelError
from tanzuji.labels.payload import LabelPayload, verify_payload
from tanzuji.labels.qr import decode_qr_payload
from tanzuji.store.certification_db import CertificationDB

WARNINGS: dict[str, tuple[str, str]] = {
    "suspended": ("该证书已被暂停，暂停期间不得使用碳足迹标识。",
                  "This certificate is suspended: the label must not be used while it is."),
    "withdrawn": ("该证书已被撤销，标识无效。",
                  "This certificate has been withdrawn: the label is not valid."),
    "cancelled": ("该证书已被注销，标识无效。",
                  "This certificate has been cancelled: the label is not valid."),
    "expired": ("该证书已过有效期（{until}），标识无效。",
                "This certificate expired ({until}): the label is not valid."),
    "unknown": ("登记中没有该证书编号，标识可能是伪造的。",
                "No certificate with this number is on record: the label may be counterfeit."),
    "signature": ("标识签名验证失败：标识在签发后被改动，或并非本平台签发。",
                  "The label's signature does not verify: it was altered after signing or "
                  "not issued by this platform."),
    "value": ("标识显示的碳足迹数值与证书不符。",
              "The label shows a footprint other than the certified one."),
}


def warn(key: str, **values: str) -> dict[str, str]:
    zh, en = WARNINGS[key]
    return {"code": key, "zh": zh.format(**values), "en": en.format(**values)}


def lookup_number(db: CertificationDB, number: str,
                  on: dt.date | None = None) -> dict[str, Any]:
    """The public record of a certificate: product, model, producer, value, validity, status
    and the warnings that apply (``ok`` is True only for a valid certificate)."""
    cert = db.public_certificate(number.strip(), on)
    if cert is None:
        return {"certificate": number, "found": False, "ok": False,
                "warnings": [warn("unknown")]}
    warnings = []
    if cert["status"] != "valid":
        warnings.append(warn(cert["status"], until=cert["valid_until"]))
    return {
        "certificate": cert["number"], "found": True, "ok": not warnings,
        "status": cert["status"], "product": cert["product"], "product_zh": cert["product_zh"],
        "product_model": cert["product_model"], "producer": cert["producer"],
        "value": cert["value"], "unit": cert["unit"],
        "functional_unit": cert["functional_unit"], "boundary": cert["boundary"],
        "certification_body": cert["body_name"], "issued_on": cert["issued_on"],
        "valid_until": cert["valid_until"], "warnings": warnings,
    }


def check_payload(db: CertificationDB, payload: LabelPayload, signature: bytes,
                  public_key: Ed25519PublicKey, on: dt.date | None = None) -> dict[str, Any]:
    """A label's payload against the key and the registry's current record."""
    signed = verify_payload(payload, signature, public_key)
    answer = lookup_number(db, payload.certificate, on)
    answer["signature_valid"] = signed
    answer["label_value"] = payload.value
    if not signed:
        answer["warnings"].insert(0, warn("signature"))
    elif answer["found"] and shown_differs(payload.value, answer["value"]):
        answer["warnings"].append(warn("value"))
    answer["ok"] = not answer["warnings"]
    return answer


def lookup(db: CertificationDB, query: str, public_key: Ed25519PublicKey | None,
           on: dt.date | None = None) -> dict[str, Any]:
    """By certificate number, or by the text of a label's QR code (a link with ``#``), whose
    signature is checked with ``public_key``."""
    text = query.strip()
    if text.startswith(("http://", "https://")) and "#" in text:
        if public_key is None:
            raise CertificationError("checking a QR code needs the platform's public key", "key")
        try:
            payload, signature = decode_qr_payload(text)
        except LabelError as exc:
            return {"certificate": None, "found": False, "ok": False, "signature_valid": False,
                    "warnings": [warn("signature")], "problems": [str(p) for p in exc.problems]}
        return check_payload(db, payload, signature, public_key, on)
    return lookup_number(db, text, on)
