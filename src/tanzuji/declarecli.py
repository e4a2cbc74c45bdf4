"""``tanzuji declare``: a study's declaration as JSON, HTML, PDF, PACT or EU battery JSON."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tanzuji.console import err, errors
from tanzuji.declare.cfp import cfp_declaration
from tanzuji.declare.render import cfp_html, cfp_pdf
from tanzuji.declare.source import load
from tanzuji.exchange.catenax import pcf_aspect
from tanzuji.exchange.eu_battery import battery_declaration
from tanzuji.exchange.from_result import product_footprint
from tanzuji.model.errors import Problem, StudyError


class Format(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"
    pact = "pact"
    catenax = "catenax"
    eu_battery = "eu-battery"


class Language(StrEnum):
    zh = "zh"
    en = "en"


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def declare(
    source: Annotated[Path, typer.Argument(
        help="study file (YAML or JSON), or a result saved with `tanzuji calc --out`")],
    fmt: Annotated[Format, typer.Option(
        "--format", help="json or html/pdf: the CFP declaration (DECL-01); pact: a PACT v3 "
                         "ProductFootprint; catenax: the Catena-X PCF aspect 7.0.0; "
                         "eu-battery: the EU Batteries Regulation Art. 7 "
                         "carbon footprint declaration")] = Format.json,
    lang: Annotated[Language, typer.Option("--lang", help="language of the CFP declaration")]
    = Language.zh,
    info: Annotated[Path | None, typer.Option(
        "--info", help="declaration info file (identifiers, verification, links); default "
                       "STUDY.declaration.yaml beside the study when it exists")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="write to FILE, not stdout")]
    = None,
    study: Annotated[Path | None, typer.Option(
        "--study", help="with a saved result: the study it was computed from")] = None,
) -> None:
    """Declare a study's carbon footprint: CFP declaration, PACT footprint or EU battery."""
    with errors():
        if fmt == Format.pdf and out_file is None:
            raise StudyError([Problem("usage", "--format pdf needs --out FILE")])
        d = load(source, info, study)
        data: str | bytes
        if fmt == Format.pact:
            data = _dump(product_footprint(d).to_json())
        elif fmt == Format.catenax:
            data = _dump(pcf_aspect(d))
        elif fmt == Format.eu_battery:
            data = _dump(battery_declaration(d).model_dump(mode="json"))
        else:
            declaration = cfp_declaration(d, lang.value)
            if fmt == Format.json:
                data = _dump(declaration.model_dump(mode="json"))
            elif fmt == Format.html:
                data = cfp_html(declaration)
            else:
                data = cfp_pdf(declaration)
        if out_file is None:
            assert isinstance(data, str)
            sys.stdout.write(data)
            return
        if isinstance(data, bytes):
            out_file.write_bytes(data)
        else:
            out_file.write_text(data, encoding="utf-8")
        err.print(f"wrote {out_file}", highlight=False)
