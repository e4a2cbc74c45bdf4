"""The QR link: opens the registry page, and carries the signed label for offline checks."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tanzuji.labels.errors import LabelError
from tanzuji.labels.payload import LabelPayload, b64encode, sign_payload, verify_payload
from tanzuji.labels.qr import QR_FIELDS, decode_qr_payload, encode_qr_payload, verification_link
from tests.labels.conftest import label_fields, public


def test_link_round_trip(payload: LabelPayload, signature: bytes) -> None:
    text = encode_qr_payload(payload, signature)
    assert text.startswith("https://labels.tanzuji.example.cn/v/CNCA-PCF-2026-000123#")
    assert text.split("#")[0] == verification_link(payload)
    assert decode_qr_payload(text) == (payload, signature)
    assert len(text) < 600  # small enough for a QR code that scans on a printed label


def test_fragment_holds_the_values_without_link_fields(payload: LabelPayload,
                                                       signature: bytes) -> None:
    fragment = encode_qr_payload(payload, signature).split("#")[1].split(".")[0]
    values = json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)))
    assert len(values) == len(QR_FIELDS)
    assert "certificate" not in QR_FIELDS and "verify_url" not in QR_FIELDS
    assert values[QR_FIELDS.index("value")] == "2.130"


def test_certificate_numbers_with_slashes_are_quoted(key_dir: Path) -> None:
    payload = LabelPayload.model_validate(label_fields(certificate="CQC/PCF 2026/7",
                                                       product_en=None))
    signature = sign_payload(payload, key_dir)
    text = encode_qr_payload(payload, signature)
    assert "/v/CQC%2FPCF%202026%2F7#" in text
    decoded, decoded_signature = decode_qr_payload(text)
    assert decoded == payload and decoded.product_en is None
    assert verify_payload(decoded, decoded_signature, public(key_dir))


def test_a_link_pointed_elsewhere_no_longer_verifies(payload: LabelPayload, signature: bytes,
                                                      key_dir: Path) -> None:
    text = encode_qr_payload(payload, signature)
    moved = text.replace("https://labels.tanzuji.example.cn", "https://labels.evil.example")
    decoded, decoded_signature = decode_qr_payload(moved)
    assert decoded.verify_url == "https://labels.evil.example"
    assert not verify_payload(decoded, decoded_signature, public(key_dir))
    other = text.replace("/v/CNCA-PCF-2026-000123#", "/v/CNCA-PCF-2026-000999#")
    assert not verify_payload(*decode_qr_payload(other), public(key_dir))


def test_malformed_links_say_what_is_wrong(payload: LabelPayload, signature: bytes) -> None:
    text = encode_qr_payload(payload, signature)
    link, fragment = text.split("#")
    fields, sig = fragment.split(".")
    cases = {
        "https://example.cn/about": "not a label link",
        link: "carries no signed label",
        f"{link}#{fields}": "carries no signed label",
        f"{link}#{fields}!.{sig}": "not URL-safe base64",
        f"{link}#{b64encode(b'[1,2]')}.{sig}": "not a list of 13 values",
        f"{link}#{b64encode(b'{')}.{sig}": "not UTF-8 JSON",
        f"{link}#{fields}.{sig[:-4]}": "an Ed25519 signature has 64",
    }
    for bad, message in cases.items():
        with pytest.raises(LabelError, match=message) as caught:
            decode_qr_payload(bad, "scan.txt")
        assert caught.value.problems[0].file == "scan.txt"
    values = json.loads(base64.urlsafe_b64decode(fields + "=" * (-len(fields) % 4)))
    values[QR_FIELDS.index("value")] = "lots"
    with pytest.raises(LabelError, match="should match pattern") as caught:
        decode_qr_payload(f"{link}#{b64encode(json.dumps(values).encode())}.{sig}")
    assert caught.value.problems[0].field == "value"
