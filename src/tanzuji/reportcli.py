"""``tanzuji report``: the CFP study report of a study or a saved result, HTML or PDF, zh or en."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tanzuji.console import errors, out


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


class Language(StrEnum):
    zh = "zh"
    en = "en"


def report(
    source: Annotated[Path, typer.Argument(
        help="study file (YAML or JSON), calculated with Monte Carlo and sensitivity; or a "
             "result saved with `tanzuji calc --out`")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="file to write")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="html or pdf")] = (
        ReportFormat.html),
    lang: Annotated[Language, typer.Option("--lang", help="zh or en")] = Language.zh,
    study: Annotated[Path | None, typer.Option(
        "--study", help="the study a saved result was computed from")] = None,
    mc: Annotated[int, typer.Option("--mc", min=0, help="Monte Carlo iterations")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="random seed for Monte Carlo")] = 0,
) -> None:
    """Write the CFP study report (ISO 14067 / GB/T 24067-2024) as HTML or PDF."""
    from tanzuji.report.render import render_html, render_pdf
    from tanzuji.report.source import report_inputs

    with errors():
        result, model = report_inputs(source, study, mc, seed)
        if fmt is ReportFormat.pdf:
            out_file.write_bytes(render_pdf(result, model, lang.value))
        else:
            out_file.write_text(render_html(result, model, lang.value), encoding="utf-8")
        out.print(f"wrote {out_file} ({fmt.value}, {lang.value})", highlight=False)
