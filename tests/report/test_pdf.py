"""PDF output: a real PDF, with the Chinese font embedded and nothing fetched from a network."""

from __future__ import annotations

import logging
import re
import zlib

import pytest

from tanzuji.report.pdf import SANS, SERIF, html_to_pdf

DOC = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<h1>产品碳足迹报告</h1><p>碳足迹 2,106 kg CO2e / 1 t</p><ul><li>原材料获取</li></ul>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">
<text x="4" y="20" font-family="Noto Sans SC">生产阶段</text></svg>
</body></html>"""


def inflate(pdf: bytes) -> bytes:
    """Every Flate stream of the PDF, decompressed and joined (fonts, cmaps, object streams)."""
    parts = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return html_to_pdf(DOC)


def test_a_pdf_with_the_cjk_font_embedded(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    body = inflate(pdf)
    assert b"Noto-Sans-SC" in body  # the font's PostScript name, subset-prefixed
    assert b"/FontFile3" in body  # an embedded CFF font program
    assert b"DejaVu" not in body  # no glyph fell back to a system font
    # the ToUnicode map lets readers copy the Chinese text: 碳 is U+78B3, 产 U+4EA7
    assert b"<78b3>" in body.lower() and b"<4ea7>" in body.lower()


def test_the_serif_face_is_loaded_only_when_named(pdf: bytes) -> None:
    assert b"Noto-Serif-SC" not in inflate(pdf)
    serif = html_to_pdf(DOC.replace("<h1>", f'<h1 style="font-family: \'{SERIF}\'">'))
    body = inflate(serif)
    assert b"Noto-Serif-SC" in body and SANS.replace(" ", "-").encode() in body


def test_no_url_is_fetched_from_a_network(caplog: pytest.LogCaptureFixture) -> None:
    doc = DOC.replace("<ul>", '<img src="http://127.0.0.1:9/logo.png"><ul>')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert html_to_pdf(doc).startswith(b"%PDF-")
    assert "disallowed protocol" in caplog.text
