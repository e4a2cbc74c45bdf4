"""The ``tanzuji`` command line: calculate, validate, publish the schema, solve matrix databases."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from tanzuji import __version__, certcli, scenariocli, servecli
from tanzuji.accounting.calculate import calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.benchmarkcli import benchmark
from tanzuji.console import err, out
from tanzuji.console import errors as _errors
from tanzuji.dbcli import db_app
from tanzuji.declarecli import declare
from tanzuji.ledgercli import ledger_app
from tanzuji.pactcli import pact_app
from tanzuji.pactclient_cli import partners_app
from tanzuji.reportcli import report
from tanzuji.rulescli import check, pcr_app

app = typer.Typer(
    name="tanzuji",
    help="Tanzuji 碳足迹: product carbon footprints per GB/T 24067-2024 / ISO 14067.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.command("serve")(servecli.serve)
app.add_typer(servecli.user_app, name="user")
app.add_typer(servecli.org_app, name="org")
app.add_typer(certcli.cb_app, name="cb")
app.add_typer(certcli.case_app, name="case")
app.add_typer(certcli.cert_app, name="cert")
app.add_typer(certcli.label_app, name="label")
app.add_typer(certcli.credit_app, name="credit")
app.command("flags")(certcli.flags)
app.add_typer(ledger_app, name="ledger")
app.add_typer(scenariocli.procurement_app, name="procurement")
app.add_typer(scenariocli.finance_app, name="finance")
app.add_typer(pact_app, name="pact")
pact_app.add_typer(partners_app, name="partners")
app.add_typer(pcr_app, name="pcr")
app.command("check")(check)
app.command("declare")(declare)
app.command("report")(report)
app.command("benchmark")(benchmark)
def _progress(total: int) -> tuple[Progress, Callable[[int], None]]:
    bar = Progress("Monte Carlo", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=err, transient=True)
    task = bar.add_task("mc", total=total)

    def advance(done: int) -> None:
        bar.update(task, completed=done)

    return bar, advance


@app.command("calc")
def calc(
    study: Annotated[Path, typer.Argument(help="study file (YAML or JSON)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    mc: Annotated[int, typer.Option("--mc", min=0, help="Monte Carlo iterations")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="random seed for Monte Carlo")] = 0,
    gwp: Annotated[str | None, typer.Option("--gwp", help="GWP set: AR6, AR5 or AR4")] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="exchanges, parameters and alternatives")
    ] = False,
    release: Annotated[
        list[str] | None,
        typer.Option("--release", help="recompute under another release of a pinned dataset "
                                       "(e.g. starter@2) and show the effect; repeatable"),
    ] = None,
    save: Annotated[Path | None, typer.Option(
        "--out", help="also save the result as JSON (e.g. for `tanzuji report`)")] = None,
) -> None:
    """Calculate the carbon footprint of a study."""
    with _errors():
        swaps = release or []
        if mc and not as_json and sys.stderr.isatty():
            bar, advance = _progress(mc)
            with bar:
                result = calculate(study, gwp=gwp, iterations=mc, seed=seed,
                                   sensitivity=sensitivity, progress=advance, releases=swaps)
        else:
            result = calculate(study, gwp=gwp, iterations=mc, seed=seed,
                               sensitivity=sensitivity, releases=swaps)
        if save is not None:
            save.write_text(result.model_dump_json(indent=1), encoding="utf-8")
        pinned = calculate(study, gwp=gwp) if swaps else None
        if as_json:
            doc = result.model_dump(mode="json")
            if pinned is not None:
                doc["pinned"] = {"releases": pinned.provenance.releases, "total": pinned.total,
                                 "by_stage": pinned.by_stage,
                                 "difference": result.total - pinned.total}
            out.print_json(json.dumps(doc, ensure_ascii=False))
        else:
            print_result(result)
            if pinned is not None:
                change = result.total - pinned.total
                share = f" ({100 * change / pinned.total:+.2f} %)" if pinned.total else ""
                out.print(f"under the pinned releases {', '.join(pinned.provenance.releases)}: "
                          f"{_fmt(pinned.total)}; under {', '.join(result.provenance.releases)}"
                          f": {_fmt(result.total)}; difference {_fmt(change)}{share}",
                          highlight=False)


@app.command("validate")
def validate(study: Annotated[Path, typer.Argument(help="study file (YAML or JSON)")]) -> None:
    """Check a study: schema, links, units, formulas and factors, without calculating."""
    with _errors():
        sf = open_study(study)
        compiled = sf.compile()
        for note in compiled.notes:
            _warn(f"{note.file}:{note.line} {note.code}: {note.message}")
        uncertain = sum(1 for n in compiled.nodes if n.uncertain)
        out.print(f"[green]valid[/] {study}: {len(sf.study.processes)} processes, "
                  f"{len(compiled.nodes)} amounts ({uncertain} uncertain), "
                  f"{len(compiled.factors_used)} background factors", highlight=False)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the study format."""
    from tanzuji.model.study import Study

    doc = Study.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = "https://tanzuji.org/schema/tanzuji-study-1.json"
    out.print_json(json.dumps(doc))


@app.command("matrix")
def matrix(
    file: Annotated[Path, typer.Argument(help="matrix database (.npz + .json sidecar)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the scores as JSON")] = False,
) -> None:
    """Solve a matrix-form database: every activity's footprint from one transposed solve."""
    from tanzuji.matrixfile import score_matrix_file

    with _errors():
        scores = score_matrix_file(file)
        if as_json:
            sys.stdout.write(json.dumps(scores) + "\n")
            return
        activity = scores["activity_scores"]
        demand = scores["demand_scores"]
        table = Table(title=f"{file}: {len(activity)} activities, {len(demand)} demands")
        table.add_column("demand")
        table.add_column("kg CO2e", justify="right")
        for i, value in enumerate(demand[:20]):
            table.add_row(str(i), f"{value:.6g}")
        out.print(table)


@app.command("demo")
def demo(
    examples: Annotated[Path | None, typer.Argument(help="folder of example studies")] = None,
    mc: Annotated[int, typer.Option("--mc", min=0, help="Monte Carlo iterations")] = 1000,
) -> None:
    """Calculate every example study and print a comparison."""
    from tanzuji.demo import run_demo

    with _errors():
        run_demo(out, examples, mc)


@app.command("version")
def version() -> None:
    """Print the version."""
    out.print(__version__)


def _warn(text: str) -> None:
    err.print(f"[yellow]warning[/] {escape(text)}", highlight=False)


def _fmt(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def print_result(r: StudyResult) -> None:
    out.print(f"[bold]{escape(r.product)}[/] — {r.result_type}, {escape(r.functional_unit)}",
              highlight=False)
    out.print(f"[bold]Total: {_fmt(r.total)} {r.unit}[/]  (GWP100 {r.provenance.gwp})",
              highlight=False)
    if r.uncertainty:
        u = r.uncertainty
        out.print(f"Monte Carlo ({u.iterations} draws, seed {u.seed}): mean {_fmt(u.mean)}, "
                  f"median {_fmt(u.median)}, sd {_fmt(u.sd)}, 95 % interval "
                  f"{_fmt(u.p2_5)} – {_fmt(u.p97_5)}", highlight=False)
    stages = Table(title="By life-cycle stage")
    stages.add_column("stage")
    stages.add_column("kg CO2e", justify="right")
    stages.add_column("%", justify="right")
    if r.uncertainty:
        stages.add_column("95 % interval", justify="right")
    for stage, value in r.by_stage.items():
        row = [stage, _fmt(value), f"{100 * value / r.total:.1f}" if r.total else "-"]
        if r.uncertainty:
            s = r.uncertainty.by_stage[stage]
            row.append(f"{_fmt(s.p2_5)} – {_fmt(s.p97_5)}")
        stages.add_row(*row)
    out.print(stages)
    cats = Table(title="Reported apart (GB/T 24067 REP-02)")
    cats.add_column("category")
    cats.add_column("kg CO2e", justify="right")
    for name in ("fossil", "biogenic_emissions", "biogenic_removals", "dluc", "aircraft"):
        cats.add_row(name, _fmt(getattr(r, name)))
    cats.add_row("biogenic carbon content (kg C)", _fmt(r.biogenic_carbon_content))
    cats.add_row("primary data share (%)", f"{r.primary_data_share:.1f}")
    out.print(cats)
    gases = Table(title="By gas")
    gases.add_column("gas")
    gases.add_column("kg CO2e", justify="right")
    for gas, value in r.by_gas.items():
        gases.add_row(gas, _fmt(value))
    out.print(gases)
    hot = Table(title="Hot spots (processes, with what they buy in)")
    for col in ("process", "stage", "kg CO2e", "%"):
        hot.add_column(col, justify="right" if col in ("kg CO2e", "%") else "left")
    for h in r.hotspots:
        hot.add_row(h.name, h.stage, _fmt(h.value), f"{h.share:.1f}")
    out.print(hot)
    lines = Table(title="Largest inputs and emissions")
    for col in ("line", "item", "process", "data", "kg CO2e", "%"):
        lines.add_column(col, justify="right" if col in ("kg CO2e", "%", "line") else "left")
    for item in r.contributions[:10]:
        lines.add_row(str(item.line or ""), item.label, item.process, item.data,
                      _fmt(item.value), f"{item.share:.1f}")
    out.print(lines)
    if r.sensitivity:
        _print_sensitivity(r)
    for note in r.notes:
        _warn(f"{note.file}:{note.line} {note.code}: {note.message}")


def _print_sensitivity(r: StudyResult) -> None:
    assert r.sensitivity is not None
    table = Table(title="Sensitivity: elasticity (% change of total per % change)")
    for col in ("kind", "item", "elasticity", "total low – high"):
        table.add_column(col)
    items: list[Any] = [*r.sensitivity.exchanges[:10], *r.sensitivity.parameters[:10]]
    for it in items:
        rng = f"{_fmt(it.low)} – {_fmt(it.high)}" if it.low is not None else ""
        table.add_row(it.kind, it.label, f"{it.elasticity:+.3f}", rng)
    out.print(table)
    alt = Table(title="Methodological alternatives")
    for col in ("choice", "alternative", "total", "Δ %"):
        alt.add_column(col)
    for a in r.sensitivity.alternatives:
        alt.add_row(a.choice, a.name, _fmt(a.total), f"{a.relative_difference:+.1f}")
    out.print(alt)
