"""``tanzuji db``: the background factor database from the command line."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tanzuji.console import err, errors, out
from tanzuji.factors.formats.detect import FORMATS
from tanzuji.signing import PUBLIC, ensure_key, key_dir
from tanzuji.store.db import database_url
from tanzuji.store.factor_db import FactorDB, FactorDBError
from tanzuji.store.seed import init_database

db_app = typer.Typer(help="The background factor database: import, review, release, search.",
                     no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="who acts (default: $TANZUJI_USER or "
                                                     "the login name)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _user(by: str | None) -> str:
    return by or os.environ.get("TANZUJI_USER") or getpass.getuser()


def _open() -> FactorDB:
    return FactorDB.open(migrate=False)


def _json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


@db_app.command("init")
def init() -> None:
    """Create or upgrade the schema, load the shipped data where it is absent, and create
    the platform's signing key if there is none."""
    with errors():
        db = FactorDB.open(migrate=True)
        done = init_database(db)
        if ensure_key():
            done.append(f"created the platform signing key in {key_dir()} (publish "
                        f"{key_dir() / PUBLIC})")
        for line in done:
            out.print(escape(line))
        if not done:
            out.print(f"database up to date ({database_url()})")


@db_app.command("create")
def create(
    dataset: Annotated[str, typer.Argument(help="dataset id, e.g. acme-suppliers")],
    title: Annotated[str, typer.Option("--title", help="what the dataset holds")],
    public: Annotated[bool, typer.Option("--public", help="public: needs two reviewers")] = False,
    publisher: Annotated[str | None, typer.Option("--publisher")] = None,
    licence: Annotated[str | None, typer.Option("--licence")] = None,
    by: By = None,
) -> None:
    """Create an empty dataset (its changes are reviewed before each release)."""
    with errors():
        _open().create_dataset(dataset, title, _user(by), public=public, publisher=publisher,
                               licence=licence)
        out.print(f"created dataset {escape(dataset)} (draft)")


@db_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, Excel, JSON-LD zip, EcoSpold2 or ILCD")],
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="dataset to import into")],
    fmt: Annotated[str | None, typer.Option("--format", help=f"one of {', '.join(FORMATS)}; "
                                                             "default: from the file")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="withdraw the dataset's factors "
                                                            "absent from the file")] = False,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """Import a file into a dataset's draft: all of it, or nothing when anything is wrong."""
    with errors():
        report = _open().import_file(file, dataset, _user(by), fmt=fmt, replace=replace)
        flags = [{"factor": f.factor_id, "code": f.code, "message": f.message}
                 for f in report.flags]
        if as_json:
            _json({"dataset": report.dataset, "file": report.file, "format": report.format,
                   "added": report.added, "changed": report.changed,
                   "unchanged": report.unchanged, "withdrawn": report.withdrawn,
                   "processes": report.processes, "flags": flags})
            return
        out.print(f"{escape(str(file))} -> {escape(dataset)} ({report.format}): "
                  f"{report.added} added, {report.changed} changed, {report.unchanged} "
                  f"unchanged, {report.withdrawn} withdrawn, {report.processes} processes")
        for f in flags:
            err.print(f"[yellow]flag[/] {escape(f['factor'])} [{f['code']}] "
                      f"{escape(f['message'])}", highlight=False)


@db_app.command("export")
def export(
    release: Annotated[str, typer.Argument(help="DATASET@N, or DATASET for its newest release")],
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, excel or jsonld; default: "
                                                             "from the file name")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="export the dataset's draft")] = False,
) -> None:
    """Export a release (or a draft) to CSV, Excel or an openLCA JSON-LD zip."""
    with errors():
        db = _open()
        if draft:
            factors, processes, name = db.draft_records(release), [], f"{release} (draft)"
        else:
            name = db.resolve_release(release)
            factors, processes = db.release_records(name), db.release_processes(name)
        chosen = fmt or {".csv": "csv", ".xlsx": "excel", ".zip": "jsonld"}.get(
            output.suffix.lower())
        if chosen == "csv":
            from tanzuji.factors.formats.csvfile import write_csv
            write_csv(output, factors)
        elif chosen == "excel":
            from tanzuji.factors.formats.excel import write_excel
            write_excel(output, factors)
        elif chosen == "jsonld":
            from tanzuji.factors.formats.jsonld import write_jsonld
            write_jsonld(output, factors, processes)
        else:
            raise FactorDBError(f"{output}: cannot tell the format; use --format csv, excel "
                                "or jsonld")
        extra = f" and {len(processes)} processes" if processes else ""
        out.print(f"wrote {len(factors)} factors{extra} of {escape(name)} to "
                  f"{escape(str(output))}")


@db_app.command("template")
def template(output: Annotated[Path, typer.Argument(help="the .xlsx file to write")]) -> None:
    """Write the Excel import template, with instructions in Chinese and English."""
    with errors():
        from tanzuji.factors.formats.excel import write_template
        write_template(output)
        out.print(f"wrote {escape(str(output))}")


@db_app.command("list")
def list_(
    dataset: Annotated[str | None, typer.Argument(help="list this dataset's releases")] = None,
    as_json: AsJson = False,
) -> None:
    """Datasets with their state and newest release, or one dataset's releases."""
    with errors():
        db = _open()
        rows = db.releases(dataset) if dataset else db.datasets()
        if as_json:
            _json(rows)
            return
        if not rows:
            out.print("nothing yet: `tanzuji db init` loads the shipped data")
            return
        table = Table(*rows[0].keys())
        for row in rows:
            table.add_row(*(escape("" if v is None else str(v)) for v in row.values()))
        out.print(table)


@db_app.command("search")
def search(
    text: Annotated[str | None, typer.Argument(help="words of the name (中文 or English), "
                                                    "id or code")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="carbon_footprint_factor or "
                                                            "co2_emission_factor")] = None,
    geography: Annotated[str | None, typer.Option("--geography", "-g")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    code: Annotated[str | None, typer.Option("--code", help="CPC, HS or 统计用产品分类 "
                                                            "code (prefix)")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", "-d")] = None,
    release: Annotated[str | None, typer.Option("--release", "-r")] = None,
    drafts: Annotated[bool, typer.Option("--drafts", help="include unpublished versions")
                      ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 50,
    as_json: AsJson = False,
) -> None:
    """Find factors by name, code, geography, year and kind."""
    with errors():
        hits = _open().search(text, kind=kind, geography=geography, year=year, code=code,
                              dataset=dataset, release=release, drafts=drafts, limit=limit)
        if as_json:
            _json(hits)
            return
        table = Table("id", "name", "value", "unit", "kind", "geo", "year", "release")
        for h in hits:
            name = h["name_en"] + (f" / {h['name_zh']}" if h["name_zh"] else "")
            table.add_row(escape(h["id"]), escape(name), f"{h['value']:.6g}",
                          escape(h["value_unit"]), h["kind"].split("_")[0],
                          escape(h["geography"] or ""), str(h["data_year"] or ""),
                          escape(h["release"] or "draft"))
        out.print(table)
        out.print(f"{len(hits)} factor(s)")


@db_app.command("show")
def show(
    factor_id: Annotated[str, typer.Argument(help="factor id")],
    release: Annotated[str | None, typer.Option("--release", "-r")] = None,
    as_json: AsJson = False,
) -> None:
    """A factor with its provenance chain, versions, quality flags and review history."""
    with errors():
        f = _open().show(factor_id, release)
        if as_json:
            _json(f)
            return
        out.print(f"[bold]{escape(f['id'])}[/] v{f['version']} — {escape(f['name_en'])}"
                  + (f" / {escape(f['name_zh'])}" if f["name_zh"] else ""))
        out.print(f"  {f['value']:.6g} {escape(f['value_unit'])} ({f['kind']}), "
                  f"{escape(str(f['geography']))}, {f['data_year']}, release "
                  f"{escape(str(f['release'] or 'draft'))}, dataset {escape(f['dataset'])}")
        out.print("[bold]provenance[/]")
        for key, value in f["provenance"].items():
            out.print(f"  {key}: {escape(str(value))}")
        if f["licence"]:
            out.print(f"  licence: {escape(f['licence'])}")
        lineage = f["lineage"]
        for step in lineage["supersedes"]:
            out.print(f"  supersedes {escape(step['id'])}")
        for later in lineage["superseded_by"]:
            out.print(f"  [yellow]superseded by {escape(later)}[/]")
        out.print("[bold]versions[/]")
        for v in f["versions"]:
            src = v["import"]
            origin = (f"imported from {src['file']} (sha256 {src['sha256'][:12]}…) by "
                      f"{src['by']} at {src['at']}" if src else f"by {v['created_by']}")
            state = "withdrawn" if v["withdrawn"] else f"{v['value']:.6g}"
            out.print(f"  v{v['version']}: {state}; {escape(origin)}; releases: "
                      f"{escape(', '.join(v['releases']) or 'none')}")
        for flag in f["flags"]:
            out.print(f"[yellow]flag[/] [{flag['code']}] {escape(flag['message'])}")
        out.print("[bold]review history of the dataset[/]")
        for e in f["review"]:
            note = f" — {e['comment']}" if e["comment"] else ""
            out.print(f"  {e['at']} {escape(e['actor'])}: {e['action']} "
                      f"({e['from']} -> {e['to']}){escape(note)}")


@db_app.command("submit")
def submit(
    dataset: Annotated[str, typer.Argument()],
    by: By = None,
    comment: Annotated[str | None, typer.Option("--comment", "-m")] = None,
) -> None:
    """Submit a dataset's pending changes for review."""
    with errors():
        state = _open().submit(dataset, _user(by), comment)
        out.print(f"{escape(dataset)}: {state}")


@db_app.command("review")
def review(
    dataset: Annotated[str, typer.Argument()],
    approve: Annotated[bool, typer.Option("--approve")] = False,
    reject: Annotated[bool, typer.Option("--reject")] = False,
    start: Annotated[bool, typer.Option("--start", help="take the review on")] = False,
    comment: Annotated[str | None, typer.Option("--comment", "-m")] = None,
    by: By = None,
) -> None:
    """Review a submitted dataset: start, approve or reject, with a comment."""
    with errors():
        chosen = [v for v, flag in (("approve", approve), ("reject", reject), ("start", start))
                  if flag]
        if len(chosen) > 1:
            raise FactorDBError("choose one of --approve, --reject, --start")
        if not chosen and not comment:
            raise FactorDBError("give --approve, --reject, --start or a --comment")
        if reject and not comment:
            raise FactorDBError("a rejection needs a --comment saying why")
        state = _open().review(dataset, _user(by), chosen[0] if chosen else "comment", comment)
        out.print(f"{escape(dataset)}: {state}")


@db_app.command("publish")
def publish(
    dataset: Annotated[str, typer.Argument()],
    by: By = None,
    note: Annotated[str | None, typer.Option("--note", "-m")] = None,
) -> None:
    """Publish an approved dataset as its next numbered, immutable release."""
    with errors():
        name = _open().publish(dataset, _user(by), note)
        out.print(f"published {escape(name)}")


@db_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="DATASET@N")],
    new: Annotated[str, typer.Argument(help="DATASET@M")],
    as_json: AsJson = False,
) -> None:
    """What was added, changed or withdrawn between two releases."""
    with errors():
        d = _open().diff(old, new)
        if as_json:
            _json({"old": d.old, "new": d.new, "added": d.added, "withdrawn": d.withdrawn,
                   "changed": [{"id": c.factor_id,
                                "fields": {k: {"old": a, "new": b}
                                           for k, (a, b) in c.fields.items()}}
                               for c in d.changed]})
            return
        out.print(f"{escape(d.old)} -> {escape(d.new)}: {len(d.added)} added, "
                  f"{len(d.changed)} changed, {len(d.withdrawn)} withdrawn")
        for fid in d.added:
            out.print(f"  [green]+ {escape(fid)}[/]")
        for fid in d.withdrawn:
            out.print(f"  [red]- {escape(fid)}[/]")
        for c in d.changed:
            fields = "; ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in c.fields.items())
            out.print(f"  [yellow]~ {escape(c.factor_id)}[/] {escape(fields)}")
