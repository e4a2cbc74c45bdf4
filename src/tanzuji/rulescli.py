"""``tanzuji pcr list|show|validate|checks|schema`` and ``tanzuji check`` from the CLI."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from tanzuji.accounting.calculate import calculate
from tanzuji.console import errors, out
from tanzuji.model.errors import StudyError
from tanzuji.model.loader import load_study
from tanzuji.rules import RULES, check_study, find_pcr, get_pcr, has_errors, load_library, load_pcr
from tanzuji.rules.findings import Finding
from tanzuji.rules.pcr import PCR

pcr_app = typer.Typer(help="Product category rules (PCRs): the shipped library and PCR files.",
                      no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


class Lang(StrEnum):
    en = "en"
    zh = "zh"
    both = "both"


STYLE = {"E": "bold red", "W": "yellow", "I": "cyan"}


def pcr_schema() -> dict[str, object]:
    """The published JSON Schema of the PCR format (also shipped as rules/pcr.schema.json)."""
    doc = PCR.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = "https://tanzuji.org/schema/tanzuji-pcr-1.json"
    return doc


@pcr_app.command("list")
def list_pcrs(as_json: AsJson = False) -> None:
    """List the shipped PCRs."""
    with errors():
        rules = sorted(load_library().values(), key=lambda r: r.id)
        if as_json:
            out.print_json(json.dumps([
                {"id": r.id, "title_zh": r.title_zh, "title_en": r.title_en,
                 "standard": r.standard, "version": r.version} for r in rules
            ], ensure_ascii=False))
            return
        for r in rules:
            out.print(f"[bold]{escape(r.ref)}[/]  {escape(r.standard)}\n    {escape(r.title_zh)}"
                      f"\n    {escape(r.title_en)}", highlight=False)


@pcr_app.command("show")
def show(name: Annotated[str, typer.Argument(help="PCR id (or id@version), or a PCR file")],
         as_json: AsJson = False) -> None:
    """Show one PCR in full."""
    with errors():
        rule = get_pcr(name)
        doc = rule.model_dump(mode="json", exclude_none=True)
        if as_json:
            out.print_json(json.dumps(doc, ensure_ascii=False))
            return
        import yaml

        out.print(f"[bold]{escape(rule.ref)}[/] {escape(rule.title_zh)} / {escape(rule.title_en)}",
                  highlight=False)
        out.print(escape(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)),
                  highlight=False)


@pcr_app.command("validate")
def validate(files: Annotated[list[Path], typer.Argument(help="PCR files (YAML or JSON)")]) -> None:
    """Validate PCR files against the schema; errors name the file, line and field."""
    with errors():
        problems = StudyError([])
        for f in files:
            try:
                rule = load_pcr(f)
            except StudyError as exc:
                problems.problems.extend(exc.problems)
                continue
            out.print(f"[green]valid[/] {escape(str(f))}: {escape(rule.ref)} ({rule.standard}, "
                      f"{len(rule.mandatory_processes)} mandatory processes)", highlight=False)
        if problems.problems:
            raise problems


@pcr_app.command("checks")
def checks(as_json: AsJson = False) -> None:
    """List the conformance checks: rule id, severity and what each checks."""
    rows = [{"rule": r.id, "severity": r.severity, "title_en": r.title_en,
             "title_zh": r.title_zh} for r in RULES.values()]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        out.print(f"{row['rule']:<10} {row['severity']}  {escape(row['title_en'])} / "
                  f"{escape(row['title_zh'])}", highlight=False)


@pcr_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the PCR format."""
    out.print_json(json.dumps(pcr_schema(), ensure_ascii=False))


def check(
    study: Annotated[Path, typer.Argument(help="study file (YAML or JSON)")],
    pcr: Annotated[str | None, typer.Option(
        "--pcr", help="PCR id, id@version or file; default: the one study.pcr names")] = None,
    as_json: AsJson = False,
    mc: Annotated[int, typer.Option("--mc", min=0, help="Monte Carlo iterations for the "
                                                        "uncertainty check (UNC-01)")] = 300,
    lang: Annotated[Lang, typer.Option("--lang", help="language of the messages")] = Lang.both,
    confirm: Annotated[bool, typer.Option(
        "--confirm/--no-confirm", help="list what the author must confirm")] = True,
) -> None:
    """Check a study against GB/T 24067 and its PCR; exit 1 when an error remains."""
    with errors():
        parsed, lines = load_study(study)
        rule = get_pcr(pcr) if pcr else find_pcr(parsed)
        result = calculate(study, iterations=mc, sensitivity=True)
        findings = check_study(parsed, result, rule, lines, confirm=confirm)
        if as_json:
            out.print_json(json.dumps([f.model_dump(mode="json") for f in findings],
                                      ensure_ascii=False))
        else:
            _print(findings, study, rule, lang)
        if has_errors(findings):
            raise typer.Exit(1)


def _print(findings: list[Finding], study: Path, rule: PCR | None, lang: Lang) -> None:
    against = f"{rule.ref} ({rule.standard})" if rule else "the general rule (no library PCR)"
    out.print(f"[bold]{escape(str(study))}[/] checked against {escape(against)}", highlight=False)
    for f in findings:
        where = f"{study}:{f.line} {f.location}" if f.line else f.location
        tag = "confirm" if f.confirm else f.severity
        style = "dim" if f.confirm else STYLE[f.severity]
        text = {Lang.en: f.message_en, Lang.zh: f.message_zh,
                Lang.both: f"{f.message_en}\n      {f.message_zh}"}[lang]
        out.print(f"[{style}]{tag}[/] {f.rule} {escape(where)}: {escape(text)}", highlight=False)
    counts = {s: sum(1 for f in findings if f.severity == s and not f.confirm) for s in "EWI"}
    asks = sum(1 for f in findings if f.confirm)
    out.print(f"{counts['E']} errors, {counts['W']} warnings, {counts['I']} notes, "
              f"{asks} items to confirm", highlight=False)
