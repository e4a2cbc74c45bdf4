"""A steel coil label, signed with a key made for the test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanzuji import signing
from tanzuji.labels.payload import LabelPayload, sign_payload
from tanzuji.labels.render import render_label


def label_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "certificate": "CNCA-PCF-2026-000123", "product_zh": "热轧卷板",
        "product_en": "Hot-rolled coil", "product_model": "Q235B 3.0×1500 mm",
        "producer": "示例钢铁股份有限公司", "value": "2.130",
        "unit": "t CO2e per 1 t hot-rolled coil", "result_type": "partial_CFP",
        "boundary": "cradle_to_gate", "pcr": "steel-bf-bof@1.0",
        "certification_body": "示例认证中心", "issued": "2026-11-01",
        "valid_until": "2028-10-31", "verify_url": "https://labels.tanzuji.example.cn",
    }
    fields.update(changes)
    return fields


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    signing.ensure_key(folder)
    return folder


@pytest.fixture(scope="session")
def other_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("other-keys")
    signing.ensure_key(folder)
    return folder


@pytest.fixture(scope="session")
def payload() -> LabelPayload:
    return LabelPayload.model_validate(label_fields())


@pytest.fixture(scope="session")
def signature(payload: LabelPayload, key_dir: Path) -> bytes:
    return sign_payload(payload, key_dir)


@pytest.fixture(scope="session")
def rendered(payload: LabelPayload, signature: bytes) -> tuple[str, bytes]:
    return render_label(payload, signature)


@pytest.fixture(scope="session")
def label_files(rendered: tuple[str, bytes],
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("label")
    svg, png = rendered
    (folder / "label.svg").write_text(svg, encoding="utf-8")
    (folder / "label.png").write_bytes(png)
    return {"svg": folder / "label.svg", "png": folder / "label.png"}


def public(folder: Path) -> Ed25519PublicKey:
    return signing.load_public((folder / signing.PUBLIC).read_bytes())
