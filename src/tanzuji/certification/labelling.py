"""Labels of certificates: made from the registry's record, signed, drawn and checked.

A label is made only for a valid certificate and is recorded with its signed payload, so the
flags can later compare what labels show with what certificates say.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanzuji.certification import registry
from tanzuji.certification.errors import CertificationError
from tanzuji.certification.flags import shown_value
from tanzuji.labels.payload import LabelPayload, parse_payload, sign_payload, verify_payload
from tanzuji.labels.qr import encode_qr_payload
from tanzuji.labels.read import read_label
from tanzuji.labels.render import label_json, render_label
from tanzuji.store.certification_db import CertificationDB

VERIFY_ENV = "TANZUJI_VERIFY_URL"
DEFAULT_VERIFY_URL = "https://registry.tanzuji.org"


def verify_url() -> str:
    """The base of the public verification pages (``TANZUJI_VERIFY_URL``)."""
    return os.environ.get(VERIFY_ENV, "").strip().rstrip("/") or DEFAULT_VERIFY_URL


def payload_for(cert: dict[str, Any]) -> LabelPayload:
    """The label payload of a certificate record (:meth:`CertificationDB.certificate`)."""
    boundary = cert["boundary"]
    return parse_payload({
        "certificate": cert["number"], "product_zh": cert.get("product_zh"),
        "product_en": cert["product"], "product_model": cert["product_model"],
        "producer": cert["producer"] or cert["applicant"],
        "value": shown_value(cert["value"]), "unit": cert["unit"],
        "result_type": "CFP" if boundary == "cradle_to_grave" else "partial_CFP",
        "boundary": boundary, "pcr": cert["pcr"] or "none",
        "certification_body": cert["body_name"], "issued": cert["issued_on"],
        "valid_until": cert["valid_until"], "verify_url": verify_url(),
    }, f"certificate {cert['number']}")


def make_label(db: CertificationDB, number: str, out: Path, actor: str,
               on: dt.date | None = None) -> list[Path]:
    """Sign, record and write the label of a valid certificate: .svg, .png, .json and the QR
    text (.txt); returns the files written."""
    cert = db.certificate(number, on)
    if cert is None:
        raise CertificationError(f"no certificate {number!r}", "certificate")
    payload = payload_for(cert)
    signature = sign_payload(payload)
    db.add_label(number, payload.to_json(), signature, float(payload.value), actor, on)
    svg, png = render_label(payload, signature)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / number
    files = {".svg": svg.encode("utf-8"), ".png": png,
             ".json": label_json(payload, signature).encode("utf-8"),
             ".txt": (encode_qr_payload(payload, signature) + "\n").encode("utf-8")}
    written = []
    for suffix, data in files.items():
        path = stem.with_suffix(suffix)
        path.write_bytes(data)
        written.append(path)
    return written


def verify_label(source: Path | str, public_key: Ed25519PublicKey,
                 db: CertificationDB | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """Check a label file (or QR text) offline against the public key and, given ``db``,
    online against the registry's current record."""
    payload, signature = read_label(source)
    if db is not None:
        answer = registry.check_payload(db, payload, signature, public_key, on)
    else:
        signed = verify_payload(payload, signature, public_key)
        answer = {"certificate": payload.certificate, "signature_valid": signed, "ok": signed,
                  "warnings": [] if signed else [registry.warn("signature")]}
    answer["payload"] = payload.to_json()
    answer["online"] = db is not None
    return answer
