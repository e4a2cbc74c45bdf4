"""A migrated database with a qualified body, an applicant and a small study to certify."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tanzuji.certification import casefiles
from tanzuji.certification.config import CertConfig
from tanzuji.certification.workflow import Application
from tanzuji.signing import ensure_key
from tanzuji.store.certification_db import CertificationDB
from tests.conftest import WriteStudy, study_dict
from tests.store.conftest import db_url

__all__ = ["db_url"]

AUDITORS = [f"CB-A{i:02d}" for i in range(1, 13)]


@pytest.fixture
def cdb(db_url: str) -> Iterator[CertificationDB]:
    """The database with body CB (qualified: 12 auditors, CPC 411), enterprises E1 and E2,
    and a platform key."""
    ensure_key()
    db = CertificationDB.open(db_url, migrate=True, config=CertConfig())
    db.add_body("CB", "Test Certification", "CNCA-R-1", True, ["411"], "admin")
    for auditor in AUDITORS:
        db.add_auditor(auditor, "CB", f"name of {auditor}", True, 3.0, [], "admin")
    for org in ("E1", "E2"):
        db.add_organisation(org, f"Enterprise {org}", "enterprise", "admin")
    yield db
    db.engine.dispose()


def small_study(write_study: WriteStudy, model: str = "W-1", evidence: str | None = None,
                name: str = "study.yaml") -> Path:
    inp: dict[str, object] = {"name": "steel", "amount": 2, "unit": "kg", "factor": "steel"}
    if evidence:
        inp["evidence"] = evidence
    doc = study_dict([{"id": "make", "name": "make", "stage": "production",
                       "reference_product": {"name": "widget", "amount": 1, "unit": "piece"},
                       "inputs": [inp]}],
                     product={"name": "widget", "model": model, "producer": "ACME",
                              "cpc": "41121"})
    return write_study(doc, name=name)


@pytest.fixture
def application(write_study: WriteStudy) -> Application:
    """A prepared application of the small study (4 kg CO2e per piece)."""
    return casefiles.prepare_application(small_study(write_study), derive_documents=True)


def through_inspection(db: CertificationDB, app: Application, applicant: str = "E1",
                       team: tuple[str, ...] = ("CB-A01", "CB-A02")) -> str:
    case = db.apply(app, applicant, "CB", "clerk")
    db.accept(case, "clerk")
    db.plan(case, list(team), team[0], "one day on site", "clerk")
    db.review(case, team[0])
    db.inspect(case, team[0])
    return case


def certify(db: CertificationDB, app: Application, applicant: str = "E1",
            team: tuple[str, ...] = ("CB-A01", "CB-A02")) -> str:
    case = through_inspection(db, app, applicant, team)
    db.verify(case, team[0], casefiles.recompute_total)
    db.decide(case, True, "decider")
    return db.issue(case, "decider")
