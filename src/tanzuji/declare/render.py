"""The CFP declaration as a one-page HTML document (Jinja2), and as PDF through the report
module's renderer (WeasyPrint with embedded CJK fonts)."""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tanzuji.declare import labels
from tanzuji.declare.cfp import CfpDeclaration

_env = Environment(loader=PackageLoader("tanzuji.declare", "templates"),
                   autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


def plain(value: float) -> str:
    """An already rounded number in plain notation: 0.00001, 2110, 0.178."""
    text = format(Decimal(repr(value)).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def cfp_html(declaration: CfpDeclaration) -> str:
    lang = declaration.language
    return _env.get_template("cfp.html.j2").render(
        d=declaration, lang=lang, t=labels.TEXT[lang], stage_name=labels.STAGE[lang],
        boundary_name=labels.BOUNDARY[lang], unit_kind=labels.UNIT_KIND[lang],
        verification_name=labels.VERIFICATION[lang], num=plain,
        partial=declaration.result_type == "partial_CFP")


def cfp_pdf(declaration: CfpDeclaration) -> bytes:
    from tanzuji.report.pdf import html_to_pdf  # WeasyPrint loads only when PDF is asked for

    return html_to_pdf(cfp_html(declaration))
