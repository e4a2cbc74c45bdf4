"""The text of a label's QR code: a link to the public record that also carries the signed label.

``<verify_url>/v/<certificate>#<base64url(fields)>.<base64url(signature)>``

A phone opens the registry page (browsers never send the part after ``#``), and an offline
checker rebuilds the whole payload from the link alone. To keep the code small enough to scan
on a printed label, the fragment holds the payload's values as a JSON array in field order
(:data:`QR_FIELDS`) rather than a keyed object, and leaves out the two fields the link already
shows: the verification base (everything before ``/v/``) and the certificate number. The
signature covers the canonical payload, not these bytes, so the rebuilt payload verifies only
if the link's base and certificate are the signed ones: a QR re-pointed at another site fails.
"""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

from tanzuji.labels.errors import label_error
from tanzuji.labels.payload import (
    LabelPayload,
    b64decode,
    b64encode,
    parse_payload,
    signature_bytes,
)

#: The payload fields, in order, that the QR fragment carries.
QR_FIELDS = tuple(name for name in LabelPayload.model_fields
                  if name not in ("certificate", "verify_url"))
PATH = "/v/"


def verification_link(payload: LabelPayload) -> str:
    """The public verification page of the label's certificate."""
    return f"{payload.verify_url}{PATH}{quote(payload.certificate, safe='')}"


def encode_qr_payload(payload: LabelPayload, signature: bytes) -> str:
    """The QR text: the verification link with the signed label in its fragment."""
    values = payload.model_dump(mode="json")
    fields = json.dumps([values[name] for name in QR_FIELDS], separators=(",", ":"),
                        ensure_ascii=False).encode("utf-8")
    return f"{verification_link(payload)}#{b64encode(fields)}.{b64encode(signature)}"


def decode_qr_payload(text: str, source: str | None = None) -> tuple[LabelPayload, bytes]:
    """The payload and signature in a QR text; LabelError (naming ``source``) when malformed."""
    where = source or "QR code"
    link, hash_mark, fragment = text.strip().partition("#")
    base, slash_v, certificate = link.rpartition(PATH)
    if not slash_v or not certificate or "/" in certificate:
        raise label_error(f"not a label link: expected <base>{PATH}<certificate>#…", where)
    if not hash_mark or fragment.count(".") != 1:
        raise label_error("the link carries no signed label (expected #<fields>.<signature>)",
                          where)
    encoded, encoded_signature = fragment.split(".")
    try:
        values = json.loads(b64decode(encoded, "label fields", where).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise label_error(f"the label fields are not UTF-8 JSON: {exc}", where) from None
    if not isinstance(values, list) or len(values) != len(QR_FIELDS):
        raise label_error(f"the label fields are not a list of {len(QR_FIELDS)} values", where)
    data = {name: value for name, value in zip(QR_FIELDS, values, strict=True)
            if value is not None}
    data.update(certificate=unquote(certificate), verify_url=base)
    return parse_payload(data, where), signature_bytes(encoded_signature, where)
