"""Every role against every endpoint of the workflow API (certification steps, factor database
operations, token revocation, job retry). Requests are built so that a caller the policy lets
through meets the workflow or the input next (409, 404 or 422) and changes nothing: the status
shows where the caller was stopped. 401 is for the anonymous, 403 for a role the step is not
for."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import PASSWORD, ROLES, World

FACTOR_USERS = {"editor": ("factor_editor",), "reviewer": ("factor_reviewer",)}
ALL = [*ROLES, *FACTOR_USERS]
LOGGED_IN = [r for r in ALL if r != "anonymous"]
MEMBERS = ("admin", "analyst", "consultant")  # of acme, the applicant of the world's case
EDITORS = (*MEMBERS, "supplier", "outsider")  # may upload and apply with their own studies
CB1 = ("auditor", "decider")


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    """Statuses per role: ``ok`` where given, 401 for the anonymous, ``default`` otherwise."""
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ALL}


def each(roles: tuple[str, ...] | list[str], status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


CSV = {"file": ("f.csv", b"id,name_en,unit,value\n", "text/csv")}
# (method, path template, request keyword arguments, statuses per role)
MATRIX: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
    # applying: an editor with a study of their own (here: no such study)
    ("POST", "/api/cases", {"json": {"study_id": 2**31 - 1, "body": "CB1"}},
     expect(each(EDITORS, 404))),
    # the body holding the case: intake (the case is accepted already)
    ("POST", "/api/cases/{case}/accept", {"json": {}}, expect(each(CB1, 409))),
    ("POST", "/api/cases/{case}/refuse", {"json": {"reason": "r"}}, expect(each(CB1, 409))),
    ("POST", "/api/cases/{case}/plan",
     {"json": {"team": ["NOBODY"], "lead": "NOBODY", "plan": "p"}}, expect(each(CB1, 422))),
    # its auditors audit; the case is not planned yet
    ("POST", "/api/cases/{case}/review", {"json": {}}, expect({"auditor": 409})),
    ("POST", "/api/cases/{case}/inspect", {"json": {}}, expect({"auditor": 409})),
    ("POST", "/api/cases/{case}/verify", {}, expect({"auditor": 409})),
    ("POST", "/api/cases/{case}/findings", {"json": {"severity": "minor", "text": "  "}},
     expect({"auditor": 422})),
    # the applicant answers findings (there is no finding 99)
    ("POST", "/api/cases/{case}/findings/99/close", {"json": {"note": "n"}},
     expect(each(MEMBERS, 404))),
    # its deciders decide and issue
    ("POST", "/api/cases/{case}/decision", {"json": {"grant": True}},
     expect({"decider": 409})),
    ("POST", "/api/cases/{case}/certificate", {}, expect({"decider": 409})),
    # certificates (no such number: the role check comes first)
    ("POST", "/api/certificates/CN-NOSUCH-1/status",
     {"json": {"action": "suspend", "reason": "r"}}, expect({"decider": 404})),
    ("POST", "/api/certificates/CN-NOSUCH-1/surveillance",
     {"json": {"conforming": True, "note": "n"}},
     expect({"auditor": 404, "other_auditor": 404})),
    ("POST", "/api/certificates/CN-NOSUCH-1/labels", {},
     expect(each((*EDITORS, "auditor", "decider", "other_auditor"), 404))),
    # the regulator's credit records; peer review by the regulator or a body for itself
    ("GET", "/api/credit", {}, expect({"regulator": 200})),
    ("POST", "/api/credit", {"json": {"party_kind": "enterprise", "party": "nobody",
                                      "kind": "violation", "description": "d"}},
     expect({"regulator": 404})),
    ("POST", "/api/peer-reviews", {"json": {"reviewer_body": "CB2", "size": 1}},
     expect({"regulator": 404, "other_auditor": 404})),
    # the factor database: editors and reviewers; releases are public
    ("GET", "/api/datasets", {}, expect({"editor": 200, "reviewer": 200})),
    ("POST", "/api/datasets", {"json": {"id": "bad id", "title": "t"}},
     expect({"editor": 422})),
    ("GET", "/api/datasets/nope/history", {}, expect({"editor": 404, "reviewer": 404})),
    ("POST", "/api/datasets/nope/imports", {"files": CSV}, expect({"editor": 404})),
    ("POST", "/api/datasets/nope/submit", {"json": {}}, expect({"editor": 404})),
    ("POST", "/api/datasets/nope/review", {"json": {"verdict": "approve"}},
     expect({"reviewer": 404})),
    ("POST", "/api/datasets/nope/publish", {"json": {}},
     expect({"editor": 404, "reviewer": 404})),
    ("GET", "/api/releases/diff?old=nope@1&new=nope@2", {}, dict.fromkeys(ALL, 404)),
    ("GET", "/api/releases/export?release=nope", {}, dict.fromkeys(ALL, 404)),
    # jobs: retrying needs a failed job (the world's is done) the caller may see
    ("POST", "/api/jobs/{job}/retry", {}, expect(each((*MEMBERS, *CB1), 409))),
    # tokens, clients, users
    ("POST", "/api/token/revoke", {"data": {"token": "abc"}}, expect(each(LOGGED_IN, 422))),
    ("GET", "/api/clients", {}, expect(each(LOGGED_IN, 200))),
    ("DELETE", "/api/clients/tzc_nosuch", {}, expect(each(LOGGED_IN, 404))),
    ("POST", "/api/users/nobody/logout", {}, expect({"admin": 404})),
    ("POST", "/api/users/nobody/deactivate", {}, expect({"admin": 404})),
    # last: it ends each caller's session
    ("POST", "/api/logout/everywhere", {}, expect(each(LOGGED_IN, 200))),
]


@pytest.fixture(scope="module")
def ops_world(world: World) -> World:
    """The module's world with a factor editor and a factor reviewer logged in."""
    for name, roles in FACTOR_USERS.items():
        world.db.add_user(name, PASSWORD, roles, "acme")
        client = TestClient(world.app, raise_server_exceptions=False)  # type: ignore[arg-type]
        assert client.post("/api/login", json={"username": name,
                                               "password": PASSWORD}).status_code == 200
        world.clients[name] = client
    return world


@pytest.mark.parametrize(("method", "template", "kwargs", "statuses"), MATRIX,
                         ids=[f"{m} {t}" for m, t, _, _ in MATRIX])
def test_every_role_against_every_operation(ops_world: World, method: str, template: str,
                                            kwargs: dict[str, Any],
                                            statuses: dict[str, int]) -> None:
    w = ops_world
    path = template.format(case=w.case_id, job=w.job_id)
    responses = {role: w.as_(role).request(method, path, **kwargs) for role in ALL}
    assert {role: r.status_code for role, r in responses.items()} == statuses, {
        role: r.text[:200] for role, r in responses.items()
        if r.status_code != statuses[role]}
    for response in responses.values():
        if response.status_code >= 400:
            assert set(response.json()) >= {"code", "message", "field"}
