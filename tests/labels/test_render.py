"""The rendered label: every required element in the SVG, a PNG whose QR code scans."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tanzuji.labels.errors import LabelError
from tanzuji.labels.layout import SCALE, display_texts, fit, layout, text_width
from tanzuji.labels.payload import LabelPayload, b64encode, canonical
from tanzuji.labels.qr import encode_qr_payload
from tanzuji.labels.read import read_label, scan_qr
from tanzuji.labels.render import (
    LABEL_NS,
    PNG_PAYLOAD,
    PNG_SIGNATURE,
    SVG_NS,
    label_json,
    render_label,
    render_png,
    write_label,
)
from tests.labels.conftest import label_fields

S = f"{{{SVG_NS}}}"


def _fields(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {e.get("data-field", ""): e.text or "" for e in root.iter(f"{S}text")
            if e.get("data-field")}


def test_svg_holds_every_required_element(rendered: tuple[str, bytes], payload: LabelPayload,
                                          signature: bytes) -> None:
    svg, _ = rendered
    root = ET.fromstring(svg)
    assert root.tag == f"{S}svg" and root.get("viewBox") == "0 0 640 400"
    shown = _fields(svg)
    assert shown["value"] == "2.130"
    assert shown["unit"] == "t CO2e per 1 t hot-rolled coil"
    assert shown["boundary"] == "从摇篮到大门 · cradle to gate"
    assert shown["certificate"] == "CNCA-PCF-2026-000123"
    assert shown["validity"] == "2026-11-01 – 2028-10-31"
    assert shown["certification_body"] == "示例认证中心"
    assert shown["product"] == "热轧卷板 Hot-rolled coil"
    assert shown["product_model"] == "Q235B 3.0×1500 mm"
    assert shown["producer"] == "示例钢铁股份有限公司"
    assert shown["pcr"] == "steel-bf-bof@1.0"
    # a partial CFP says so, in both languages
    assert shown["title_zh"] == "产品部分碳足迹"
    assert shown["title_en"] == "Partial carbon footprint of a product"
    assert shown == display_texts(payload)
    texts = [e.text for e in root.iter(f"{S}text")]
    assert "证书编号 Certificate No." in texts and "有效期 Valid" in texts
    # the pictogram is drawn, the QR code is a path of modules that carries the link
    assert root.find(f"{S}path[@class='pictogram']") is not None
    qr = root.find(f"{S}path[@class='qr']")
    assert qr is not None and qr.get("d", "").count("M") > 300
    assert qr.get("data-qr") == encode_qr_payload(payload, signature)
    label = root.find(f"{S}metadata/{{{LABEL_NS}}}label")
    assert label is not None
    assert (label.text or "").encode("utf-8") == canonical(payload)
    assert label.get("signature") == b64encode(signature)
    # the glyphs it uses are embedded, so Chinese shows without the font installed
    style = root.find(f"{S}style")
    assert style is not None and "data:font/otf;base64," in (style.text or "")


def test_a_full_cfp_label_says_carbon_footprint(signature: bytes) -> None:
    payload = LabelPayload.model_validate(
        label_fields(result_type="CFP", boundary="cradle_to_grave", product_zh=None))
    svg, _ = render_label(payload, signature)
    shown = _fields(svg)
    assert shown["title_zh"] == "产品碳足迹"
    assert shown["title_en"] == "Carbon footprint of a product"
    assert shown["boundary"] == "从摇篮到坟墓 · cradle to grave"
    assert shown["product"] == "Hot-rolled coil"


def test_png_decodes_and_carries_the_same_label(rendered: tuple[str, bytes],
                                               payload: LabelPayload, signature: bytes) -> None:
    _, png = rendered
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (640 * SCALE, 400 * SCALE)
        texts = dict(getattr(image, "text", {}))
        pixels = np.asarray(image.convert("L"))
    assert texts[PNG_PAYLOAD].encode("utf-8") == canonical(payload)
    assert texts[PNG_SIGNATURE] == b64encode(signature)
    assert scan_qr(pixels) == encode_qr_payload(payload, signature)
    # the header is green and the body white: it is a drawn label, not a blank page
    assert tuple(pixels.shape) == (400 * SCALE, 640 * SCALE)
    assert pixels[10 * SCALE, 320 * SCALE] < 150 and pixels[390 * SCALE - 30, 320 * SCALE] > 240


def test_qr_scans_whatever_the_signature(payload: LabelPayload) -> None:
    # the code's pattern depends on the signature bytes: sample a few
    for seed in range(4):
        signature = bytes((seed * 37 + i * 11) % 256 for i in range(64))
        shapes = layout(payload, signature)
        png = render_png(payload, signature, shapes)
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
        assert scan_qr(pixels) == encode_qr_payload(payload, signature)


def test_write_label_writes_three_carriers(payload: LabelPayload, signature: bytes,
                                           tmp_path: Path) -> None:
    paths = write_label(payload, signature, tmp_path / "out" / "CNCA-PCF-2026-000123")
    assert [p.suffix for p in paths] == [".svg", ".png", ".json"]
    assert all(read_label(p) == (payload, signature) for p in paths)


def test_too_much_text_for_a_scannable_qr_code_is_an_error(signature: bytes) -> None:
    payload = LabelPayload.model_validate(label_fields(producer="钢" * 300))
    with pytest.raises(LabelError, match="too dense to scan") as caught:
        render_label(payload, signature)
    assert caught.value.problems[0].field == "qr"


def test_long_text_is_shrunk_to_fit_not_cut() -> None:
    name = "某某省某某市某某区新材料科技集团股份有限公司第三分公司热轧事业部"
    size = fit(name, 12, 300)
    assert size < 12 and text_width(name, size) <= 300
    assert fit("short", 12, 300) == 12


def test_label_json_is_the_envelope(payload: LabelPayload, signature: bytes) -> None:
    document = json.loads(label_json(payload, signature))
    assert document["payload"]["certificate"] == payload.certificate
    assert document["signature"] == b64encode(signature)
