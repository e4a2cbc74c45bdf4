"""A signed label drawn as SVG and PNG, each carrying its payload and signature inside.

Both images draw the same :func:`~tanzuji.labels.layout.layout`. The SVG embeds the glyphs it
uses (a subset of Noto Sans SC) so it looks the same in any viewer, and tags each text that shows
a signed field with ``data-field`` so a reader can check the visible words against the
signature. The payload travels in a ``<metadata>`` element (SVG) or iTXt chunks (PNG), so a file
verifies even when its QR code is not scanned.
"""

from __future__ import annotations

import base64
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from tanzuji.labels.layout import (
    HEIGHT,
    SCALE,
    WIDTH,
    Curve,
    Ellipse,
    QRCode,
    Rect,
    Shape,
    Text,
    display_texts,
    face,
    font,
    layout,
)
from tanzuji.labels.payload import LabelPayload, b64encode, canonical, envelope

SVG_NS = "http://www.w3.org/2000/svg"
#: Namespace of the ``<label>`` element inside the SVG's ``<metadata>``.
LABEL_NS = "urn:tanzuji:label"
#: PNG iTXt keywords holding the canonical payload (JSON) and the signature (base64url).
PNG_PAYLOAD, PNG_SIGNATURE = "tanzuji-label-payload", "tanzuji-label-signature"
FAMILY = "Tanzuji Label Sans"
BOLD = 0.025  # stroke width of bold text, as a share of its size
_PNG_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}


def render_label(payload: LabelPayload, signature: bytes) -> tuple[str, bytes]:
    """The label as SVG text and PNG bytes."""
    shapes = layout(payload, signature)
    return render_svg(payload, signature, shapes), render_png(payload, signature, shapes)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _font_face(texts: str) -> str:
    """An @font-face rule embedding the glyphs of ``texts`` (Noto Sans SC, OpenType CFF)."""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    face = TTFont(font(), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(ch) for ch in texts + " "})
    subsetter.subset(face)
    buffer = io.BytesIO()
    face.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; '
            f'src: url("data:font/otf;base64,{data}") format("opentype"); }}')


def _path(segments: tuple[tuple[tuple[float, float], ...], ...]) -> str:
    start = segments[0][0]
    parts = [f"M{_num(start[0])} {_num(start[1])}"]
    for _, c1, c2, end in segments:
        parts.append("C" + " ".join(f"{_num(x)} {_num(y)}" for x, y in (c1, c2, end)))
    return "".join(parts) + "Z"


def _qr_path(code: QRCode) -> str:
    """The dark modules as one path: a rectangle per horizontal run."""
    parts = []
    for row, modules in enumerate(code.matrix):
        col = 0
        while col < len(modules):
            if not modules[col]:
                col += 1
                continue
            end = col
            while end < len(modules) and modules[end]:
                end += 1
            x, y = code.x + col * code.module, code.y + row * code.module
            parts.append(f"M{_num(x)} {_num(y)}h{_num((end - col) * code.module)}"
                         f"v{_num(code.module)}h{_num(-(end - col) * code.module)}z")
            col = end
    return "".join(parts)


def render_svg(payload: LabelPayload, signature: bytes, shapes: list[Shape]) -> str:
    """The label as a standalone SVG document."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("tanzuji", LABEL_NS)
    q = f"{{{SVG_NS}}}"
    texts = [s for s in shapes if isinstance(s, Text)]
    root = ET.Element(f"{q}svg", {"viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": f"{WIDTH}",
                                  "height": f"{HEIGHT}", "role": "img", "lang": "zh-CN"})
    words = display_texts(payload)
    ET.SubElement(root, f"{q}title").text = (
        f"{words['title_zh']} {words['title_en']}: {payload.value} {payload.unit} "
        f"({payload.certificate})")
    metadata = ET.SubElement(root, f"{q}metadata")
    label = ET.SubElement(metadata, f"{{{LABEL_NS}}}label",
                          {"format": payload.format, "signature": b64encode(signature)})
    label.text = canonical(payload).decode("utf-8")
    ET.SubElement(root, f"{q}style").text = (
        _font_face("".join(t.text for t in texts))
        + f' text {{ white-space: pre; font-family: "{FAMILY}", "Noto Sans SC", '
        '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
        'sans-serif; }')
    for shape in shapes:
        if isinstance(shape, Rect):
            ET.SubElement(root, f"{q}rect", {
                "x": _num(shape.x), "y": _num(shape.y), "width": _num(shape.w),
                "height": _num(shape.h), "rx": _num(shape.radius), "fill": shape.fill})
        elif isinstance(shape, Ellipse):
            ET.SubElement(root, f"{q}ellipse", {
                "cx": _num(shape.cx), "cy": _num(shape.cy), "rx": _num(shape.rx),
                "ry": _num(shape.ry), "fill": shape.fill})
        elif isinstance(shape, Curve):
            ET.SubElement(root, f"{q}path", {"d": _path(shape.segments), "fill": shape.fill,
                                             "class": "pictogram"})
        elif isinstance(shape, QRCode):
            ET.SubElement(root, f"{q}path", {"d": _qr_path(shape), "fill": "#000000",
                                             "class": "qr", "data-qr": shape.text,
                                             "shape-rendering": "crispEdges"})
        else:
            attrs = {"x": _num(shape.x), "y": _num(shape.y), "font-size": _num(shape.size),
                     "fill": shape.fill, "text-anchor": shape.anchor}
            if shape.bold:
                attrs.update({"stroke": shape.fill,
                              "stroke-width": _num(max(shape.size * BOLD, 0.3))})
            if shape.field:
                attrs["data-field"] = shape.field
            ET.SubElement(root, f"{q}text", attrs).text = shape.text
    ET.indent(root, space=" ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def _bezier(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float],
            p3: tuple[float, float], steps: int = 24) -> list[tuple[float, float]]:
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                       a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


def _background(shapes: list[Shape]) -> Image.Image:
    """Rectangles and the pictogram, drawn at twice the size and scaled down (smooth edges)."""
    k = SCALE * 2
    image = Image.new("RGB", (WIDTH * k, HEIGHT * k), "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if isinstance(shape, Rect):
            draw.rounded_rectangle(
                (shape.x * k, shape.y * k, (shape.x + shape.w) * k - 1,
                 (shape.y + shape.h) * k - 1), radius=shape.radius * k, fill=shape.fill)
        elif isinstance(shape, Ellipse):
            draw.ellipse(((shape.cx - shape.rx) * k, (shape.cy - shape.ry) * k,
                          (shape.cx + shape.rx) * k, (shape.cy + shape.ry) * k), fill=shape.fill)
        elif isinstance(shape, Curve):
            outline = [shape.segments[0][0]]
            for segment in shape.segments:
                outline += _bezier(*segment)
            draw.polygon([(x * k, y * k) for x, y in outline], fill=shape.fill)
    return image.resize((WIDTH * SCALE, HEIGHT * SCALE), Image.Resampling.LANCZOS)


def render_png(payload: LabelPayload, signature: bytes, shapes: list[Shape]) -> bytes:
    """The label as PNG bytes at :data:`SCALE` pixels per unit (300 dpi: 16 cm wide)."""
    image = _background(shapes)
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if isinstance(shape, Text):
            stroke = round(shape.size * SCALE * BOLD) if shape.bold else 0
            draw.text((shape.x * SCALE, shape.y * SCALE), shape.text, fill=shape.fill,
                      font=face(shape.size), anchor=_PNG_ANCHOR[shape.anchor],
                      stroke_width=stroke, stroke_fill=shape.fill)
        elif isinstance(shape, QRCode):
            pixels = round(shape.module * SCALE)
            x0, y0 = round(shape.x * SCALE), round(shape.y * SCALE)
            for row, modules in enumerate(shape.matrix):
                for col, dark in enumerate(modules):
                    if dark:
                        x, y = x0 + col * pixels, y0 + row * pixels
                        draw.rectangle((x, y, x + pixels - 1, y + pixels - 1), fill="#000000")
    info = PngInfo()
    info.add_itxt(PNG_PAYLOAD, canonical(payload).decode("utf-8"))
    info.add_itxt(PNG_SIGNATURE, b64encode(signature))
    info.add_text("Title", f"Carbon label {payload.certificate}")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, dpi=(300, 300), optimize=True)
    return buffer.getvalue()


def write_label(payload: LabelPayload, signature: bytes, stem: Path) -> list[Path]:
    """Write ``stem``.svg, .png and .json (the three carriers of one label); their paths."""
    svg, png = render_label(payload, signature)
    paths = [stem.with_suffix(".svg"), stem.with_suffix(".png"), stem.with_suffix(".json")]
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(svg, encoding="utf-8")
    paths[1].write_bytes(png)
    paths[2].write_text(label_json(payload, signature), encoding="utf-8")
    return paths


def label_json(payload: LabelPayload, signature: bytes) -> str:
    """The label as a JSON file (the :func:`~tanzuji.labels.payload.envelope`)."""
    return json.dumps(envelope(payload, signature), ensure_ascii=False, indent=2) + "\n"
