"""Render the CFP study report: Jinja2 template → HTML, and HTML → PDF."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tanzuji.accounting.result import StudyResult
from tanzuji.model.study import Study
from tanzuji.report.context import build
from tanzuji.report.pdf import html_to_pdf


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("tanzuji.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(result: StudyResult, study: Study, lang: str = "zh") -> str:
    """The report as one self-contained HTML document (inline CSS and SVG charts)."""
    css = (resources.files("tanzuji.report") / "templates" / "report.css").read_text("utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(css=css, **build(result, study, lang))


def render_pdf(result: StudyResult, study: Study, lang: str = "zh") -> bytes:
    """The same report as PDF, with the Chinese font embedded."""
    return html_to_pdf(render_html(result, study, lang))
