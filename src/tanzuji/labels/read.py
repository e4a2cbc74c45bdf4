"""Reading a label back from a file or a scanned QR text, and checking it offline.

Every carrier of a label is read: the SVG's ``<metadata>``, the PNG's text chunks, the QR code
in the picture (any PNG or JPEG, also a photo), a JSON envelope, or the QR link itself. When a
file has more than one carrier they must agree, and an SVG's visible words must be the signed
ones: a label whose picture was edited is rejected even though its metadata still verifies.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError

import cv2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image, UnidentifiedImageError

from tanzuji.labels.errors import label_error
from tanzuji.labels.layout import display_texts
from tanzuji.labels.payload import (
    LabelPayload,
    open_envelope,
    parse_canonical,
    signature_bytes,
    verify_payload,
)
from tanzuji.labels.qr import decode_qr_payload
from tanzuji.labels.render import LABEL_NS, PNG_PAYLOAD, PNG_SIGNATURE, SVG_NS

IMAGES = (".png", ".jpg", ".jpeg")
_SAFE_XML = importlib.import_module("defusedxml.ElementTree")  # untyped; no entities, no DTDs
Label = tuple[LabelPayload, bytes]


def read_label(path: Path | str) -> Label:
    """The payload and signature of a label file (.svg, .png, .jpg, .json, .txt) or QR link.

    A string starting with ``http://`` or ``https://`` is taken as the text of a scanned QR
    code. The signature is not checked here: :func:`check_label` does that.
    """
    if _is_qr_text(path):
        return decode_qr_payload(str(path))
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            return _read_svg(path.read_bytes(), source)
        if suffix in IMAGES:
            return _read_image(path, source)
        if suffix == ".json":
            return _read_json(path.read_text(encoding="utf-8"), source)
        if suffix == ".txt":
            return decode_qr_payload(path.read_text(encoding="utf-8"), source)
    except UnicodeDecodeError as exc:
        raise label_error(f"not UTF-8 text: {exc}", source) from None
    raise label_error(f"cannot read a label from a '{suffix}' file "
                      "(expected .svg, .png, .jpg, .json or .txt)", source)


def check_label(path: Path | str, public_key: Ed25519PublicKey) -> LabelPayload:
    """The payload of a label whose signature ``public_key`` confirms; LabelError otherwise."""
    payload, signature = read_label(path)
    if not verify_payload(payload, signature, public_key):
        source = "QR code" if _is_qr_text(path) else str(path)
        raise label_error("the signature does not match: the label was altered after signing "
                          "or signed with another key", source, code="label-signature")
    return payload


def _is_qr_text(path: Path | str) -> bool:
    return isinstance(path, str) and path.strip().startswith(("http://", "https://"))


def _read_json(text: str, source: str) -> Label:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise label_error(f"not JSON: {exc}", source) from None
    return open_envelope(data, source)


def _read_svg(data: bytes, source: str) -> Label:
    try:
        root = cast(Element, _SAFE_XML.fromstring(data))
    except (ParseError, ValueError) as exc:  # defusedxml's refusals are ValueErrors
        raise label_error(f"not a readable SVG: {exc}", source) from None
    label = root.find(f"{{{SVG_NS}}}metadata/{{{LABEL_NS}}}label")
    if label is None:
        raise label_error("the label is unsigned: no <metadata><tanzuji:label> element", source)
    if not label.get("signature"):
        raise label_error("the label is unsigned: its metadata has no signature", source,
                          "signature")
    payload = parse_canonical((label.text or "").encode("utf-8"), source)
    signature = signature_bytes(label.get("signature", ""), source)
    expected = display_texts(payload)
    for element in root.iter(f"{{{SVG_NS}}}text"):
        field = element.get("data-field")
        if field is None:
            continue
        shown = element.text or ""
        if field not in expected or expected[field] != shown:
            raise label_error(f"the label shows {shown!r} where its signed payload says "
                              f"{expected.get(field)!r}: the picture was altered", source,
                              field, code="label-tampered")
    for element in root.iter(f"{{{SVG_NS}}}path"):
        if element.get("data-qr") is not None:
            _agree((payload, signature), decode_qr_payload(element.get("data-qr", ""), source),
                   source)
    return payload, signature


def _read_image(path: Path, source: str) -> Label:
    try:
        with Image.open(path) as image:
            image.load()
            texts: dict[str, str] = dict(getattr(image, "text", {}))
            pixels = np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError) as exc:
        raise label_error(f"not a readable image: {exc}", source) from None
    embedded = _from_chunks(texts, source) if PNG_PAYLOAD in texts else None
    scanned = scan_qr(pixels)
    from_qr = decode_qr_payload(scanned, source) if scanned else None
    if embedded and from_qr:
        _agree(embedded, from_qr, source)
    label = embedded or from_qr
    if label is None:
        raise label_error("the label is unsigned: no label metadata and no readable QR code",
                          source)
    return label


def _from_chunks(texts: dict[str, str], source: str) -> Label:
    if not texts.get(PNG_SIGNATURE):
        raise label_error("the label is unsigned: no signature chunk", source, PNG_SIGNATURE)
    payload = parse_canonical(texts[PNG_PAYLOAD].encode("utf-8"), source)
    return payload, signature_bytes(texts[PNG_SIGNATURE], source)


def scan_qr(pixels: np.ndarray) -> str | None:
    """The text of the QR code in a greyscale picture, or None when none can be read.

    OpenCV's ArUco-based detector reads dense codes that the classic one sometimes misses (on
    rendered labels with random signatures: 40 of 40, against 8 of 12); the classic one is
    the fallback.
    """
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _, _ = detector.detectAndDecode(pixels)
        if text:
            return text
    return None


def _agree(first: Label, second: Label, source: str) -> None:
    if first != second:
        raise label_error("the QR code and the label's metadata disagree: the label was altered",
                          source, code="label-tampered")
