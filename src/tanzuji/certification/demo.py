"""The certification part of ``tanzuji demo``: one example study from application to a
certified label, verified offline and against the registry, on the database `make run` made.

The demo body, its ten auditors and the applicant are created once. Each run cancels the
previous demo certificate (one per product model) and opens a new case, so the cases accumulate
like real ones; auditors are picked in turn, so rotation holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from tanzuji.certification import casefiles, labelling
from tanzuji.signing import PUBLIC, key_dir, load_public
from tanzuji.store.certification_db import CertificationDB

BODY, APPLICANT, CONSULTANT = "DEMO-CB", "demo-steel", "demo-consulting"
ACTOR, DECIDER = "demo-clerk", "demo-decider"
STUDY = "steel-bf-bof-hot-rolled.yaml"


@dataclass(frozen=True)
class DemoCertificate:
    case: str
    number: str
    files: list[Path]


def _ensure_parties(db: CertificationDB) -> list[str]:
    """The demo body (CNCA-approved, pilot-qualified, ten full-time auditors), the applicant
    and its consultant; returns the auditor ids."""
    known = {b["id"] for b in db.bodies()}
    auditors = [f"{BODY}-A{i:02d}" for i in range(1, 11)]
    if BODY not in known:
        db.add_body(BODY, "Demo Certification Centre (fictitious)", "CNCA-R-DEMO-001", True,
                    ["steel-bf-bof", "steel-eaf", "411"], ACTOR)
        for i, auditor in enumerate(auditors):
            db.add_auditor(auditor, BODY, f"Auditor {i + 1}", True, 2.0 + i % 5, [], ACTOR)
        db.add_organisation(APPLICANT, "Example Iron & Steel Co., Ltd. (fictitious)",
                            "enterprise", ACTOR)
        db.add_organisation(CONSULTANT, "Example Carbon Consulting (fictitious)", "consultant",
                            ACTOR)
        db.relate(CONSULTANT, "consultancy", APPLICANT, "HRC-Q235B",
                  "built the PCF model of the applicant", ACTOR)
    return auditors


def certify_example(db: CertificationDB, examples: Path, out: Path) -> DemoCertificate:
    """Take the steel example through every CNCA step to a label in ``out``."""
    auditors = _ensure_parties(db)
    app = casefiles.prepare_application(examples / STUDY, derive_documents=True)
    for cert in db.certificates():
        if cert["applicant"] == APPLICANT and cert["product_model"] == app.product_model \
                and cert["status"] in ("valid", "suspended"):
            db.transition(cert["number"], "cancel", "superseded by a new demo run", ACTOR)
    case = db.apply(app, APPLICANT, BODY, ACTOR)
    db.accept(case, ACTOR, "application complete")
    turn = 2 * (len([c for c in db.cases() if c["applicant"] == APPLICANT]) - 1) % len(auditors)
    team = [auditors[turn], auditors[(turn + 1) % len(auditors)]]
    db.plan(case, team, team[0], "document review, then two days on site", ACTOR)
    db.review(case, team[0], "process flow, BOM and inventory agree with the study")
    db.inspect(case, team[0], "production and metering as described")
    db.verify(case, team[0], casefiles.recompute_total)
    db.decide(case, True, DECIDER, "conforms")
    number = db.issue(case, DECIDER)
    files = labelling.make_label(db, number, out, ACTOR)
    return DemoCertificate(case, number, files)


def run_certification_demo(console: Console, examples: Path, out: Path) -> None:
    """Certify the example on the database, then check its label offline and online."""
    db = CertificationDB.open()
    try:
        done = certify_example(db, examples, out)
        key = load_public((key_dir() / PUBLIC).read_bytes(), str(key_dir() / PUBLIC))
        svg = next(p for p in done.files if p.suffix == ".svg")
        offline = labelling.verify_label(svg, key)
        online = labelling.verify_label(svg, key, db)
    finally:
        db.engine.dispose()
    console.print(f"certified {STUDY}: case {done.case}, certificate [bold]{done.number}[/]",
                  highlight=False)
    for path in done.files:
        console.print(f"  label file {path}", highlight=False)
    console.print(f"label verify: offline {'OK' if offline['ok'] else 'FAILED'}, online "
                  f"{'OK' if online['ok'] else 'FAILED'} (status {online.get('status')})",
                  highlight=False)
