"""Where everything on a label goes, computed once and drawn twice (SVG and PNG).

Sizes are in label units (the SVG's user units); the PNG is :data:`SCALE` pixels per unit.
Text is measured with the font the PNG is drawn in (Noto Sans SC from PyPI), and shrunk until it
fits its column, so both images hold the whole of every signed field. QR modules are a whole
number of PNG pixels, so the code in the PNG is crisp enough to scan.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import pylopdf_fonts_zh_cn
import segno
from PIL import ImageFont

from tanzuji.labels.errors import label_error
from tanzuji.labels.payload import LabelPayload
from tanzuji.labels.qr import encode_qr_payload

WIDTH, HEIGHT = 640, 400
SCALE = 3
GREEN, DARK, INK, GREY, WHITE = "#1f8a4c", "#145c33", "#1d2621", "#5b6b62", "#ffffff"
HEADER = 84
QR_BOX = 184
MIN_SIZE = 6.0
MIN_MODULE = 4  # PNG pixels per QR module: 0.34 mm at 300 dpi, still scans when printed

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    size: float
    text: str
    fill: str = INK
    anchor: Anchor = "start"
    bold: bool = False
    field: str | None = None  # the signed field the text shows (checked when a label is read)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0.0


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    fill: str


Point = tuple[float, float]


@dataclass(frozen=True)
class Curve:
    """A closed shape of cubic Bézier segments (start, control, control, end)."""

    segments: tuple[tuple[Point, Point, Point, Point], ...]
    fill: str


@dataclass(frozen=True)
class QRCode:
    x: float
    y: float
    module: float  # size of one module in label units
    matrix: tuple[tuple[bool, ...], ...]  # with the quiet zone
    text: str


Shape = Rect | Ellipse | Curve | Text | QRCode

BOUNDARY_WORDS = {
    "cradle_to_grave": ("从摇篮到坟墓", "cradle to grave"),
    "cradle_to_gate": ("从摇篮到大门", "cradle to gate"),
    "gate_to_gate": ("从大门到大门", "gate to gate"),
    "cradle_to_gate_with_options": ("从摇篮到大门（含可选阶段）", "cradle to gate with options"),
    "partial": ("部分阶段", "selected stages"),
}
TITLE = {
    "CFP": ("产品碳足迹", "Carbon footprint of a product"),
    "partial_CFP": ("产品部分碳足迹", "Partial carbon footprint of a product"),
}

# The footprint pictogram in a 100 × 100 box: a right foot, sole and five toes.
_SOLE = ((50, 98), (68, 98), (76, 84), (74, 68), (72, 56), (82, 48), (80, 37), (78, 26),
         (60, 22), (44, 26), (28, 30), (21, 40), (27, 52), (33, 62), (29, 72), (31, 82),
         (33, 94), (42, 98), (50, 98))
_TOES = ((33, 12, 8.5, 10.5), (49.5, 6.5, 6, 7), (61.5, 9, 5, 6), (71.5, 14.5, 4.5, 5.5),
         (79.5, 23, 3.8, 4.5))


@functools.cache
def font() -> str:
    return str(pylopdf_fonts_zh_cn.sans_path())


@functools.cache
def face(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font(), max(1, round(size * SCALE)))


def text_width(text: str, size: float) -> float:
    """The advance width of ``text`` at ``size`` label units, as the PNG draws it."""
    return float(face(size).getlength(text)) / SCALE


def fit(text: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width``."""
    while size > MIN_SIZE and text_width(text, size) > width:
        size = max(MIN_SIZE, size * 0.94)
    return size


def display_texts(payload: LabelPayload) -> dict[str, str]:
    """The text each signed field shows on the label (readers compare the SVG against it)."""
    zh, en = BOUNDARY_WORDS[payload.boundary]
    product = " ".join(x for x in (payload.product_zh, payload.product_en) if x)
    title_zh, title_en = TITLE[payload.result_type]
    return {
        "title_zh": title_zh, "title_en": title_en, "product": product,
        "product_model": payload.product_model, "value": payload.value, "unit": payload.unit,
        "boundary": f"{zh} · {en}", "certificate": payload.certificate,
        "validity": f"{payload.issued.isoformat()} – {payload.valid_until.isoformat()}",
        "certification_body": payload.certification_body, "producer": payload.producer,
        "pcr": payload.pcr,
    }


def pictogram(x: float, y: float, size: float, fill: str) -> list[Shape]:
    """The footprint at (x, y), ``size`` units square."""
    k = size / 100

    def at(p: tuple[float, float]) -> Point:
        return (x + p[0] * k, y + p[1] * k)

    points = [at(p) for p in _SOLE]
    segments = tuple((points[i], points[i + 1], points[i + 2], points[i + 3])
                     for i in range(0, len(points) - 1, 3))
    shapes: list[Shape] = [Curve(segments, fill)]
    shapes += [Ellipse(*at((cx, cy)), rx * k, ry * k, fill) for cx, cy, rx, ry in _TOES]
    return shapes


def qr_code(payload: LabelPayload, signature: bytes, x: float, y: float, box: float) -> QRCode:
    """The QR code of the label's link, centred in a ``box`` square, modules on whole pixels."""
    text = encode_qr_payload(payload, signature)
    try:
        code = segno.make(text, error="m", micro=False)
    except segno.DataOverflowError:
        code = None
    matrix = (tuple(tuple(bool(v) for v in row) for row in code.matrix_iter(scale=1, border=4))
              if code else ())
    pixels = int(box * SCALE) // len(matrix) if matrix else 0
    if pixels < MIN_MODULE:
        raise label_error(f"the label's QR code would be too dense to scan ({len(text)} "
                          "characters): shorten the product names, model, producer or unit",
                          field="qr")
    module = pixels / SCALE
    offset = (box - module * len(matrix)) / 2
    return QRCode(x + offset, y + offset, module, matrix, text)


def layout(payload: LabelPayload, signature: bytes) -> list[Shape]:
    """Every shape of the label, back to front."""
    words = display_texts(payload)
    left, column, right = 28.0, 168.0, WIDTH - QR_BOX - 36.0
    shapes: list[Shape] = [
        Rect(0, 0, WIDTH, HEIGHT, GREEN, 20),
        Rect(8, HEADER, WIDTH - 16, HEIGHT - HEADER - 8, WHITE, 14),
        *pictogram(20, 10, 64, WHITE),
        Text(47, 64, 10.5, "CO", GREEN, "middle", bold=True),
        Text(56.5, 67, 6.5, "2", GREEN, "middle", bold=True),
    ]
    title = 96.0
    shapes.append(Text(title, 44, fit(words["title_zh"], 30, WIDTH - title - 24),
                       words["title_zh"], WHITE, bold=True, field="title_zh"))
    shapes.append(Text(title, 70, fit(words["title_en"], 15, WIDTH - title - 24),
                       words["title_en"], WHITE, field="title_en"))

    width = right - left
    shapes.append(Text(left, 118, fit(words["product"], 18, width), words["product"], INK,
                       bold=True, field="product"))
    caption = "型号 Model"
    shapes.append(Text(left, 138, 12, caption, GREY))
    start = left + text_width(caption, 12) + 8
    shapes.append(Text(start, 138, fit(words["product_model"], 12, right - start),
                       words["product_model"], INK, field="product_model"))

    value_size = fit(words["value"], 62, width)
    shapes.append(Text(left, 204, value_size, words["value"], DARK, bold=True, field="value"))
    shapes.append(Text(left, 230, fit(words["unit"], 16, width), words["unit"], INK,
                       field="unit"))

    rows = (("系统边界 Boundary", "boundary"), ("证书编号 Certificate No.", "certificate"),
            ("有效期 Valid", "validity"), ("认证机构 Certified by", "certification_body"),
            ("生产者 Producer", "producer"), ("产品类别规则 PCR", "pcr"))
    y = 262.0
    for caption, key in rows:
        shapes.append(Text(left, y, fit(caption, 10.5, column - left - 6), caption, GREY))
        shapes.append(Text(column, y, fit(words[key], 12, right - column), words[key], INK,
                           field=key))
        y += 21
    qr_x, qr_y = WIDTH - QR_BOX - 22, HEADER + 22
    shapes.append(qr_code(payload, signature, qr_x, qr_y, QR_BOX))
    shapes.append(Text(qr_x + QR_BOX / 2, qr_y + QR_BOX + 18, 11, "扫码验证 Scan to verify",
                       GREY, "middle"))
    return shapes
