"""The signed payload: canonical bytes, signatures that break on any change, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from tanzuji.labels.errors import LabelError
from tanzuji.labels.layout import BOUNDARY_WORDS, TITLE
from tanzuji.labels.payload import (
    Boundary,
    LabelPayload,
    ResultType,
    canonical,
    envelope,
    open_envelope,
    parse_canonical,
    parse_payload,
    sign_payload,
    verify_payload,
)
from tanzuji.model.study import StudyInfo
from tests.labels.conftest import label_fields, public

CHANGES: dict[str, Any] = {
    "certificate": "CNCA-PCF-2026-000124", "product_zh": "冷轧卷板", "product_en": "Coil",
    "product_model": "Q345B", "producer": "另一家公司", "value": "2.13", "unit": "kg CO2e per 1 t",
    "result_type": "CFP", "boundary": "gate_to_gate", "pcr": "steel-bf-bof@1.1",
    "certification_body": "另一认证机构", "issued": "2026-11-02", "valid_until": "2028-10-30",
    "verify_url": "https://evil.example.com",
}


def test_canonical_bytes_are_sorted_compact_utf8(payload: LabelPayload) -> None:
    data = canonical(payload)
    text = data.decode("utf-8")
    assert "热轧卷板" in text  # not \\u-escaped
    assert '": ' not in text and '", "' not in text  # compact separators
    assert data.startswith(b'{"boundary":"cradle_to_gate","certificate":"CNCA-PCF-2026-000123"')
    values = json.loads(text)
    assert list(values) == sorted(values)
    assert values["value"] == "2.130"  # the significant digits stay as given
    assert values["format"] == "tanzuji-label/1"
    assert parse_canonical(data) == payload
    # optional fields left out, so a payload without them has no null keys
    no_en = LabelPayload.model_validate(label_fields(product_en=None))
    assert "product_en" not in json.loads(canonical(no_en))


def test_envelope_round_trip(payload: LabelPayload, signature: bytes) -> None:
    document = json.loads(json.dumps(envelope(payload, signature)))
    assert open_envelope(document) == (payload, signature)


def test_signature_verifies_and_fails_after_any_field_change(
        payload: LabelPayload, signature: bytes, key_dir: Path) -> None:
    key = public(key_dir)
    assert len(signature) == 64
    assert verify_payload(payload, signature, key)
    assert set(CHANGES) == set(LabelPayload.model_fields) - {"format"}
    for name, value in CHANGES.items():
        # a CFP is cradle to grave: change the boundary with the result type
        extra = {"boundary": "cradle_to_grave"} if name == "result_type" else {}
        changed = LabelPayload.model_validate(label_fields(**{name: value}, **extra))
        assert changed != payload, name
        assert not verify_payload(changed, signature, key), name
    assert not verify_payload(payload, signature[:-1] + bytes([signature[-1] ^ 1]), key)


def test_a_label_signed_with_one_key_fails_with_another(
        payload: LabelPayload, signature: bytes, other_key_dir: Path) -> None:
    assert not verify_payload(payload, signature, public(other_key_dir))
    assert verify_payload(payload, sign_payload(payload, other_key_dir), public(other_key_dir))


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"value": "2,13"}, "value", "should match pattern"),
    ({"value": "1e3"}, "value", "should match pattern"),
    ({"value": 2.13}, "value", "valid string"),
    ({"product_zh": None, "product_en": None}, None, "names the product"),
    ({"valid_until": "2026-10-01"}, None, "valid_until is before issued"),
    ({"result_type": "CFP"}, None, "a CFP has boundary cradle_to_grave"),
    ({"verify_url": "ftp://x.cn"}, None, "not an http(s) URL base"),
    ({"verify_url": "https://x.cn/"}, None, "trailing '/'"),
    ({"issued": "yesterday"}, "issued", "valid date"),
    ({"colour": "green"}, "colour", "Extra inputs"),
    ({"certificate": " "}, "certificate", "at least 1 character"),
])
def test_bad_payloads_name_the_field_and_source(changes: dict[str, Any], field: str | None,
                                                message: str) -> None:
    with pytest.raises(LabelError) as caught:
        parse_payload(label_fields(**changes), "label.json")
    problem = caught.value.problems[0]
    assert problem.file == "label.json"
    assert problem.field == field
    assert message in problem.message


def test_negative_values_are_decimals_too() -> None:
    assert LabelPayload.model_validate(label_fields(value="-0.50")).value == "-0.50"


@pytest.mark.parametrize(("document", "message"), [
    ({"payload": label_fields()}, "unsigned"),
    ({"payload": label_fields(), "signature": "AAAA"}, "has 3 bytes"),
    ({"payload": label_fields(), "signature": "not base64!"}, "not URL-safe base64"),
    ({"signature": "AAAA"}, "not a signed label"),
    ([1, 2], "not a signed label"),
])
def test_bad_envelopes(document: object, message: str) -> None:
    with pytest.raises(LabelError, match=message) as caught:
        open_envelope(document, "label.json")
    assert str(caught.value).startswith("label.json")


def test_payload_is_not_json() -> None:
    with pytest.raises(LabelError, match="not UTF-8 JSON"):
        parse_canonical(b"\xff{", "label.svg")


def test_codes_are_the_study_codes() -> None:
    info = StudyInfo.model_fields
    assert get_args(info["boundary"].annotation) == get_args(Boundary)
    assert get_args(info["result_type"].annotation) == get_args(ResultType)
    assert set(BOUNDARY_WORDS) == set(get_args(Boundary))
    assert set(TITLE) == set(get_args(ResultType))
