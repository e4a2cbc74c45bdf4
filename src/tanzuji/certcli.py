"""``tanzuji cb|case|cert|label|credit|flags``: label certification from the command line."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.markup import escape
from rich.table import Table

from tanzuji.certification import casefiles, labelling, registry
from tanzuji.certification.errors import CertificationError
from tanzuji.console import err, errors, out
from tanzuji.signing import PUBLIC, SigningKeyError, key_dir, load_public
from tanzuji.store.certification_db import CertificationDB

cb_app = typer.Typer(help="Certification bodies, auditors, organisations, relationships.",
                     no_args_is_help=True)
case_app = typer.Typer(help="Certification cases: application to decision (CNCA steps).",
                       no_args_is_help=True)
cert_app = typer.Typer(help="Certificates: issue, status changes, registry.",
                       no_args_is_help=True)
label_app = typer.Typer(help="Carbon labels: make and verify.", no_args_is_help=True)
credit_app = typer.Typer(help="Credit records and the blacklist.", no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="who acts (default: $TANZUJI_USER or "
                                                     "the login name)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]
Reason = Annotated[str, typer.Option("--reason", help="why (recorded and reported)")]
On = Annotated[dt.datetime | None, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="the day it happens (default: today)")]


def _user(by: str | None) -> str:
    return by or os.environ.get("TANZUJI_USER") or getpass.getuser()


def _day(on: dt.datetime | None) -> dt.date | None:
    return on.date() if on else None


def _db() -> CertificationDB:
    return CertificationDB.open()


def _json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


@contextmanager
def _errors() -> Iterator[None]:
    """The CLI's error reporting, with a missing or bad key said plainly."""
    with errors():
        try:
            yield
        except SigningKeyError as exc:
            raise CertificationError(str(exc), "key") from None


def _public_key(path: Path | None) -> Ed25519PublicKey:
    file = path or key_dir() / PUBLIC
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CertificationError(f"{file}: cannot read the public key ({exc.strerror}); "
                                 "run `tanzuji db init` or pass --key", "key") from None
    return load_public(data, str(file))


# -- cb ---------------------------------------------------------------------------------------

@cb_app.command("add")
def cb_add(
    body: Annotated[str, typer.Argument(help="body id, e.g. CQC")],
    name: Annotated[str, typer.Option("--name")],
    category: Annotated[list[str], typer.Option(
        "--category", help="PCR id or CPC code prefix in scope; repeatable")],
    cnca_approval: Annotated[str | None, typer.Option(
        "--cnca-approval", help="CNCA product-certification approval number")] = None,
    pilot: Annotated[bool, typer.Option("--pilot/--no-pilot",
                                        help="holds the PCF label pilot qualification")] = False,
    by: By = None,
) -> None:
    """Register a certification body."""
    with _errors():
        _db().add_body(body, name, cnca_approval, pilot, category, _user(by))
        out.print(f"added body {escape(body)}")


@cb_app.command("auditor")
def cb_auditor(
    auditor: Annotated[str, typer.Argument(help="auditor id")],
    body: Annotated[str, typer.Option("--body")],
    name: Annotated[str, typer.Option("--name")],
    years: Annotated[float, typer.Option("--years", help="years of PCF work")],
    part_time: Annotated[bool, typer.Option("--part-time")] = False,
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="competence: PCR id or CPC prefix; default: the body's scope")] = None,
    by: By = None,
) -> None:
    """Add an auditor with their competence record to a body."""
    with _errors():
        _db().add_auditor(auditor, body, name, not part_time, years, category or [], _user(by))
        out.print(f"added auditor {escape(auditor)} to {escape(body)}")


@cb_app.command("org")
def cb_org(
    org: Annotated[str, typer.Argument(help="organisation id")],
    name: Annotated[str, typer.Option("--name")],
    consultant: Annotated[bool, typer.Option("--consultant",
                                             help="a consultancy, not an applicant")] = False,
    by: By = None,
) -> None:
    """Register an applicant enterprise or a consultancy."""
    with _errors():
        kind = "consultant" if consultant else "enterprise"
        _db().add_organisation(org, name, kind, _user(by))
        out.print(f"added {kind} {escape(org)}")


@cb_app.command("relate")
def cb_relate(
    subject: Annotated[str, typer.Argument(help="body, auditor or organisation id")],
    kind: Annotated[str, typer.Argument(help="consultancy, ownership or shared_staff")],
    other: Annotated[str, typer.Argument(help="the related party's id")],
    product: Annotated[str | None, typer.Option(
        "--product", help="consultancy on this product model only")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    by: By = None,
) -> None:
    """Record a relationship that bears on impartiality."""
    with _errors():
        _db().relate(subject, kind, other, product, note, _user(by))
        out.print(f"recorded: {escape(subject)} {kind} {escape(other)}")


@cb_app.command("list")
def cb_list(as_json: AsJson = False) -> None:
    """Bodies with their qualification."""
    with _errors():
        rows = _db().bodies()
        if as_json:
            _json(rows)
            return
        table = Table(title="Certification bodies")
        for col in ("id", "name", "status", "auditors", "scope", "may certify"):
            table.add_column(col)
        for b in rows:
            ok = "yes" if not b["problems"] and not b["blacklisted"] else "no"
            table.add_row(b["id"], b["name"], "blacklisted" if b["blacklisted"] else b["status"],
                          str(b["qualified_auditors"]), ", ".join(b["categories"]), ok)
        out.print(table)


@cb_app.command("show")
def cb_show(body: Annotated[str, typer.Argument()], as_json: AsJson = False) -> None:
    """A body: qualification, auditors, relationships."""
    with _errors():
        b = _db().body(body)
        if as_json:
            _json(b)
            return
        out.print(f"[bold]{escape(b['id'])}[/] {escape(b['name'])} — CNCA approval "
                  f"{escape(b['cnca_approval'] or 'none')}, pilot "
                  f"{'yes' if b['pilot_qualified'] else 'no'}, {b['status']}"
                  f"{', BLACKLISTED' if b['blacklisted'] else ''}", highlight=False)
        for p in b["problems"]:
            err.print(f"[yellow]not qualified[/] {escape(p)}", highlight=False)
        table = Table(title="Auditors")
        for col in ("id", "name", "full time", "PCF years", "competence"):
            table.add_column(col)
        for a in b["auditors"]:
            table.add_row(a["id"], a["name"], "yes" if a["full_time"] else "no",
                          f"{a['pcf_years']:g}", ", ".join(a["categories"]) or "(body scope)")
        out.print(table)
        for r in b["relationships"]:
            out.print(f"relationship: {escape(r['subject'])} {r['kind']} {escape(r['other'])}"
                      + (f" ({escape(r['product_model'])})" if r["product_model"] else ""),
                      highlight=False)


@cb_app.command("peer-review")
def cb_peer_review(
    reviewer: Annotated[str, typer.Argument(help="the reviewing body")],
    sample: Annotated[int, typer.Option("--sample", help="how many cases")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="sample seed (reproducible)")] = 0,
    of_body: Annotated[str | None, typer.Option("--of", help="only this body's cases")] = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """Re-verify a sample of other bodies' certified cases; disagreements are recorded."""
    with _errors():
        rows = _db().peer_review(reviewer, sample, seed, _user(by), casefiles.recompute_total,
                                 of_body)
        if as_json:
            _json(rows)
            return
        for r in rows:
            verdict = "[red]DISAGREES[/]" if r["disagreement"] else "[green]agrees[/]"
            out.print(f"{r['case']} ({r['certificate']}, {r['body']}): certified "
                      f"{r['certified']:.6g}, recomputed {r['recomputed']:.6g} {verdict}",
                      highlight=False)


# -- case -------------------------------------------------------------------------------------

def _documents(items: list[str] | None) -> dict[str, Path]:
    docs: dict[str, Path] = {}
    for item in items or []:
        kind, sep, path = item.partition("=")
        if not sep or not path:
            raise CertificationError(f"{item!r}: expected KIND=FILE (process_flow, bom, "
                                     "inventory)", "doc")
        docs[kind] = Path(path)
    return docs


@case_app.command("apply")
def case_apply(
    study: Annotated[Path, typer.Argument(help="the study file (YAML or JSON)")],
    applicant: Annotated[str, typer.Option("--applicant", help="applicant enterprise id")],
    body: Annotated[str, typer.Option("--body", help="certification body id")],
    model: Annotated[str | None, typer.Option(
        "--model", help="product model (default: study.product.model)")] = None,
    declared: Annotated[float | None, typer.Option(
        "--declared", help="declared value (default: the study's result)")] = None,
    tolerance: Annotated[float | None, typer.Option(
        "--tolerance", help="PCF verification tolerance, percent")] = None,
    doc: Annotated[list[str] | None, typer.Option(
        "--doc", help="KIND=FILE: process_flow, bom or inventory; repeatable")] = None,
    derive: Annotated[bool, typer.Option(
        "--derive-documents", help="draw missing documents from the study")] = False,
    by: By = None,
) -> None:
    """Apply: the study and its files are stored with the releases it pins."""
    with _errors():
        app_ = casefiles.prepare_application(study, product_model=model, declared=declared,
                                             documents=_documents(doc), derive_documents=derive)
        case = _db().apply(app_, applicant, body, _user(by), tolerance_percent=tolerance)
        out.print(f"case {case}: {escape(app_.product_model)}, declared "
                  f"{app_.declared_value:.6g} {escape(app_.unit)}", highlight=False)


@case_app.command("accept")
def case_accept(case: Annotated[str, typer.Argument()],
                comment: Annotated[str | None, typer.Option("--comment")] = None,
                by: By = None) -> None:
    """Accept the application (the body is qualified, impartial and not blacklisted)."""
    with _errors():
        _db().accept(case, _user(by), comment)
        out.print(f"case {escape(case)} accepted")


@case_app.command("refuse")
def case_refuse(case: Annotated[str, typer.Argument()], reason: Reason,
                by: By = None) -> None:
    """Refuse the application."""
    with _errors():
        _db().refuse(case, _user(by), reason)
        out.print(f"case {escape(case)} refused")


@case_app.command("plan")
def case_plan(
    case: Annotated[str, typer.Argument()],
    team: Annotated[list[str], typer.Option("--auditor", help="auditor id; repeatable")],
    lead: Annotated[str, typer.Option("--lead", help="lead auditor id")],
    plan: Annotated[str, typer.Option("--plan", help="the inspection plan")],
    by: By = None,
) -> None:
    """Plan: the audit team (competent, impartial, rotated) and the inspection plan."""
    with _errors():
        _db().plan(case, team, lead, plan, _user(by))
        out.print(f"case {escape(case)} planned: {escape(', '.join(team))}")


@case_app.command("review")
def case_review(case: Annotated[str, typer.Argument()],
                comment: Annotated[str | None, typer.Option("--comment")] = None,
                by: By = None) -> None:
    """Record the document review."""
    with _errors():
        _db().review(case, _user(by), comment)
        out.print(f"case {escape(case)}: document review done")


@case_app.command("inspect")
def case_inspect(case: Annotated[str, typer.Argument()],
                 comment: Annotated[str | None, typer.Option("--comment")] = None,
                 by: By = None) -> None:
    """Record the on-site inspection."""
    with _errors():
        _db().inspect(case, _user(by), comment)
        out.print(f"case {escape(case)}: on-site inspection done")


@case_app.command("verify")
def case_verify(case: Annotated[str, typer.Argument()], by: By = None,
                as_json: AsJson = False) -> None:
    """PCF verification: recompute the stored study and compare with the declared value."""
    with _errors():
        v = _db().verify(case, _user(by), casefiles.recompute_total)
        if as_json:
            _json({"declared": v.declared, "recomputed": v.recomputed,
                   "difference_percent": v.difference_percent,
                   "tolerance_percent": v.tolerance_percent, "passed": v.passed})
        else:
            word = "[green]passed[/]" if v.passed else "[red]failed[/] (a finding is raised)"
            out.print(f"case {escape(case)}: recomputed {v.recomputed:.6g}, declared "
                      f"{v.declared:.6g}, difference {v.difference_percent:+.3f} % "
                      f"(tolerance {v.tolerance_percent:g} %): {word}", highlight=False)
        if not v.passed:
            raise typer.Exit(1)


@case_app.command("finding")
def case_finding(
    case: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Option("--text", help="the non-conformity")],
    severity: Annotated[str, typer.Option("--severity", help="major or minor")] = "minor",
    by: By = None,
) -> None:
    """Raise a finding (non-conformity); it must be closed before a grant."""
    with _errors():
        number = _db().raise_finding(case, severity, text, _user(by))
        out.print(f"case {escape(case)}: finding #{number} raised")


@case_app.command("close-finding")
def case_close_finding(
    case: Annotated[str, typer.Argument()],
    number: Annotated[int, typer.Argument()],
    note: Annotated[str, typer.Option("--note", help="how it was corrected")],
    by: By = None,
) -> None:
    """Close a finding with a note on its correction."""
    with _errors():
        _db().close_finding(case, number, note, _user(by))
        out.print(f"case {escape(case)}: finding #{number} closed")


@case_app.command("decide")
def case_decide(
    case: Annotated[str, typer.Argument()],
    grant: Annotated[bool, typer.Option("--grant/--refuse", help="the decision")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    by: By = None,
) -> None:
    """Evaluation and decision, by someone who did not audit the case."""
    with _errors():
        _db().decide(case, grant, _user(by), comment)
        out.print(f"case {escape(case)}: {'granted' if grant else 'refused'}")


@case_app.command("show")
def case_show(case: Annotated[str, typer.Argument()], as_json: AsJson = False) -> None:
    """A case: state, team, files, verification, findings, history."""
    with _errors():
        c = _db().case(case)
        if as_json:
            _json(c)
            return
        out.print(f"[bold]{c['id']}[/] {c['state']} — {escape(c['applicant'])} "
                  f"{escape(c['product_model'])} at {escape(c['body'])}; declared "
                  f"{c['declared_value']:.6g} {escape(c['unit'])}", highlight=False)
        if c["team"]:
            out.print(f"team: {', '.join(c['team'])} (lead {c['lead']})", highlight=False)
        if c["verification"]:
            v = c["verification"]
            out.print(f"verification: recomputed {v['recomputed']:.6g}, "
                      f"{v['difference_percent']:+.3f} %, "
                      f"{'passed' if v['passed'] else 'failed'}", highlight=False)
        for f in c["findings"]:
            out.print(f"finding #{f['number']} ({f['severity']}, "
                      f"{'open' if f['open'] else 'closed'}): {escape(f['text'])}",
                      highlight=False)
        for e in c["events"]:
            out.print(f"  {e['at']} {e['action']} by {escape(e['actor'])}: {e['from']} → "
                      f"{e['to']}", highlight=False)
        if c["certificate"]:
            out.print(f"certificate: {c['certificate']}", highlight=False)


@case_app.command("list")
def case_list(as_json: AsJson = False) -> None:
    """All cases."""
    with _errors():
        rows = _db().cases()
        if as_json:
            _json(rows)
            return
        table = Table(title="Certification cases")
        for col in ("case", "state", "applicant", "body", "model", "declared"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["id"], r["state"], r["applicant"], r["body"], r["product_model"],
                          f"{r['declared_value']:.6g} {r['unit']}")
        out.print(table)


# -- cert -------------------------------------------------------------------------------------

@cert_app.command("issue")
def cert_issue(case: Annotated[str, typer.Argument(help="a granted case")],
               by: By = None) -> None:
    """Issue the certificate of a granted case (valid 2 years)."""
    with _errors():
        number = _db().issue(case, _user(by))
        out.print(f"certificate {number}")


def _transition(number: str, action: str, reason: str, by: str | None, **kw: Any) -> None:
    with _errors():
        status = _db().transition(number, action, reason, _user(by), **kw)
        out.print(f"certificate {escape(number)}: {status}")


@cert_app.command("suspend")
def cert_suspend(number: Annotated[str, typer.Argument()], reason: Reason,
                 by: By = None) -> None:
    """Suspend a certificate (暂停)."""
    _transition(number, "suspend", reason, by)


@cert_app.command("restore")
def cert_restore(number: Annotated[str, typer.Argument()], reason: Reason,
                 by: By = None) -> None:
    """Lift a suspension."""
    _transition(number, "restore", reason, by)


@cert_app.command("withdraw")
def cert_withdraw(number: Annotated[str, typer.Argument()], reason: Reason,
                  fraud: Annotated[bool, typer.Option(
                      "--fraud", help="withdrawn for fraud: bars the enterprise")] = False,
                  by: By = None) -> None:
    """Withdraw a certificate (撤销)."""
    _transition(number, "withdraw", reason, by, fraud=fraud)


@cert_app.command("cancel")
def cert_cancel(number: Annotated[str, typer.Argument()], reason: Reason,
                by: By = None) -> None:
    """Cancel a certificate (注销), e.g. at the holder's request."""
    _transition(number, "cancel", reason, by)


@cert_app.command("change")
def cert_change(
    number: Annotated[str, typer.Argument()],
    values: Annotated[list[str], typer.Option(
        "--set", help="FIELD=VALUE: product, product_model, site, producer or value")],
    reason: Reason,
    by: By = None,
) -> None:
    """Change a certificate (变更): scope, model, site or value."""
    changes: dict[str, Any] = {}
    with _errors():
        for item in values:
            key, sep, value = item.partition("=")
            if not sep:
                raise CertificationError(f"{item!r}: expected FIELD=VALUE", "set")
            changes[key] = float(value) if key == "value" else value
    _transition(number, "change", reason, by, changes=changes)


@cert_app.command("expire")
def cert_expire(on: On = None, by: By = None) -> None:
    """Record the expiry of every certificate past its validity."""
    with _errors():
        done = _db().expire_due(_user(by), _day(on))
        out.print(f"{len(done)} certificate(s) expired" + (f": {', '.join(done)}" if done else ""))


@cert_app.command("surveil")
def cert_surveil(
    number: Annotated[str, typer.Argument()],
    note: Annotated[str, typer.Option("--note", help="what the surveillance found")],
    conforming: Annotated[bool, typer.Option("--conforming/--nonconforming")] = True,
    by: By = None,
) -> None:
    """Post-certification surveillance; a nonconforming result suspends the certificate."""
    with _errors():
        status = _db().surveil(number, conforming, note, _user(by))
        out.print(f"certificate {escape(number)}: surveillance recorded, {status}")


@cert_app.command("show")
def cert_show(number: Annotated[str, typer.Argument()], as_json: AsJson = False) -> None:
    """A certificate and its history."""
    with _errors():
        c = _db().certificate(number)
        if c is None:
            raise CertificationError(f"no certificate {number!r}", "certificate")
        if as_json:
            _json(c)
            return
        out.print(f"[bold]{escape(c['number'])}[/] {c['status']} — {escape(c['product'])} "
                  f"{escape(c['product_model'])}: {c['value']:.6g} {escape(c['unit'])}, valid "
                  f"{c['issued_on']} – {c['valid_until']}", highlight=False)
        for e in c["events"]:
            out.print(f"  {e['at']} {e['action']} by {escape(e['actor'])}: "
                      f"{e['from'] or '-'} → {e['to']} ({escape(e['reason'])})",
                      highlight=False)


@cert_app.command("list")
def cert_list(
    regulator: Annotated[bool, typer.Option(
        "--regulator", help="every state change, as reported to the regulator")] = False,
    as_json: AsJson = False,
) -> None:
    """Certificates, or with --regulator the feed of their state changes."""
    with _errors():
        db = _db()
        rows = db.regulator_feed() if regulator else db.certificates()
        if as_json:
            _json(rows)
            return
        table = Table(title="Certificate changes (regulator's view)" if regulator
                      else "Certificates")
        cols = (("at", "certificate", "action", "from", "to", "reason", "actor") if regulator
                else ("number", "status", "applicant", "product_model", "value", "valid_until"))
        for col in cols:
            table.add_column(col)
        for r in rows:
            table.add_row(*(f"{r[c]:.6g}" if isinstance(r[c], float) else str(r[c] or "-")
                            for c in cols))
        out.print(table)


def _print_answer(a: dict[str, Any]) -> None:
    if a.get("found"):
        out.print(f"[bold]{escape(a['certificate'])}[/]: {escape(a['product'])} "
                  f"{escape(a['product_model'])}, {escape(a['producer'] or '')} — "
                  f"{a['value']:.6g} {escape(a['unit'])}; valid {a['issued_on']} – "
                  f"{a['valid_until']}; status [bold]{a['status']}[/]", highlight=False)
    for w in a["warnings"]:
        err.print(f"[bold red]warning[/] {escape(w['zh'])} {escape(w['en'])}", highlight=False)
    if a["ok"]:
        out.print("[green]OK[/]: " + ("signature valid, " if a.get("signature_valid") else "")
                  + "certificate valid")


@cert_app.command("registry")
def cert_registry(
    query: Annotated[str, typer.Argument(help="certificate number, or a label's QR text")],
    key: Annotated[Path | None, typer.Option("--key", help="published public key (PEM)")] = None,
    as_json: AsJson = False,
) -> None:
    """The public registry: a certificate's record and status, with plain warnings."""
    with _errors():
        needs_key = query.strip().startswith(("http://", "https://"))
        answer = registry.lookup(_db(), query, _public_key(key) if needs_key else None)
        if as_json:
            _json(answer)
        else:
            _print_answer(answer)
        if not answer["ok"]:
            raise typer.Exit(1)


# -- label ------------------------------------------------------------------------------------

@label_app.command("make")
def label_make(
    number: Annotated[str, typer.Argument(help="certificate number")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the label files")],
    by: By = None,
) -> None:
    """Make the signed label of a valid certificate: .svg, .png, .json and QR text."""
    with _errors():
        for path in labelling.make_label(_db(), number, out_dir, _user(by)):
            out.print(str(path), highlight=False)


@label_app.command("verify")
def label_verify(
    file: Annotated[str, typer.Argument(help="label file (.svg .png .jpg .json .txt) or QR text")],
    key: Annotated[Path | None, typer.Option("--key", help="published public key (PEM)")] = None,
    online: Annotated[bool, typer.Option(
        "--online", help="also ask the registry for the certificate's current status")] = False,
    as_json: AsJson = False,
) -> None:
    """Check a label offline against the public key, and with --online against the registry."""
    with _errors():
        source: Path | str = file if file.startswith(("http://", "https://")) else Path(file)
        answer = labelling.verify_label(source, _public_key(key), _db() if online else None)
        if as_json:
            _json(answer)
        elif online:
            _print_answer(answer)
        else:
            for w in answer["warnings"]:
                err.print(f"[bold red]warning[/] {escape(w['zh'])} {escape(w['en'])}",
                          highlight=False)
            if answer["ok"]:
                p = answer["payload"]
                out.print(f"[green]OK[/]: signature valid — certificate "
                          f"{escape(p['certificate'])}, {escape(p['value'])} "
                          f"{escape(p['unit'])}, valid until {p['valid_until']} (offline: "
                          "the current status needs --online)", highlight=False)
        if not answer["ok"]:
            raise typer.Exit(1)


# -- credit -----------------------------------------------------------------------------------

PartyKind = Annotated[bool, typer.Option("--body/--enterprise",
                                         help="the party is a body or an enterprise")]


@credit_app.command("add")
def credit_add(
    party: Annotated[str, typer.Argument(help="body or enterprise id")],
    description: Annotated[str, typer.Option("--description", help="what happened")],
    is_body: PartyKind = False,
    kind: Annotated[str, typer.Option("--kind", help="violation or penalty")] = "violation",
    penalty: Annotated[str | None, typer.Option("--penalty", help="the penalty imposed")] = None,
    fraud: Annotated[bool, typer.Option("--fraud", help="a fraud")] = False,
    on: On = None,
    by: By = None,
) -> None:
    """Record a violation or penalty."""
    with _errors():
        if kind not in ("violation", "penalty"):
            raise CertificationError(f"{kind!r}: use violation or penalty here (blacklisting "
                                     "is `tanzuji credit blacklist`)", "kind")
        _db().add_credit("body" if is_body else "enterprise", party, kind, description,
                         _user(by), penalty=penalty, fraud=fraud, on=_day(on))
        out.print(f"recorded {kind} of {escape(party)}")


@credit_app.command("list")
def credit_list(party: Annotated[str | None, typer.Argument()] = None,
                as_json: AsJson = False) -> None:
    """Credit records, of one party or all."""
    with _errors():
        rows = _db().credit_records(party)
        if as_json:
            _json(rows)
            return
        table = Table(title="Credit records")
        for col in ("on", "party", "kind", "description", "penalty", "until"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["on"], f"{r['party_kind']} {r['party']}",
                          r["kind"] + (" (fraud)" if r["fraud"] else ""), r["description"],
                          r["penalty"] or "-", r["until"] or "-")
        out.print(table)


@credit_app.command("blacklist")
def credit_blacklist(
    party: Annotated[str | None, typer.Argument(
        help="put this party on the blacklist (none: show the blacklist)")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    is_body: PartyKind = False,
    until: Annotated[dt.datetime | None, typer.Option(
        "--until", formats=["%Y-%m-%d"], help="last day (default: until lifted)")] = None,
    lift: Annotated[bool, typer.Option("--lift", help="take the party off the list")] = False,
    on: On = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """Blacklist a body or enterprise (or lift it); without a party, list the blacklist."""
    with _errors():
        db = _db()
        if party is None:
            names = db.blacklist(_day(on))
            _json(names) if as_json else out.print("\n".join(names) or "the blacklist is empty")
            return
        if not reason:
            raise CertificationError("a blacklisting or lifting needs a reason", "reason")
        db.add_credit("body" if is_body else "enterprise", party,
                      "lift" if lift else "blacklist", reason, _user(by), on=_day(on),
                      until=_day(until))
        out.print(f"{escape(party)} {'taken off' if lift else 'put on'} the blacklist")


# -- flags ------------------------------------------------------------------------------------

def flags(as_json: AsJson = False) -> None:
    """Anti-fraud flags: label values, use of suspended or expired certificates, green
    certificates claimed twice, footprints outside the PCR range or the industry."""
    with _errors():
        found = _db().flags(casefiles.pcr_ranges())
        if as_json:
            _json([f.to_dict() for f in found])
            return
        for f in found:
            out.print(f"[yellow]{f.code}[/] {escape(f.message)}", highlight=False)
        out.print(f"{len(found)} flag(s)")
