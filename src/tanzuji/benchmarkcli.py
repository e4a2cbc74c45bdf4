"""``tanzuji benchmark PCR_ID`` (the category's distribution and grade scale) and
``tanzuji benchmark grade PCR_ID VALUE`` (a footprint's grade), on TANZUJI_DATABASE_URL."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tanzuji.benchmark import BenchmarkError, category, category_dict, grade
from tanzuji.console import database, errors, fail, out
from tanzuji.model.errors import Problem

AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        fail([Problem("value", f"VALUE {text!r} is not a number (kg CO2e per declared unit)")])
        raise


def benchmark(
    first: Annotated[str, typer.Argument(metavar="PCR_ID | grade",
                                         help="a PCR id, or 'grade' followed by PCR_ID VALUE")],
    rest: Annotated[list[str] | None, typer.Argument(metavar="[PCR_ID VALUE]",
                                                     show_default=False)] = None,
    as_json: AsJson = False,
) -> None:
    """The category distribution of a PCR and its grade scale, or the grade of a value."""
    with errors():
        args = rest or []
        if first == "grade":
            if len(args) != 2:
                fail([Problem("usage", "usage: tanzuji benchmark grade PCR_ID VALUE")])
            _grade(args[0], _value(args[1]), as_json)
            return
        if args:
            fail([Problem("usage", "usage: tanzuji benchmark PCR_ID [--json] (one PCR id)")])
        engine = database()
        try:
            cat = category(engine, first)
        except BenchmarkError as exc:
            fail([Problem(exc.field or "pcr", str(exc))])
        finally:
            engine.dispose()
        data = category_dict(cat)
        if as_json:
            out.print_json(json.dumps(data, ensure_ascii=False))
            return
        out.print(f"[bold]{escape(cat.pcr.title_en)}[/] ({cat.pcr.ref}), {data['unit']}: "
                  f"{data['n']} values {data['sources']}")
        if cat.distribution.withheld:
            out.print(f"{cat.distribution.withheld} certified result(s) withheld: fewer than "
                      f"{cat.rule.min_platform_count}")
        table = Table("value", "source", "factor")
        for p in data["points"]:
            table.add_row(f"{p['value']:.6g}", p["source"], escape(p["label"] or ""))
        out.print(table)
        scale = cat.rule.scale
        out.print(f"scale {scale.name} ({scale.method}): letters {' '.join(scale.letters)}")
        for line in cat.skipped:
            out.print(f"[yellow]skipped[/] {escape(line)}")


def _grade(pcr_id: str, value: float, as_json: bool) -> None:
    engine = database()
    try:
        cat = category(engine, pcr_id)
    except BenchmarkError as exc:
        fail([Problem(exc.field or "pcr", str(exc))])
    finally:
        engine.dispose()
    g = grade(value, cat.distribution, cat.rule.scale)
    if g is None:
        fail([Problem("pcr", f"{cat.pcr.id}: {cat.distribution.n} value(s) in the category, "
                             "too few for its percentile scale")], code=1)
    assert g is not None
    if as_json:
        out.print_json(json.dumps(asdict(g), ensure_ascii=False))
        return
    pct = "" if g.percentile is None else f", {g.percentile:.0f}th percentile"
    out.print(f"grade [bold]{g.letter}[/] ({g.scale}{pct}; {value:g} {g.unit}; n={g.n}); "
              "thresholds " + ", ".join(f"{t:.6g}" for t in g.thresholds))
