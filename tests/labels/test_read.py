"""Reading labels back from every carrier, and rejecting unsigned, malformed or altered ones."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tanzuji.labels.errors import LabelError
from tanzuji.labels.payload import LabelPayload, b64encode, canonical, sign_payload
from tanzuji.labels.qr import encode_qr_payload
from tanzuji.labels.read import check_label, read_label
from tanzuji.labels.render import PNG_PAYLOAD, PNG_SIGNATURE, label_json
from tanzuji.model.errors import StudyError
from tests.labels.conftest import public

Files = dict[str, Path]


def test_every_carrier_reads_back_the_signed_label(label_files: Files, payload: LabelPayload,
                                                   signature: bytes, key_dir: Path,
                                                   tmp_path: Path) -> None:
    json_file = tmp_path / "label.json"
    json_file.write_text(label_json(payload, signature), encoding="utf-8")
    qr_file = tmp_path / "scan.txt"
    qr_file.write_text(encode_qr_payload(payload, signature) + "\n", encoding="utf-8")
    sources: list[Path | str] = [label_files["svg"], label_files["png"], json_file, qr_file,
                                 encode_qr_payload(payload, signature), str(label_files["svg"])]
    for source in sources:
        assert read_label(source) == (payload, signature), source
        assert check_label(source, public(key_dir)) == payload


def test_png_without_metadata_reads_from_its_qr_code(label_files: Files, payload: LabelPayload,
                                                     signature: bytes, tmp_path: Path) -> None:
    with Image.open(label_files["png"]) as image:
        image.load()
        bare = image.copy()
    stripped = tmp_path / "stripped.png"
    bare.save(stripped)  # no pnginfo: the text chunks are gone
    assert read_label(stripped) == (payload, signature)
    photo = tmp_path / "photo.jpg"
    bare.convert("RGB").resize((1280, 800)).save(photo, quality=85)
    assert read_label(photo) == (payload, signature)


def test_label_signed_with_one_key_fails_with_another(label_files: Files,
                                                      other_key_dir: Path) -> None:
    for path in label_files.values():
        with pytest.raises(LabelError, match="signed with another key") as caught:
            check_label(path, public(other_key_dir))
        assert caught.value.problems[0].file == str(path)
        assert caught.value.problems[0].code == "label-signature"


def test_qr_text_signed_with_one_key_fails_with_another(payload: LabelPayload, signature: bytes,
                                                        other_key_dir: Path) -> None:
    with pytest.raises(LabelError, match="signed with another key") as caught:
        check_label(encode_qr_payload(payload, signature), public(other_key_dir))
    assert caught.value.problems[0].file == "QR code"


def test_svg_with_edited_value_text_is_rejected(label_files: Files, tmp_path: Path) -> None:
    svg = label_files["svg"].read_text(encoding="utf-8")
    edited = tmp_path / "edited.svg"
    edited.write_text(svg.replace('data-field="value">2.130<', 'data-field="value">1.130<'),
                      encoding="utf-8")
    message = re.escape("shows '1.130' where its signed payload says '2.130'")
    with pytest.raises(LabelError, match=message) as caught:
        read_label(edited)
    problem = caught.value.problems[0]
    assert (problem.file, problem.field, problem.code) == (str(edited), "value", "label-tampered")


def test_svg_with_edited_metadata_fails_the_signature(label_files: Files, key_dir: Path,
                                                      tmp_path: Path) -> None:
    svg = label_files["svg"].read_text(encoding="utf-8")
    # change the signed value and the text shown, but keep the signature
    edited = tmp_path / "edited.svg"
    edited.write_text(svg.replace('"value":"2.130"', '"value":"1.130"')
                      .replace('data-field="value">2.130<', 'data-field="value">1.130<'),
                      encoding="utf-8")
    with pytest.raises(LabelError, match="QR code and the label's metadata disagree"):
        read_label(edited)
    # …and with the QR attribute gone too, the signature still gives it away
    no_qr = tmp_path / "no-qr.svg"
    no_qr.write_text(edited.read_text(encoding="utf-8").replace(' data-qr="', ' data-old="'),
                     encoding="utf-8")
    assert read_label(no_qr)[0].value == "1.130"
    with pytest.raises(LabelError, match="altered after signing"):
        check_label(no_qr, public(key_dir))


def test_png_with_rewritten_metadata_disagrees_with_its_qr(
        label_files: Files, payload: LabelPayload, other_key_dir: Path, tmp_path: Path) -> None:
    forged = payload.model_copy(update={"value": "1.130"})
    info = PngInfo()
    info.add_itxt(PNG_PAYLOAD, canonical(forged).decode("utf-8"))
    info.add_itxt(PNG_SIGNATURE, b64encode(sign_payload(forged, other_key_dir)))
    with Image.open(label_files["png"]) as image:
        image.load()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", pnginfo=info)
    path = tmp_path / "forged.png"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(LabelError, match="disagree") as caught:
        read_label(path)
    assert caught.value.problems[0].file == str(path)


def test_unsigned_and_malformed_files_name_the_file(label_files: Files, tmp_path: Path) -> None:
    svg = label_files["svg"].read_text(encoding="utf-8")
    start, end = svg.index("<metadata>"), svg.index("</metadata>") + len("</metadata>")
    cases = {
        "unsigned.svg": (svg[:start] + svg[end:], "unsigned: no <metadata>"),
        "nosig.svg": (svg.replace(' signature="', ' sig="'), "unsigned: its metadata has no"),
        "broken.svg": (svg[:500], "not a readable SVG"),
        "blank.png": (None, "unsigned: no label metadata and no readable QR code"),
        "junk.png": ("not an image", "not a readable image"),
        "label.json": ('{"payload": {}}', "unsigned"),
        "bad.json": ("{", "not JSON"),
        "label.pdf": ("%PDF", "cannot read a label from a '.pdf' file"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is None:
            Image.new("RGB", (200, 100), "white").save(path)
        else:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(LabelError, match=message) as caught:
            read_label(path)
        assert str(caught.value).startswith(str(path)), name
        assert isinstance(caught.value, StudyError)  # the CLI prints it as a problem


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.svg"
    path.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', encoding="utf-8")
    with pytest.raises(LabelError, match="not a readable SVG"):
        read_label(path)
