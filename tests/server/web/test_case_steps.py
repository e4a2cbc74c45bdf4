"""A certification case taken through its steps from the case page: the body's auditor audits
and verifies, the applicant answers a finding, the decision-maker grants and issues; each
party sees only its own steps, and the others are refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tanzuji.certification.demo import BODY
from tanzuji.store.certification_db import CertificationDB
from tests.server.web.conftest import Site, applied_case, login


def planned_case(site: Site, model: str, team: list[str]) -> str:
    """A new case of the applicant for ``model``, accepted and planned with ``team``."""
    case = applied_case(site, model)
    db = CertificationDB.open(site.database_url)
    try:
        db.accept(case, "clerk", "complete")
        db.plan(case, team, team[0], "one day on site", "clerk")
    finally:
        db.engine.dispose()
    return case


@pytest.fixture(scope="module")
def idle_case(site: Site) -> str:
    return planned_case(site, "HRC-WEB-IDLE", [f"{BODY}-A07", f"{BODY}-A08"])


def step(client: TestClient, case: str, name: str, **form: str) -> str:
    answer = client.post(f"/cases/{case}/steps", data={"step": name, **form})
    assert answer.status_code == 303, answer.text[:500]
    assert "error=" not in answer.headers["location"], answer.headers["location"]
    return client.get(f"/cases/{case}").text


def test_case_walked_from_the_page(app_client: TestClient, site: Site) -> None:
    case = planned_case(site, "HRC-WEB-WALK", [f"{BODY}-A05", f"{BODY}-A06"])
    login(app_client, "auditor")
    page = app_client.get(f"/cases/{case}").text
    assert 'id="step-review"' in page and 'id="step-grant"' not in page
    step(app_client, case, "review", comment="documents agree")
    step(app_client, case, "finding", comment="meter calibration record missing",
         severity="minor")
    page = step(app_client, case, "inspect", comment="site as described")
    assert 'id="step-verify"' in page

    page = step(app_client, case, "verify")
    assert 'data-state="verified"' in page

    login(app_client, "decider")
    refused = app_client.post(f"/cases/{case}/steps", data={"step": "grant"})
    assert "error=" in refused.headers["location"]  # the finding is still open
    assert "finding" in app_client.get(refused.headers["location"]).text

    login(app_client, "admin")
    page = step(app_client, case, "close_finding", number="1", comment="calibration filed")
    assert 'id="step-close-1"' not in page

    login(app_client, "decider")
    step(app_client, case, "grant", comment="conforms")
    page = step(app_client, case, "issue")
    assert 'id="case-certificate"' in page and 'data-state="certified"' in page


@pytest.mark.parametrize(("user", "name"), [
    ("regulator", "review"), ("auditor", "grant"), ("decider", "review"), ("other", "review"),
    ("admin", "review"), ("citizen", "close_finding")])
def test_others_steps_are_refused(app_client: TestClient, idle_case: str, user: str,
                                  name: str) -> None:
    login(app_client, user)
    answer = app_client.post(f"/cases/{idle_case}/steps", data={"step": name, "number": "1",
                                                                "comment": "x"})
    assert answer.status_code == 403
