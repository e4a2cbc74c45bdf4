"""HTML → PDF with WeasyPrint, Chinese set in Noto Sans SC / Noto Serif SC.

The fonts come from the PyPI package ``pylopdf-fonts-zh-cn`` (the official Noto CJK SC subset
OTFs), so a fresh machine renders Chinese without system CJK fonts. Before rendering, each font
is cut down with fontTools to the characters the document uses: WeasyPrint's own subsetting
keeps every glyph slot of a 30,000-glyph CJK font and takes ten seconds a document, a small
font takes a fraction of that. Only ``file:`` and ``data:`` URLs are fetched: nothing is
downloaded while a document renders.
"""

from __future__ import annotations

import html as html_lib
import string
import tempfile
from pathlib import Path

import pylopdf_fonts_zh_cn
from fontTools import subset
from fontTools.ttLib import TTFont

#: CSS font-family names to use in documents rendered by :func:`html_to_pdf`.
SANS = "Noto Sans SC"
SERIF = "Noto Serif SC"
#: Characters CSS may generate that the document text need not contain (list bullets, …).
ALWAYS = string.printable + "•◦▪–—…·"


def font_files() -> dict[str, Path]:
    """The CJK font files by family name."""
    return {SANS: pylopdf_fonts_zh_cn.sans_path(), SERIF: pylopdf_fonts_zh_cn.serif_path()}


def font_css(files: dict[str, Path]) -> str:
    """@font-face rules for ``files`` (family → font file) and a default family."""
    rules = [f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}'
             for family, path in files.items()]
    rules.append(f'html {{ font-family: "{SANS}", sans-serif; }}')
    return "\n".join(rules)


def subset_font(source: Path, text: str, target: Path) -> Path:
    """Write the glyphs of ``source`` that ``text`` (and :data:`ALWAYS`) needs to ``target``."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    font = TTFont(source, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(ch) for ch in text + ALWAYS})
    subsetter.subset(font)
    font.save(target)
    return target


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes with the CJK fonts embedded.

    Documents should name :data:`SANS` or :data:`SERIF` in their CSS (``html`` defaults to
    :data:`SANS`; the serif face is loaded only when the document names it). ``base_url``
    resolves relative ``file:`` links, e.g. images beside a file.
    """
    # imported here: WeasyPrint loads Pango through ctypes, which only PDF output needs
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    text = html_lib.unescape(html)
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    with tempfile.TemporaryDirectory(prefix="tanzuji-fonts-") as tmp:
        files = {family: subset_font(path, text, Path(tmp) / f"{i}{path.suffix}")
                 for i, (family, path) in enumerate(font_files().items())
                 if family == SANS or family in html}
        fonts = FontConfiguration()
        css = CSS(string=font_css(files), font_config=fonts, url_fetcher=fetcher)
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[css], font_config=fonts)
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when given no target
        raise TypeError("WeasyPrint returned no PDF")
    return pdf
